package io.pipelines.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.NotEmpty;

/** Every setting of the service under {@code pipelines.*}, bound once; see application.yml. */
@Validated
@ConfigurationProperties("pipelines")
public class PipelinesProperties {

    /** Login of the REST API, actuator endpoints and Hawtio. */
    @Valid
    private final Security security = new Security();
    /** How runs are executed. */
    @Valid
    private final Runs runs = new Runs();
    /** The S3 lake. */
    @Valid
    private final Lake lake = new Lake();
    /** Source databases by name. */
    @Valid
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    /** What every stream shares (each stream's own declaration is a file under streams/). */
    @Valid
    private final Stream stream = new Stream();
    /** How a failed task is tried again (each pipeline may override any of it). */
    @Valid
    private final Retry retry = new Retry();
    /** Tasks that failed for good. */
    private final DeadLetters deadLetters = new DeadLetters();
    /** Alerts on tasks that failed for good. */
    private final Alerts alerts = new Alerts();
    /** Several instances against one warehouse: leases, and the take-over of runs a dead instance left. */
    private final Cluster cluster = new Cluster();
    /** Quality checks. */
    @Valid
    private final Quality quality = new Quality();
    /** Sources loaded incrementally into staging, by name: one pipeline each (checked by SourceDefinitions). */
    private final Map<String, SourceSettings> sources = new LinkedHashMap<>();

    public Security getSecurity() { return security; }
    public Runs getRuns() { return runs; }
    public Lake getLake() { return lake; }
    public Map<String, Connection> getConnections() { return connections; }
    public Stream getStream() { return stream; }
    public Retry getRetry() { return retry; }
    public DeadLetters getDeadLetters() { return deadLetters; }
    public Alerts getAlerts() { return alerts; }
    public Cluster getCluster() { return cluster; }
    public Map<String, SourceSettings> getSources() { return sources; }
    public Quality getQuality() { return quality; }

    /** How quality suites are checked (docs/quality.md). */
    public static class Quality {
        /**
         * Most failing rows an expectation of result_format COMPLETE keeps per run in etl.quality_unexpected_rows;
         * beyond it the result says it was capped (its counts still cover every row).
         */
        @Min(0)
        private int maxUnexpectedRows = 10_000;

        public int getMaxUnexpectedRows() { return maxUnexpectedRows; }
        public void setMaxUnexpectedRows(int maxUnexpectedRows) { this.maxUnexpectedRows = maxUnexpectedRows; }
    }

    /**
     * Instances of the service that share a warehouse share its runs: each renews a lease in
     * etl.instances; a run queued or running on an instance whose lease has expired is taken over
     * by another instance (or by the same one after a restart) and resumed from the task it was in.
     */
    public static class Cluster {
        /** This instance's name in etl.instances and in run records; empty: host, process id and a random suffix. */
        private String instanceId = "";
        /** An instance that has not renewed its lease for this long is taken for dead. */
        private Duration lease = Duration.ofSeconds(30);
        /** How often the lease is renewed (well under the lease). */
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        /** How often each instance looks for runs orphaned by a dead instance. */
        private Duration recoveryInterval = Duration.ofSeconds(10);
        /** A run orphaned more often than this (the service dies under it each time) is failed, not resumed. */
        private int maxRecoveries = 3;
        /** Whether this instance fires the shared schedules; false: it runs what it is given and takes runs over, but fires none. */
        private boolean fireSchedules = true;

        public String getInstanceId() { return instanceId; }
        public void setInstanceId(String instanceId) { this.instanceId = instanceId; }
        public Duration getLease() { return lease; }
        public void setLease(Duration lease) { this.lease = lease; }
        public Duration getHeartbeatInterval() { return heartbeatInterval; }
        public void setHeartbeatInterval(Duration heartbeatInterval) { this.heartbeatInterval = heartbeatInterval; }
        public Duration getRecoveryInterval() { return recoveryInterval; }
        public void setRecoveryInterval(Duration recoveryInterval) { this.recoveryInterval = recoveryInterval; }
        public int getMaxRecoveries() { return maxRecoveries; }
        public void setMaxRecoveries(int maxRecoveries) { this.maxRecoveries = maxRecoveries; }
        public boolean isFireSchedules() { return fireSchedules; }
        public void setFireSchedules(boolean fireSchedules) { this.fireSchedules = fireSchedules; }
    }

    /** Where tasks that failed for good are kept. */
    public static class DeadLetters {
        /** Append-only file folder used while the warehouse itself is down; drained into etl.dead_letters. */
        private Path dir = Path.of("data", "dead-letters");
        /** How often the folder is drained into the table. */
        private Duration drainInterval = Duration.ofSeconds(30);
        /** Kafka topic that also receives each dead letter (when pipelines.stream.bootstrap-servers is set); empty: none. */
        private String topic = "pipeline.dlq";

        public Path getDir() { return dir; }
        public void setDir(Path dir) { this.dir = dir; }
        public Duration getDrainInterval() { return drainInterval; }
        public void setDrainInterval(Duration drainInterval) { this.drainInterval = drainInterval; }
        public String getTopic() { return topic; }
        public void setTopic(String topic) { this.topic = topic; }
    }

    /** Where an alert goes when a task fails for good (it is always logged at ERROR). */
    public static class Alerts {
        /** URL that receives each alert as a JSON POST; empty: none. */
        private String webhookUrl = "";
        /** Kafka topic that receives each alert (when pipelines.stream.bootstrap-servers is set); empty: none. */
        private String topic = "pipeline.alerts";
        /** Base URL of this service, for the link to the run in an alert. */
        private String serviceUrl = "http://localhost:8080";

        public String getWebhookUrl() { return webhookUrl; }
        public void setWebhookUrl(String webhookUrl) { this.webhookUrl = webhookUrl; }
        public String getTopic() { return topic; }
        public void setTopic(String topic) { this.topic = topic; }
        public String getServiceUrl() { return serviceUrl; }
        public void setServiceUrl(String serviceUrl) { this.serviceUrl = serviceUrl; }
    }

    /** Retries of a failed task: exponential backoff. Per pipeline (pipeline-runs, pipelines.sources) a null field means the global value. */
    public static class Retry {
        /**
         * Tries of a failed task after its first attempt (Camel's redelivery policy in
         * routes/error-handling.camel.yaml); a failed quality check or a bad setting is not retried.
         */
        @Min(0)
        private Integer maxRetries;
        /** Wait before the first retry of a failed task. */
        private Duration initialDelay;
        /** Each further wait is the previous one times this (exponential backoff). */
        private Double multiplier;
        /** Longest wait between two tries. */
        private Duration maxDelay;

        public Integer getMaxRetries() { return maxRetries; }
        public void setMaxRetries(Integer maxRetries) { this.maxRetries = maxRetries; }
        public Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
        public Double getMultiplier() { return multiplier; }
        public void setMultiplier(Double multiplier) { this.multiplier = multiplier; }
        public Duration getMaxDelay() { return maxDelay; }
        public void setMaxDelay(Duration maxDelay) { this.maxDelay = maxDelay; }

        /** This policy with its unset fields taken from {@code defaults}. */
        public Retry over(Retry defaults) {
            Retry r = new Retry();
            r.maxRetries = maxRetries != null ? maxRetries : defaults.maxRetries;
            r.initialDelay = initialDelay != null ? initialDelay : defaults.initialDelay;
            r.multiplier = multiplier != null ? multiplier : defaults.multiplier;
            r.maxDelay = maxDelay != null ? maxDelay : defaults.maxDelay;
            return r;
        }
    }

    public static class Security {
        /**
         * An admin login given by name and password (PIPELINES_USER, PIPELINES_PASSWORD), besides the users; the
         * password is hashed at start-up and never logged.
         */
        private String username = "";
        /** Password of that admin login. */
        private String password = "";
        /**
         * The logins, by user name: each with its role and its password's hash. Without any (and without
         * username), the local profile makes a viewer, an operator and an admin and prints their passwords once;
         * any other profile does not start.
         */
        private Map<String, User> users = new LinkedHashMap<>();
        /**
         * How long a successful Basic login is remembered (by a keyed hash of the user name and password, in
         * memory), so that a client's repeated requests skip the password hash; 0s: every request is checked.
         */
        private Duration loginCache = Duration.ofMinutes(5);
        /** Failed logins a client address may make in one minute; more are answered 429 until the minute is over. */
        private int maxFailedLogins = 10;
        /**
         * Logins from the team's identity provider: bearer tokens (JWT) checked against its keys once
         * spring.security.oauth2.resourceserver.jwt.issuer-uri (or .jwk-set-uri, and .audiences) is set.
         */
        private Oidc oidc = new Oidc();
        /**
         * Origins (scheme://host:port) besides the service's own whose pages a browser may call it from;
         * empty: only its own (Hawtio). Any other site's request is refused.
         */
        private List<String> allowedOrigins = new ArrayList<>();

        public List<String> getAllowedOrigins() { return allowedOrigins; }
        public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Map<String, User> getUsers() { return users; }
        public void setUsers(Map<String, User> users) { this.users = users; }
        public Duration getLoginCache() { return loginCache; }
        public void setLoginCache(Duration loginCache) { this.loginCache = loginCache; }
        public int getMaxFailedLogins() { return maxFailedLogins; }
        public void setMaxFailedLogins(int maxFailedLogins) { this.maxFailedLogins = maxFailedLogins; }
        public Oidc getOidc() { return oidc; }

        /** How a token of the identity provider names its user and roles. */
        public static class Oidc {
            /** The claim that names the user (in the audit log); sub when the token lacks it. */
            private String userClaim = "preferred_username";
            /**
             * The claim that lists the user's roles, a dotted path into nested claims (realm_access.roles);
             * values viewer, operator and admin count (after role-prefix), any other is ignored.
             */
            private String rolesClaim = "roles";
            /** What the identity provider puts before the role names (pipelines- for pipelines-operator); empty: nothing. */
            private String rolePrefix = "";

            public String getUserClaim() { return userClaim; }
            public void setUserClaim(String userClaim) { this.userClaim = userClaim; }
            public String getRolesClaim() { return rolesClaim; }
            public void setRolesClaim(String rolesClaim) { this.rolesClaim = rolesClaim; }
            public String getRolePrefix() { return rolePrefix; }
            public void setRolePrefix(String rolePrefix) { this.rolePrefix = rolePrefix; }
        }

        /** A login: its role and its password's hash. */
        public static class User {
            /**
             * viewer (reads the API, metrics and Hawtio), operator (also triggers, backfills, resumes, replays,
             * suspends and resumes schedules and routes) or admin (also reads the audit log).
             */
            private String role = "viewer";
            /**
             * The password's hash with its scheme, {bcrypt}$2y$10$... (htpasswd -nbBC 10 '' 'the password' | cut -c2-
             * gives the part after {bcrypt}); a password in clear is refused at start-up.
             */
            private String passwordHash = "";

            public String getRole() { return role; }
            public void setRole(String role) { this.role = role; }
            public String getPasswordHash() { return passwordHash; }
            public void setPasswordHash(String passwordHash) { this.passwordHash = passwordHash; }
        }
    }

    public static class Runs {
        /** Runs of one pipeline executing at once. */
        @Min(1)
        private int concurrency = 2;
        /** Longest date range of one backfill, in days. */
        @Min(1)
        private int maxBackfillDays = 366;
        /**
         * How long an extract's single pass waits for its load (PostgreSQL taking the COPY, or a lock
         * on the staging table) before it gives the in-pass load up; validate and load then run as
         * tasks of their own after the extract.
         */
        @NotNull
        private Duration loadStallTimeout = Duration.ofMinutes(2);
        /**
         * After this many consecutive failed runs of a pipeline its schedule is suspended on every instance, with
         * an alert, until resumed; 0 never suspends it.
         */
        @Min(0)
        private int autoPauseAfter = 0;
        /**
         * How long the log lines of runs are kept in etl.task_logs (INFO and above, per run and task, from every
         * instance that worked on the run; read at GET /api/runs/{id}/logs and in the console).
         */
        @NotNull
        private Duration logRetention = Duration.ofDays(30);

        /**
         * How often each instance looks for deadline misses (the pipeline-runs parameters deadline and taskLimits);
         * a miss is recorded and alerted once whichever instance finds it. 0 turns the checks off.
         */
        @NotNull
        private Duration deadlineCheckInterval = Duration.ofMinutes(1);
        /**
         * How far back a check looks for dates whose deadline passed: a date whose deadline passed longer ago
         * while no instance was checking is not reported.
         */
        @NotNull
        private Duration deadlineLookback = Duration.ofDays(2);

        /**
         * Runs of one backfill queued or running at once when its request gives no maxActive; 0 queues every date of
         * a backfill at once (they still run at most concurrency at a time per instance, before later runs).
         */
        @Min(0)
        private int backfillMaxActive = 0;
        /** How often each instance queues the next dates of the backfills that limit their runs (also when a run ends). */
        @NotNull
        private Duration backfillFeedInterval = Duration.ofSeconds(5);

        public int getBackfillMaxActive() { return backfillMaxActive; }
        public void setBackfillMaxActive(int backfillMaxActive) { this.backfillMaxActive = backfillMaxActive; }
        public Duration getBackfillFeedInterval() { return backfillFeedInterval; }
        public void setBackfillFeedInterval(Duration backfillFeedInterval) { this.backfillFeedInterval = backfillFeedInterval; }

        public Duration getDeadlineCheckInterval() { return deadlineCheckInterval; }
        public void setDeadlineCheckInterval(Duration deadlineCheckInterval) { this.deadlineCheckInterval = deadlineCheckInterval; }
        public Duration getDeadlineLookback() { return deadlineLookback; }
        public void setDeadlineLookback(Duration deadlineLookback) { this.deadlineLookback = deadlineLookback; }
        public Duration getLogRetention() { return logRetention; }
        public void setLogRetention(Duration logRetention) { this.logRetention = logRetention; }
        public int getAutoPauseAfter() { return autoPauseAfter; }
        public void setAutoPauseAfter(int autoPauseAfter) { this.autoPauseAfter = autoPauseAfter; }

        public Duration getLoadStallTimeout() { return loadStallTimeout; }
        public void setLoadStallTimeout(Duration loadStallTimeout) { this.loadStallTimeout = loadStallTimeout; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public int getMaxBackfillDays() { return maxBackfillDays; }
        public void setMaxBackfillDays(int maxBackfillDays) { this.maxBackfillDays = maxBackfillDays; }
    }

    public static class Lake {
        /** Endpoint of the S3-compatible store; empty means AWS's own endpoint for the region. */
        private String endpoint = "";
        /** Region of the bucket. */
        private String region = "us-east-1";
        /** Bucket of the lake. */
        @NotBlank
        private String bucket = "lake";
        /** Access key; empty means the AWS SDK's default credential chain. */
        private String accessKey = "";
        /** Secret key; never logged. */
        private String secretKey = "";
        /** Path-style addressing, needed by most non-AWS stores. */
        private boolean pathStyleAccess = true;
        /** Rows per Parquet object before the writer rolls to the next part. */
        @Min(1)
        private int rowsPerObject = 500_000;
        /** Local folder for Parquet files on their way to or from the store. */
        private Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"), "pipelines-spool");

        public String getEndpoint() { return endpoint; }
        public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
        public String getRegion() { return region; }
        public void setRegion(String region) { this.region = region; }
        public String getBucket() { return bucket; }
        public void setBucket(String bucket) { this.bucket = bucket; }
        public String getAccessKey() { return accessKey; }
        public void setAccessKey(String accessKey) { this.accessKey = accessKey; }
        public String getSecretKey() { return secretKey; }
        public void setSecretKey(String secretKey) { this.secretKey = secretKey; }
        public boolean isPathStyleAccess() { return pathStyleAccess; }
        public void setPathStyleAccess(boolean pathStyleAccess) { this.pathStyleAccess = pathStyleAccess; }
        public int getRowsPerObject() { return rowsPerObject; }
        public void setRowsPerObject(int rowsPerObject) { this.rowsPerObject = rowsPerObject; }
        public Path getSpoolDir() { return spoolDir; }
        public void setSpoolDir(Path spoolDir) { this.spoolDir = spoolDir; }
    }

    public static class Connection {
        /** JDBC URL of the source database. */
        @NotBlank
        private String url;
        /** User of the source database. */
        private String username = "";
        /** Password of the source database; never logged. */
        private String password = "";
        /** Rows fetched per round trip while streaming an extract. */
        @Min(1)
        private int fetchSize = 10_000;
        /** Connections kept open to this source. */
        @Min(1)
        private int poolSize = 4;
        /** Longest wait for a connection to the source; a source that is down fails the attempt after this. */
        private Duration connectTimeout = Duration.ofSeconds(10);

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public int getFetchSize() { return fetchSize; }
        public void setFetchSize(int fetchSize) { this.fetchSize = fetchSize; }
        public int getPoolSize() { return poolSize; }
        public void setPoolSize(int poolSize) { this.poolSize = poolSize; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    }

    public static class Stream {
        /** Run the streams at all (their routes start with it); false leaves every stream idle. */
        private boolean enabled = true;
        /**
         * Folders whose *.yaml files declare the streams, one file per stream (relative to the working folder,
         * like sql/ and quality/). A stream runs where a route starts from pipelines-stream:<stream>.
         */
        private List<String> folders = new ArrayList<>(List.of("streams"));
        /** Kafka brokers, host:port[,host:port]. */
        private String bootstrapServers = "";
        /**
         * A micro-batch closes at this many records (also the consumer's max.poll.records) or batch-interval
         * after its first record, whichever comes first. Each batch costs three Parquet objects, a warehouse
         * and a Kafka transaction whatever its size: 10,000 drains about 2 x faster than 1,000 (bench/results.md),
         * and at 10,000 events/s a batch fills in 1 s. Memory: one batch of records at a time.
         */
        @Min(1)
        private int batchSize = 10000;
        /** A micro-batch closes this long after its first record, or at batch-size records, whichever comes first. */
        private Duration batchInterval = Duration.ofSeconds(5);
        /**
         * An event time later than the service's clock plus this is refused (a dead letter): one event from a
         * producer whose clock is far ahead would otherwise move its partition's watermark for good, and every
         * later event of that partition would be late. Event times before 1900 are refused too.
         */
        private Duration maxClockSkew = Duration.ofMinutes(5);
        /** First wait before a failed batch is tried again; doubles up to retry-max-delay. */
        private Duration retryInitialDelay = Duration.ofSeconds(1);
        /** Longest wait between two tries of a failed batch (it is tried until it succeeds). */
        private Duration retryMaxDelay = Duration.ofSeconds(30);
        /** Consumers in this instance (each takes a share of the partitions). */
        @Min(1)
        private int consumers = 1;
        /** More Kafka client settings (security.protocol, sasl.*, ...), for consumer and producers. */
        private Map<String, String> kafka = new LinkedHashMap<>();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public List<String> getFolders() { return folders; }
        public void setFolders(List<String> folders) { this.folders = folders; }
        public String getBootstrapServers() { return bootstrapServers; }
        public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public Duration getBatchInterval() { return batchInterval; }
        public void setBatchInterval(Duration batchInterval) { this.batchInterval = batchInterval; }
        public Duration getMaxClockSkew() { return maxClockSkew; }
        public void setMaxClockSkew(Duration maxClockSkew) { this.maxClockSkew = maxClockSkew; }
        public Duration getRetryInitialDelay() { return retryInitialDelay; }
        public void setRetryInitialDelay(Duration retryInitialDelay) { this.retryInitialDelay = retryInitialDelay; }
        public Duration getRetryMaxDelay() { return retryMaxDelay; }
        public void setRetryMaxDelay(Duration retryMaxDelay) { this.retryMaxDelay = retryMaxDelay; }
        public int getConsumers() { return consumers; }
        public void setConsumers(int consumers) { this.consumers = consumers; }
        public Map<String, String> getKafka() { return kafka; }
        public void setKafka(Map<String, String> kafka) { this.kafka = kafka; }
    }
}
