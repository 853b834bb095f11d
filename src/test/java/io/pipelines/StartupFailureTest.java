package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import io.pipelines.support.ServiceProcess;

/**
 * A service that cannot start says why, naming the setting, or the file and the line, and ends: the
 * process exits with a non-zero status within seconds, and the local profile's embedded servers
 * (child processes and threads of their own) stop with it rather than keep their ports.
 */
@Tag("integration")
class StartupFailureTest {

    private static final Path DIR = Path.of("target", "startup-failure");

    @Test
    void aBadCronStopsStartUpNamingTheSettingAndTheProcessExitsWithItsServers() throws Exception {
        assertStartFails("bad-cron", List.of("DAILY_SALES_ETL_CRON=every morning"),
                "routes/daily-sales-etl.camel.yaml:19, route daily_sales_etl (pipeline-runs), parameter cron: "
                        + "'every morning' is not a Quartz cron expression (seconds first)");
    }

    @Test
    void aPipelineFileWithAnUnknownBlockStopsStartUpNamingTheFileLineAndStep() throws Exception {
        Path routes = Files.createDirectories(DIR.resolve("pipelines"));
        Path pipeline = routes.resolve("typo.camel.yaml");
        Files.writeString(pipeline, """
                - route:
                    id: typo_pipeline
                    group: pipelines
                    routeConfigurationId: pipeline-steps
                    from:
                      uri: kamelet:pipeline-runs
                      parameters:
                        cron: "0 0 7 * * ?"
                      steps:
                        - to:
                            uri: kamelet:sql-files/typo_pipeline.refresh
                            parameters:
                              file: sql/transform_orders.sql
                """);
        assertStartFails("bad-block", List.of("camel.main.routes-include-pattern=file:routes/**/*.camel.yaml,file:" + pipeline),
                pipeline + ":10, route typo_pipeline, step refresh: no building block named sql-files "
                        + "(kamelets/sql-files.kamelet.yaml); the blocks are [api-extract, jdbc-extract, pipeline-runs, "
                        + "quality-check, sql-file, table-extract, warehouse-load]");
    }

    @Test
    void aRouteFileThatCannotBeReadStopsStartUpNamingTheFileAndLine() throws Exception {
        Path routes = Files.createDirectories(DIR.resolve("routes"));
        Path broken = routes.resolve("broken.camel.yaml");
        Files.writeString(broken, """
                - route:
                    id: broken
                    from:
                      uri: direct:broken
                      steps:
                        - no-such-step:
                            message: hello
                """);
        assertStartFails("bad-route", List.of("camel.main.routes-include-pattern=file:routes/**/*.camel.yaml,file:" + broken),
                "Unknown node id: no-such-step", "in file:" + broken + ", line 6, column 11");
    }

    @Test
    void aStreamDeclarationWithAMistakeStopsStartUpNamingTheFileLineAndKey() throws Exception {
        Path streams = Files.createDirectories(DIR.resolve("more-streams"));
        Files.writeString(streams.resolve("clicks.yaml"), """
                stream: clicks
                source: { topic: clicks, group: clicks-loader, deadLetterTopic: clicks.dlq }
                record:
                  key: click_id
                  eventTime: clicked_at
                  fields:
                    - { name: click_id, type: text }
                    - { name: clicked_at, type: timestamp }
                staging: staging.clicks
                window: { table: analytics.clicks, size: 1m, start: minute, groupBy: [], count: clicks }
                lake: { prefix: raw/stream/clicks }
                """);
        assertStartFails("bad-stream", List.of("pipelines.stream.folders=streams," + streams),
                streams + "/clicks.yaml:8: record.fields[1].type: unknown type 'timestamp' (text, bigint, integer, "
                        + "numeric(p,s), boolean or timestamptz)");
    }

    /** Starts the service on the local profile with these settings and checks it ends, logging {@code expected}. */
    private static void assertStartFails(String name, List<String> settings, String... expected) throws Exception {
        Path data = DIR.resolve(name);
        long started = System.nanoTime();
        try (ServiceProcess service = ServiceProcess.local("startup-" + name, data, settings)) {
            service.launch();

            int status = service.awaitExit(Duration.ofMinutes(2));

            assertThat(status).as("exit status").isEqualTo(PipelinesApplication.START_FAILED);
            assertThat(Files.readString(service.log())).contains(expected);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("start, failure and exit").isLessThan(Duration.ofSeconds(90));
        for (Path pidFile : List.of(data.resolve("postgres").resolve("postmaster.pid"), data.resolve("mariadb").resolve("mariadbd.pid"))) {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("the embedded server of %s still runs (pid %s)", pidFile, pid).isFalse();
            }
        }
    }
}
