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

/**
 * The warehouse, then the source database, unreachable for longer than the retry budget of a
 * task (the service reaches them through a proxy the test cuts): the run fails, its dead letter
 * holds what is needed to replay it, and the replay after the outage finishes it.
 */
class OutageTest extends ServiceProcessTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Autowired
    ObjectMapper json;

    @Test
    void aWarehouseOutageLongerThanTheRetriesSpoolsTheDeadLetterAndItsReplayFinishesTheRun() throws Exception {
        LocalDate date = LocalDate.parse("2024-04-01");
        warehouse.addSourceOrders(date, 9_000_000_000L, 20_000);
        // The service's lease lapses during the outage: this test's own service must not take its run over.
        testServiceTakesNoRunsOver();
        int postgres = environment.getRequiredProperty("pipelines.local.postgres-port", Integer.class);
        Path spoolDir = Path.of("target", "test-dead-letters", "outage-warehouse");
        deleteSpool(spoolDir);
        try (TcpProxy warehouseLink = new TcpProxy(postgres);
             ServiceProcess service = new ServiceProcess("outage-warehouse", environment, List.of(
                     "spring.quartz.scheduler-name=pipelines-outage-test",
                     "pipelines.stream.enabled=false",
                     "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + warehouseLink.port() + "/warehouse",
                     "spring.datasource.hikari.connection-timeout=1000",
                     "pipelines.dead-letters.drain-interval=1s")).start()) {
            long runId = runIdOf(service.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + date + "\"}"));
            // The extract's pass validates and loads into staging as it reads: cut the warehouse during it.
            await("the run extracting and loading").atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM etl.task_runs WHERE run_id = ? AND task = 'extract_orders'", Long.class, runId) > 0);

            warehouseLink.cut();
            String spool = await("the dead letter spooled to disk").atMost(WAIT).until(() -> spooled(spoolDir),
                    text -> text.contains("\"runId\":" + runId));
            JsonNode spooled = json.readTree(spool.lines().findFirst().orElseThrow());
            assertThat(spooled.get("pipeline").asText()).isEqualTo("daily_sales_etl");
            assertThat(spooled.get("logicalDate").asText()).isEqualTo(date.toString());
            assertThat(spooled.get("task").asText()).as("the task the outage hit (it may outlast the pass)")
                    .isIn("extract_orders", "validate_data", "load_to_staging", "transform_data", "update_aggregates");
            assertThat(spooled.get("errorClass").asText()).isNotBlank();
            assertThat(spooled.get("stackTrace").asText()).contains("at ");
            assertThat(spooled.get("payload").get("lakeFolder").asText()).contains("run=" + runId);
            assertThat(spooled.get("payload").get("lakeKeys").isArray()).as("the run's lake objects listed").isTrue();
            if (!spooled.get("task").asText().equals("extract_orders")) {
                assertThat(spooled.get("payload").get("lakeKeys").toString()).contains("_manifest.json");
            }
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
        LocalDate date = LocalDate.parse("2024-04-02");
        warehouse.addSourceOrders(date, 9_100_000_000L, 5_000);
        int postgres = environment.getRequiredProperty("pipelines.local.postgres-port", Integer.class);
        try (TcpProxy sourceLink = new TcpProxy(postgres);
             ServiceProcess service = new ServiceProcess("outage-source", environment, List.of(
                     "spring.quartz.scheduler-name=pipelines-outage-test",
                     "pipelines.stream.enabled=false",
                     "pipelines.connections.sales.url=jdbc:postgresql://127.0.0.1:" + sourceLink.port() + "/sales",
                     "pipelines.connections.sales.connect-timeout=1s")).start()) {
            sourceLink.cut();
            long runId = runIdOf(service.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + date + "\"}"));
            await("the run failed").atMost(WAIT).until(() -> "FAILED".equals(jdbc.queryForObject(
                    "SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId)));
            Map<String, Object> letter = jdbc.queryForMap("SELECT id, task, attempts, error_class, message, stack_trace, "
                    + "logical_date FROM etl.dead_letters WHERE run_id = ?", runId);
            assertThat(letter.get("task")).isEqualTo("extract_orders");
            assertThat(letter.get("attempts")).as("the first attempt and 3 retries").isEqualTo(4);
            assertThat((String) letter.get("error_class")).contains("SQL");
            assertThat((String) letter.get("stack_trace")).contains("at ");
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

    private long runIdOf(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return json.readTree(accepted.body()).get("runId").asLong();
    }

    private void awaitSucceeded(long runId) {
        await("run " + runId + " succeeded").atMost(WAIT).until(() -> jdbc.queryForObject(
                "SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId), s -> !s.equals("QUEUED")
                && !s.equals("RUNNING"));
        assertThat(jdbc.queryForObject("SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId))
                .isEqualTo("SUCCEEDED");
    }
}
