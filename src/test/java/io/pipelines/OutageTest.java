package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.TcpProxy;
import io.pipelines.support.TestDates;

/**
 * The warehouse, then the source database, unreachable for longer than the retry budget of a
 * task (the service reaches them through a proxy the test cuts): the run fails, its dead letter
 * holds what is needed to replay it, and the replay after the outage finishes it.
 */
class OutageTest extends ServiceProcessTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    /** What an attempt gets from the service's pool while the warehouse is unreachable. */
    private static final String WAREHOUSE_DOWN = "org.springframework.jdbc.CannotGetJdbcConnectionException";

    @Autowired
    ObjectMapper json;

    @Test
    void aWarehouseOutageLongerThanTheRetriesSpoolsTheDeadLetterAndItsReplayFinishesTheRun() throws Exception {
        LocalDate date = TestDates.Outage.WAREHOUSE;
        warehouse.addSourceOrders(date, 9_000_000_000L, 100_000);
        // The service's lease lapses during the outage: this test's own service must not take its run over.
        testServiceTakesNoRunsOver();
        Path spoolDir = Path.of("target", "test-dead-letters", "outage-warehouse");
        deleteSpool(spoolDir);
        try (TcpProxy warehouseLink = postgresLink();
             ServiceProcess service = service("outage-warehouse",
                     "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + warehouseLink.port() + "/warehouse",
                     "spring.datasource.hikari.connection-timeout=1000",
                     "pipelines.dead-letters.drain-interval=1s").start()) {
            long runId = service.trigger("daily_sales_etl", date);
            // The extract's pass validates and loads into staging as it reads: cut the warehouse while its COPY runs,
            // so the outage hits extract_orders (which cannot end without the warehouse: the manifest is written by
            // the run's owner only).
            awaitCopyInFlight();

            warehouseLink.cut();
            String spool = await("the dead letter spooled to disk").atMost(WAIT).until(() -> spooled(spoolDir),
                    text -> text.contains("\"runId\":" + runId));
            JsonNode spooled = json.readTree(spool.lines().findFirst().orElseThrow());
            assertThat(spooled.get("pipeline").asText()).isEqualTo("daily_sales_etl");
            assertThat(spooled.get("logicalDate").asText()).isEqualTo(date.toString());
            assertThat(spooled.get("task").asText()).as("the task the outage hit").isEqualTo("extract_orders");
            assertThat(spooled.get("runId").asLong()).isEqualTo(runId);
            assertThat(spooled.get("attempts").asInt()).as("the first attempt and 3 retries").isEqualTo(4);
            assertThat(spooled.get("errorClass").asText()).isEqualTo(WAREHOUSE_DOWN);
            assertThat(spooled.get("stackTrace").asText()).startsWith(WAREHOUSE_DOWN + ": ").contains("\n\tat ");
            assertThat(spooled.get("payload").get("lakeFolder").asText())
                    .isEqualTo("s3://lake/raw/sales/orders/dt=" + date + "/run=" + runId + "/");
            assertThat(spooled.get("payload").get("lakeKeys")).as("no part uploaded without the owner's check").isEmpty();
            assertThat(jdbc.queryForObject("SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId))
                    .as("its end could not be recorded").isEqualTo("RUNNING");

            warehouseLink.restore();
            long letterId = await("the dead letter drained into the table").atMost(WAIT).until(() -> jdbc.queryForList(
                    "SELECT id FROM etl.dead_letters WHERE run_id = ?", Long.class, runId), ids -> ids.size() == 1).get(0);
            assertThat(jdbc.queryForObject("SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId))
                    .isEqualTo("FAILED");
            await("the spool files gone once drained").atMost(WAIT).until(() -> spooled(spoolDir).isEmpty());

            HttpResponse<String> replay = service.post("/api/dead-letters/" + letterId + "/replay", "");
            assertThat(replay.statusCode()).as(replay.body()).isIn(200, 202);
            awaitSucceeded(runId);
        }
        warehouse.assertLoadedExactlyOnce(date);
    }

    @Test
    void aSourceOutageLongerThanTheRetriesLeavesADeadLetterAndItsReplayFinishesTheRun() throws Exception {
        LocalDate date = TestDates.Outage.SOURCE;
        warehouse.addSourceOrders(date, 9_100_000_000L, 5_000);
        try (TcpProxy sourceLink = postgresLink();
             ServiceProcess service = service("outage-source",
                     "pipelines.connections.sales.url=jdbc:postgresql://127.0.0.1:" + sourceLink.port() + "/sales",
                     "pipelines.connections.sales.connect-timeout=1s").start()) {
            sourceLink.cut();
            long runId = service.trigger("daily_sales_etl", date);
            await("the run failed").atMost(WAIT).until(() -> "FAILED".equals(jdbc.queryForObject(
                    "SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId)));
            Map<String, Object> letter = jdbc.queryForMap("SELECT id, task, attempts, error_class, message, stack_trace, "
                    + "logical_date FROM etl.dead_letters WHERE run_id = ?", runId);
            assertThat(letter.get("task")).isEqualTo("extract_orders");
            assertThat(letter.get("attempts")).as("the first attempt and 3 retries").isEqualTo(4);
            assertThat(letter.get("error_class")).isEqualTo("java.sql.SQLTransientConnectionException");
            // The pool waits its connection timeout (1 s here) for a connection, and says how long it waited.
            assertThat((String) letter.get("message"))
                    .matches("source-sales - Connection is not available, request timed out after \\d+ms .*");
            assertThat((String) letter.get("stack_trace")).startsWith("java.sql.SQLTransientConnectionException: ")
                    .contains("\n\tat ");
            assertThat(letter.get("logical_date").toString()).isEqualTo(date.toString());
            assertThat(warehouse.staging(date).rows()).as("nothing loaded").isZero();

            sourceLink.restore();
            HttpResponse<String> replay = service.post("/api/dead-letters/" + letter.get("id") + "/replay", "");
            assertThat(replay.statusCode()).as(replay.body()).isIn(200, 202);
            awaitSucceeded(runId);
            HttpResponse<String> again = service.post("/api/dead-letters/" + letter.get("id") + "/replay", "");
            assertThat(again.statusCode()).as("replaying twice does no harm: %s", again.body()).isIn(200, 202);
        }
        warehouse.assertLoadedExactlyOnce(date);
    }

    @Test
    void aWarehouseThatStallsDuringTheSinglePassIsGivenUpAndValidateAndLoadRunAsTasksOfTheirOwn() throws Exception {
        LocalDate date = TestDates.Outage.STALLED;
        warehouse.addSourceOrders(date, 9_200_000_000L, 150_000);
        // The service's heartbeat stops while the warehouse hangs: this test's own service must not take its run over.
        testServiceTakesNoRunsOver();
        try (TcpProxy warehouseLink = postgresLink();
             ServiceProcess service = service("outage-stall",
                     "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + warehouseLink.port() + "/warehouse",
                     // A pause of the warehouse shorter than a lease: this instance stays the run's owner.
                     "pipelines.cluster.lease=60s",
                     "pipelines.cluster.heartbeat-interval=5s",
                     "PIPELINES_LOAD_STALL_TIMEOUT=2s").start()) {
            long runId = service.trigger("daily_sales_etl", date);
            awaitCopyInFlight();

            // The warehouse takes nothing for longer than the stall timeout: the pass gives its load up.
            warehouseLink.pause();
            await("the pass given up").atMost(WAIT).until(() -> Files.readString(service.log()),
                    log -> log.contains("daily_sales_etl run " + runId + ": validating and loading in the extract's pass failed "
                            + "(io.pipelines.util.ChunkWorker$StalledException: "));
            warehouseLink.resume();
            awaitSucceeded(runId);

            List<Map<String, Object>> tasks = jdbc.queryForList("SELECT task, status, attempts, started_at, finished_at, rows_out "
                    + "FROM etl.task_runs WHERE run_id = ? ORDER BY started_at, finished_at", runId);
            assertThat(tasks).extracting(t -> t.get("task") + " " + t.get("status") + " " + t.get("attempts") + " " + t.get("rows_out"))
                    .containsExactly("extract_orders SUCCEEDED 1 150000", "validate_data SUCCEEDED 1 150000",
                            "load_to_staging SUCCEEDED 1 150000", "transform_data SUCCEEDED 1 150000",
                            "update_aggregates SUCCEEDED 1 4");
            Object extractEnd = tasks.get(0).get("finished_at");
            assertThat(tasks.subList(1, 3)).as("validated and loaded after the extract, reading the lake back")
                    .allSatisfy(t -> assertThat((java.sql.Timestamp) t.get("started_at")).isAfterOrEqualTo((java.sql.Timestamp) extractEnd));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.quality_results WHERE run_id = ? AND success", Long.class,
                    runId)).as("the suite's results, recorded once").isEqualTo(jdbc.queryForObject(
                    "SELECT count(*) FROM etl.quality_results WHERE run_id = ?", Long.class, runId)).isPositive();
        }
        warehouse.assertLoadedExactlyOnce(date);
    }

    /** The service as a process of its own, without the stream, with these settings besides. */
    private ServiceProcess service(String name, String... settings) throws java.io.IOException {
        List<String> all = new java.util.ArrayList<>(List.of("spring.quartz.scheduler-name=pipelines-outage-test",
                "pipelines.stream.enabled=false"));
        all.addAll(List.of(settings));
        return new ServiceProcess(name, environment, all);
    }

    /** A link to the embedded PostgreSQL (warehouse and source database) that the test can cut or hang. */
    private TcpProxy postgresLink() throws java.io.IOException {
        return new TcpProxy(environment.getRequiredProperty("pipelines.local.postgres-port", Integer.class));
    }

    /** Waits until a COPY into staging.orders is in flight: a run's extract is in its pass. */
    private void awaitCopyInFlight() {
        await("a COPY into staging.orders in flight").atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                        + "AND query LIKE 'COPY \"staging\".\"orders\"%'", Long.class) > 0);
    }

    /** What the service spooled to disk: its file, and the one it is draining (renamed while the drain works). */
    private static String spooled(Path dir) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("dead-letters.jsonl.draining", "dead-letters.jsonl")) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    private static void deleteSpool(Path dir) throws Exception {
        for (String name : List.of("dead-letters.jsonl.draining", "dead-letters.jsonl")) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    private void awaitSucceeded(long runId) {
        await("run " + runId + " succeeded").atMost(WAIT).until(() -> jdbc.queryForObject(
                "SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId), s -> !s.equals("QUEUED")
                && !s.equals("RUNNING"));
        assertThat(jdbc.queryForObject("SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId))
                .isEqualTo("SUCCEEDED");
    }
}
