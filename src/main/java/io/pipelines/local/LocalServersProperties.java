package io.pipelines.local;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded servers of the local profile ({@code pipelines.local.*}). Bound before
 * the application context exists, by {@link LocalServersEnvironmentPostProcessor}.
 */
@ConfigurationProperties("pipelines.local")
public class LocalServersProperties {

    /** Folder of the servers' data: postgres/ and lake/ (kept across restarts). */
    private Path dataDir = Path.of("data");
    /** Delete the data folder before starting (tests only). */
    private boolean cleanStart = false;
    /** Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one. */
    private int postgresPort = 15432;
    /** Port of the embedded S3 server on 127.0.0.1; 0 picks a free one. */
    private int s3Port = 19000;
    /** Demo data of the sales database. */
    private final Demo demo = new Demo();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public boolean isCleanStart() { return cleanStart; }
    public void setCleanStart(boolean cleanStart) { this.cleanStart = cleanStart; }
    public int getPostgresPort() { return postgresPort; }
    public void setPostgresPort(int postgresPort) { this.postgresPort = postgresPort; }
    public int getS3Port() { return s3Port; }
    public void setS3Port(int s3Port) { this.s3Port = s3Port; }
    public Demo getDemo() { return demo; }

    public static class Demo {
        /** Days before today that get demo orders. */
        private int days = 30;
        /** Average orders per day (each day gets 80 to 120 % of it). */
        private int ordersPerDay = 3000;
        /** Seed of the generator: the same rows for the same date on every machine. */
        private long seed = 42;

        public int getDays() { return days; }
        public void setDays(int days) { this.days = days; }
        public int getOrdersPerDay() { return ordersPerDay; }
        public void setOrdersPerDay(int ordersPerDay) { this.ordersPerDay = ordersPerDay; }
        public long getSeed() { return seed; }
        public void setSeed(long seed) { this.seed = seed; }
    }
}
