package io.pipelines.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded servers of the local profile ({@code pipelines.local.*}). Bound before
 * the application context exists, by {@link LocalServersEnvironmentPostProcessor}.
 */
@ConfigurationProperties("pipelines.local")
public class LocalServersProperties {

    /** Folder of the servers' data: postgres/, lake/ and kafka/ (kept across restarts). */
    private Path dataDir = Path.of("data");
    /** Delete the data folder before starting (tests only). */
    private boolean cleanStart = false;
    /** Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one. */
    private int postgresPort = 15432;
    /** Port of the embedded S3 server on 127.0.0.1; 0 picks a free one. */
    private int s3Port = 19000;
    /** Port of the embedded Kafka broker on 127.0.0.1; 0 picks a free one. */
    private int kafkaPort = 19092;
    /** Port of the embedded Kafka's KRaft controller on 127.0.0.1; 0 picks a free one. */
    private int kafkaControllerPort = 19093;
    /** Port of the embedded MariaDB (database crm) on 127.0.0.1; 0 picks a free one. */
    private int mariadbPort = 13306;
    /** Port of the demo products API on 127.0.0.1; 0 picks a free one. */
    private int productsApiPort = 18090;
    /** Partitions of the topics the local profile creates. */
    private int kafkaPartitions = 3;
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
    public int getKafkaPort() { return kafkaPort; }
    public void setKafkaPort(int kafkaPort) { this.kafkaPort = kafkaPort; }
    public int getKafkaControllerPort() { return kafkaControllerPort; }
    public void setKafkaControllerPort(int kafkaControllerPort) { this.kafkaControllerPort = kafkaControllerPort; }
    public int getKafkaPartitions() { return kafkaPartitions; }
    public void setKafkaPartitions(int kafkaPartitions) { this.kafkaPartitions = kafkaPartitions; }
    public Demo getDemo() { return demo; }
    public int getMariadbPort() { return mariadbPort; }
    public void setMariadbPort(int mariadbPort) { this.mariadbPort = mariadbPort; }
    public int getProductsApiPort() { return productsApiPort; }
    public void setProductsApiPort(int productsApiPort) { this.productsApiPort = productsApiPort; }

    public static class Demo {
        /** Days before today that get demo orders. */
        private int days = 30;
        /** The day the demo data counts back from (YYYY-MM-DD; its orders end the day before); empty: the real today. Tests pin it. */
        private String today = "";
        /** Average orders per day (each day gets 80 to 120 % of it). */
        private int ordersPerDay = 3000;
        /** Seed of the generator: the same rows for the same date on every machine. */
        private long seed = 42;
        /** Order events per second sent to the stream's topic by the demo producer; 0 turns it off. */
        private double rate = 50;
        /** Customers in crm.customers (MariaDB), generated once. */
        private int customers = 500;
        /** Products served by the demo products API. */
        private int products = 250;

        public int getDays() { return days; }
        public String getToday() { return today; }
        public void setToday(String today) { this.today = today; }

        /** {@link #today}, or the real one (UTC) when none is set. */
        public LocalDate today() {
            if (today == null || today.isBlank()) {
                return LocalDate.now(Clock.systemUTC());
            }
            try {
                return LocalDate.parse(today.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("pipelines.local.demo.today must be a date YYYY-MM-DD, not '" + today + "'", e);
            }
        }
        public void setDays(int days) { this.days = days; }
        public int getOrdersPerDay() { return ordersPerDay; }
        public void setOrdersPerDay(int ordersPerDay) { this.ordersPerDay = ordersPerDay; }
        public long getSeed() { return seed; }
        public void setSeed(long seed) { this.seed = seed; }
        public double getRate() { return rate; }
        public void setRate(double rate) { this.rate = rate; }
        public int getCustomers() { return customers; }
        public void setCustomers(int customers) { this.customers = customers; }
        public int getProducts() { return products; }
        public void setProducts(int products) { this.products = products; }
    }
}
