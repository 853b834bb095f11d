package io.pipelines.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.pipelines.PipelinesApplication;
import io.pipelines.config.PipelinesProperties;

/** The whole service on the local profile's embedded servers, started for a benchmark (fresh data under target/). */
final class BenchService implements AutoCloseable {

    final ConfigurableApplicationContext context;
    final PipelinesProperties properties;

    private BenchService(ConfigurableApplicationContext context) {
        this.context = context;
        this.properties = context.getBean(PipelinesProperties.class);
    }

    static BenchService start(String dataDir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--pipelines.local.data-dir=" + dataDir,
                "--pipelines.local.clean-start=true",
                "--pipelines.local.postgres-port=0",
                "--pipelines.local.s3-port=0",
                "--pipelines.local.kafka-port=0",
                "--pipelines.local.kafka-controller-port=0",
                "--pipelines.local.mariadb-port=0",
                "--pipelines.local.products-api-port=0",
                "--pipelines.local.demo.days=0",
                "--pipelines.local.demo.rate=0",
                "--pipelines.lake.spool-dir=" + dataDir + "-spool",
                "--pipelines.security.username=bench",
                "--pipelines.security.password=" + UUID.randomUUID(),
                "--server.port=0",
                "--logging.level.io.pipelines=WARN",
                "--logging.level.org.apache.camel=WARN",
                "--logging.level.org.springframework=WARN",
                "--logging.level.org.quartz=WARN",
                "--logging.level.io.hawt=WARN",
                "--logging.level.org.flywaydb=WARN"));
        args.addAll(List.of(extra));
        return new BenchService(new SpringApplicationBuilder(PipelinesApplication.class).profiles("local")
                .run(args.toArray(String[]::new)));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    Connection sales() throws SQLException {
        PipelinesProperties.Connection c = properties.getConnections().get("sales");
        return DriverManager.getConnection(c.getUrl(), c.getUsername(), c.getPassword());
    }

    Connection warehouse() throws SQLException {
        String url = context.getEnvironment().getRequiredProperty("spring.datasource.url");
        return DriverManager.getConnection(url, context.getEnvironment().getProperty("spring.datasource.username"),
                context.getEnvironment().getProperty("spring.datasource.password", ""));
    }

    @Override
    public void close() {
        context.close();
    }
}
