package io.pipelines.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.core.env.Environment;

/**
 * The service as an operating-system process of its own (what production runs), on the embedded
 * servers of the test JVM, in a profile that starts none: so that a test can kill it with SIGKILL,
 * which no in-JVM context can undergo. Its log goes to target/service-processes/. It listens on a
 * port its web server picks at each start (read from its log: no port chosen here and bound later
 * by another process), and fires no schedule unless a test turns that on
 * ({@code pipelines.cluster.fire-schedules=true}).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "service-processes");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final java.util.regex.Pattern STARTED_ON_PORT = java.util.regex.Pattern.compile("Tomcat started on port (\\d+)");

    private final String name;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final String password = UUID.randomUUID().toString();
    private Process process;
    private File log;
    private int starts;
    private volatile int port;

    /**
     * @param name     for its log files
     * @param settings extra settings (name=value, without --), after the defaults, so they win
     */
    public ServiceProcess(String name, Environment testContext, List<String> settings) throws IOException {
        this(name);
        String postgres = "jdbc:postgresql://127.0.0.1:" + testContext.getRequiredProperty("pipelines.local.postgres-port");
        List<String> args = new ArrayList<>(List.of(
                "spring.profiles.active=process",
                "spring.datasource.url=" + postgres + "/warehouse",
                "spring.datasource.username=postgres",
                "pipelines.connections.sales.url=" + postgres + "/sales",
                "pipelines.connections.sales.username=postgres",
                "pipelines.lake.endpoint=http://127.0.0.1:" + testContext.getRequiredProperty("pipelines.local.s3-port"),
                "pipelines.lake.access-key=local",
                "pipelines.lake.secret-key=local",
                "pipelines.lake.spool-dir=target/test-spool/" + name,
                "pipelines.stream.bootstrap-servers=127.0.0.1:" + testContext.getRequiredProperty("pipelines.local.kafka-port"),
                "pipelines.dead-letters.dir=target/test-dead-letters/" + name,
                "pipelines.stream.max-clock-skew=30d", // as the test's own service (the tests' events run ahead)
                "pipelines.cluster.instance-id=" + name,
                "pipelines.cluster.lease=3s",
                "pipelines.cluster.heartbeat-interval=1s",
                "pipelines.cluster.recovery-interval=1s",
                "pipelines.retry.initial-delay=500ms",
                "pipelines.retry.max-delay=2s",
                // Deadlines are checked by the tests with clocks of their own (DeadlinesTest), not by the processes.
                "pipelines.runs.deadline-check-interval=0"));
        args.addAll(settings);
        args.forEach(this::set);
    }

    /** What every such process has: a port of its own choice, a login of its own, no schedule fired, a quiet Kafka client. */
    private ServiceProcess(String name) {
        this.name = name;
        List.of("server.port=0",
                "pipelines.security.username=" + name,
                "pipelines.security.password=" + password,
                "pipelines.cluster.fire-schedules=false",
                "logging.level.kafka=WARN",
                "logging.level.org.apache.kafka=WARN").forEach(this::set);
    }

    /**
     * The service on the local profile, as {@code ./mvnw spring-boot:test-run} starts it: its own embedded
     * servers (on free ports, data in {@code dataDir}, made afresh), no demo events.
     */
    public static ServiceProcess local(String name, Path dataDir, List<String> settings) {
        ServiceProcess service = new ServiceProcess(name);
        List<String> args = new ArrayList<>(List.of(
                "spring.profiles.active=local",
                "pipelines.local.data-dir=" + dataDir,
                "pipelines.local.clean-start=true",
                "pipelines.local.postgres-port=0",
                "pipelines.local.s3-port=0",
                "pipelines.local.kafka-port=0",
                "pipelines.local.kafka-controller-port=0",
                "pipelines.local.mariadb-port=0",
                "pipelines.local.products-api-port=0",
                "pipelines.local.demo.rate=0",
                "pipelines.local.demo.orders-per-day=10"));
        args.addAll(settings);
        args.forEach(service::set);
        return service;
    }

    /**
     * Sets {@code name=value} for the next start (one value per name, the last given winning: Spring would
     * join a repeated argument's values with commas); a process restarted with another setting is what an
     * operator's change of configuration and restart does.
     */
    public ServiceProcess set(String setting) {
        int eq = setting.indexOf('=');
        settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        return this;
    }

    private List<String> command() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", classpath(), "io.pipelines.PipelinesApplication"));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }

    /** Starts the process and waits until its health endpoint says UP. */
    public ServiceProcess start() throws IOException {
        return launch().awaitUp();
    }

    /** Starts the process without waiting for it (start several at once, then {@link #awaitUp()} each). */
    public ServiceProcess launch() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running already");
        }
        Files.createDirectories(LOGS);
        log = LOGS.resolve(name + "-" + (++starts) + ".log").toFile();
        port = 0;
        process = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log).start();
        return this;
    }

    public ServiceProcess awaitUp() {
        await(name + " up (log: " + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting: see " + log);
                    }
                    if (port == 0) {
                        port = portFromLog();
                    }
                    return port != 0 && healthy();
                });
        return this;
    }

    /** SIGKILL: no shutdown hook, no drain, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the graceful stop; returns the exit status once the process has ended. */
    public int stop() throws InterruptedException {
        terminate();
        return awaitExit();
    }

    /** SIGTERM, without waiting for the process to end (it may be finishing runs meanwhile). */
    public void terminate() {
        process.destroy();
    }

    /** Waits until the process has ended; returns its exit status. */
    public int awaitExit() throws InterruptedException {
        return process.waitFor();
    }

    /** Waits at most {@code atMost} for the process to end; returns its exit status, or fails if it still runs. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs after " + atMost + " (log: " + log + ")");
        }
        return process.exitValue();
    }

    /** The log of the current (or last) start. */
    public Path log() {
        return log.toPath();
    }

    /** How the process names itself as an owner of runs: {@code <name>:<pid>:<random>}; a SQL LIKE pattern. */
    public String ownerPattern() {
        return name + ":" + process.pid() + ":%";
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A process that also reads the route files of {@code folder} (a user's pipelines), with a scheduler of its
     * own and no stream, and {@code settings} besides.
     */
    public static ServiceProcess withRoutesOf(Path folder, String name, Environment testContext, String... settings)
            throws IOException {
        List<String> all = new ArrayList<>(List.of(
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,file:routes/templates/*.camel.yaml,file:"
                        + folder + "/*.camel.yaml",
                "spring.quartz.scheduler-name=pipelines-" + name + "-test", "pipelines.stream.enabled=false"));
        all.addAll(List.of(settings));
        return new ServiceProcess(name, testContext, all);
    }

    /** Queues a run of {@code pipeline} for {@code date} over REST; returns its id (the answer must be 202). */
    public long trigger(String pipeline, java.time.LocalDate date) throws Exception {
        HttpResponse<String> accepted = post("/api/pipelines/" + pipeline + "/runs", "{\"logicalDate\":\"" + date + "\"}");
        if (accepted.statusCode() != 202) {
            throw new AssertionError("POST /api/pipelines/" + pipeline + "/runs answered " + accepted.statusCode() + ": "
                    + accepted.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(accepted.body()).get("runId").asLong();
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        String login = Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + login);
    }

    private boolean healthy() {
        try {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isRunning()) {
            stop();
        }
    }

    /** target/classes and the runtime dependencies (written by the build: maven-dependency-plugin). */
    private static String classpath() throws IOException {
        Path file = Path.of("target", "test-classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run the tests with ./mvnw verify (it writes the file)");
        }
        // The lab (the local profile's embedded servers) lives in the test classes.
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Path.of("target", "test-classes")
                .toAbsolutePath() + File.pathSeparator + Files.readString(file).strip();
    }

    /** The port the web server of the current start took, once it has logged it; 0 before. */
    private int portFromLog() throws IOException {
        try (var lines = Files.lines(log.toPath())) {
            return lines.map(STARTED_ON_PORT::matcher).filter(java.util.regex.Matcher::find)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElse(0);
        }
    }
}
