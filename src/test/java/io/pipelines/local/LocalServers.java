package io.pipelines.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.gaul.s3proxy.AuthenticationType;
import org.springframework.boot.SpringApplication;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded servers of the local profile: PostgreSQL (databases {@code sales} and
 * {@code warehouse}), S3Proxy over a folder (the lake bucket), a Kafka broker (KRaft), MariaDB
 * (database {@code crm}) and the demo products API. Started once per JVM and shared
 * by every application context in it (the tests start several); stopped when the JVM exits, after
 * the application contexts have closed.
 */
public final class LocalServers {

    private static LocalServers running;

    private final EmbeddedPostgres postgres;
    private S3Proxy s3;
    private final LocalKafka kafka;
    private final Path s3BaseDir;
    private final String bucket;
    private final int s3Port;
    /** The sources of pipelines.sources: MariaDB (database crm) and the demo products API. */
    private LocalMariaDb mariaDb;
    private DemoProductsApi productsApi;

    private LocalServers(EmbeddedPostgres postgres, S3Proxy s3, LocalKafka kafka, Path s3BaseDir, String bucket) {
        this.postgres = postgres;
        this.s3 = s3;
        this.kafka = kafka;
        this.s3BaseDir = s3BaseDir;
        this.bucket = bucket;
        this.s3Port = s3.getPort();
    }

    /** Stops the S3 server while keeping its data, as an outage would (fault-injection tests). */
    public static synchronized void stopS3() throws Exception {
        running.s3.stop();
    }

    /** Starts the S3 server again on the same port over the same data. */
    public static synchronized void restartS3() throws Exception {
        running.s3 = startS3(running.s3BaseDir, running.bucket, running.s3Port);
    }

    /** Starts the servers, or returns those this JVM already started. */
    public static synchronized LocalServers startOnce(LocalServersProperties settings, String bucket,
                                                      List<String> topics, Log log) {
        if (running == null) {
            running = start(settings, bucket, topics, log);
            // Stopped after every application context has closed (runs in flight drained), not
            // alongside them as a JVM shutdown hook of their own would be.
            SpringApplication.getShutdownHandlers().add(LocalServers::stopRunning);
        }
        return running;
    }

    public int postgresPort() {
        return postgres.getPort();
    }

    public int s3Port() {
        return s3Port;
    }

    public int kafkaPort() {
        return kafka.port();
    }

    public int mariaDbPort() {
        return mariaDb.port();
    }

    public int productsApiPort() {
        return productsApi.port();
    }

    private static LocalServers start(LocalServersProperties settings, String bucket, List<String> topics, Log log) {
        Path dataDir = settings.getDataDir().toAbsolutePath();
        try {
            if (settings.isCleanStart()) {
                deleteTree(dataDir);
            }
            Files.createDirectories(dataDir);
            long t0 = System.nanoTime();
            stopOrphanedPostgres(dataDir.resolve("postgres"), log);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.resolve("postgres"))
                    .setCleanDataDirectory(false)
                    .setPort(settings.getPostgresPort())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setRegisterShutdownHook(false)
                    .start();
            DataSource admin = postgres.getPostgresDatabase();
            createDatabase(admin, "sales");
            createDatabase(admin, "warehouse");
            int generated = DemoOrders.ensure(postgres.getDatabase("postgres", "sales"), settings.getDemo().today(),
                    settings.getDemo());
            if (generated > 0) {
                log.info("Generated " + generated + " demo orders in sales.public.orders");
            }
            S3Proxy s3 = startS3(dataDir.resolve("lake"), bucket, settings.getS3Port());
            Map<String, Integer> partitions = new LinkedHashMap<>();
            topics.forEach(topic -> partitions.put(topic, settings.getKafkaPartitions()));
            LocalKafka kafka = LocalKafka.start(dataDir.resolve("kafka"), settings.getKafkaPort(),
                    settings.getKafkaControllerPort(), partitions);
            LocalServers servers = new LocalServers(postgres, s3, kafka, dataDir.resolve("lake"), bucket);
            servers.startSources(dataDir, settings, log);
            log.info("Local servers up in " + (System.nanoTime() - t0) / 1_000_000 + " ms: PostgreSQL on 127.0.0.1:"
                    + postgres.getPort() + " (user postgres, databases sales and warehouse), S3 on http://127.0.0.1:"
                    + s3.getPort() + " (bucket " + bucket + ", any credentials), Kafka on 127.0.0.1:" + kafka.port()
                    + " (topics " + topics + "), MariaDB on 127.0.0.1:" + servers.mariaDbPort()
                    + " (user root, database crm), products API on http://127.0.0.1:" + servers.productsApiPort()
                    + "/products, data in " + dataDir);
            return servers;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the local profile's embedded servers (data in "
                    + dataDir + "): " + e.getMessage(), e);
        }
    }

    /** The demo sources of pipelines.sources: MariaDB with crm.customers, and the products API. */
    private void startSources(Path dataDir, LocalServersProperties settings, Log log) throws Exception {
        Path mariaDir = dataDir.resolve("mariadb");
        stopOrphaned(LocalMariaDb.pidFile(mariaDir), "mariadbd", "MariaDB", mariaDir, log);
        mariaDb = LocalMariaDb.start(mariaDir, settings.getMariadbPort(), "crm");
        LocalDate today = settings.getDemo().today();
        int customers = DemoCustomers.ensure(mariaDb.jdbcUrl("crm"), today, settings.getDemo().getCustomers(),
                settings.getDemo().getSeed());
        if (customers > 0) {
            log.info("Generated " + customers + " demo customers in crm.customers (MariaDB)");
        }
        productsApi = DemoProductsApi.start(settings.getProductsApiPort(), settings.getDemo().getProducts(),
                settings.getDemo().getSeed(), today);
    }

    /**
     * A JVM killed with SIGKILL leaves its embedded PostgreSQL running on the data folder. That
     * server (named by postmaster.pid and still a postgres process) is stopped before a new one starts.
     */
    private static void stopOrphanedPostgres(Path pgData, Log log) throws IOException, InterruptedException {
        stopOrphaned(pgData.resolve("postmaster.pid"), "postgres", "PostgreSQL", pgData, log);
    }

    /** Stops the server named by {@code pidFile} when it still runs as {@code command} (left by a killed JVM). */
    private static void stopOrphaned(Path pidFile, String command, String server, Path dir, Log log)
            throws IOException, InterruptedException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains(command)).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        log.warn("Stopping " + server + " " + pid + " left running on " + dir + " by a process that did not stop cleanly");
        process.get().destroy(); // SIGTERM: a clean shutdown of PostgreSQL ("smart") and of MariaDB
        try {
            process.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException notStopped) {
            process.get().destroyForcibly();
        }
    }

    private static void createDatabase(DataSource admin, String name) throws SQLException {
        try (Connection c = admin.getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
            }
        }
    }

    private static S3Proxy startS3(Path baseDir, String bucket, int port) throws Exception {
        Files.createDirectories(baseDir);
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .overrides(overrides)
                .build(BlobStoreContext.class);
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, bucket);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .build();
        proxy.start();
        return proxy;
    }

    /** Stops the servers this JVM started, if any: S3, Kafka, the products API and MariaDB, then PostgreSQL. */
    public static synchronized void stopRunning() {
        if (running == null) {
            return;
        }
        try {
            running.s3.stop();
        } catch (Exception e) {
            System.err.println("Stopping the local S3 server: " + e);
        }
        try {
            running.kafka.stop();
        } catch (RuntimeException e) {
            System.err.println("Stopping the local Kafka broker: " + e);
        }
        try {
            running.productsApi.stop();
            running.mariaDb.stop();
        } catch (Exception e) {
            System.err.println("Stopping the local MariaDB: " + e);
        }
        try {
            running.postgres.close();
        } catch (IOException e) {
            System.err.println("Stopping the local PostgreSQL: " + e);
        }
        running = null;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
