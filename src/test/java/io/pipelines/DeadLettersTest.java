package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.deadletter.DeadLetter;
import io.pipelines.deadletter.DeadLetterStore;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.AlertReceiver;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestDates;
import io.pipelines.support.TestApi.Response;

/** Tasks that fail for good: dead letters, alerts, replay, and the file they fall back to. */
class DeadLettersTest extends PipelinesIntegrationTest {

    @Autowired
    PipelinesProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;

    @Test
    void aTaskThatFailsForGoodLeavesADeadLetterAndAnAlertAndItsReplayFinishesTheRun() throws Exception {
        LocalDate date = TestDates.DeadLetters.FAILED_FOR_GOOD;
        double retriesBefore = api.metric("pipeline_task_retries_total", "pipeline", "daily_sales_etl", "task", "extract_orders");
        RunRecord failed;
        try (Connection c = api.salesDatabase(); var st = c.createStatement()) {
            st.execute("ALTER TABLE public.orders RENAME TO orders_away");
            try {
                failed = api.awaitFinished(api.post("/api/pipelines/daily_sales_etl/runs",
                        "{\"logicalDate\":\"" + date + "\"}").json().get("runId").asLong());
            } finally {
                st.execute("ALTER TABLE public.orders_away RENAME TO orders");
            }
        }
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

        JsonNode letter = deadLetterOf(failed.runId(), "NEW");
        assertThat(letter.get("pipeline").asText()).isEqualTo("daily_sales_etl");
        assertThat(letter.get("task").asText()).isEqualTo("extract_orders");
        assertThat(letter.get("logicalDate").asText()).isEqualTo(date.toString());
        assertThat(letter.get("errorClass").asText()).isEqualTo("org.postgresql.util.PSQLException");
        assertThat(letter.get("message").asText()).startsWith("ERROR: relation \"public.orders\" does not exist");
        assertThat(letter.get("stackTrace").asText()).contains("at io.pipelines.task.ExtractToLake");
        assertThat(letter.get("attempts").asInt()).as("the first attempt and 3 retries").isEqualTo(4);
        assertThat(api.metric("pipeline_task_retries_total", "pipeline", "daily_sales_etl", "task", "extract_orders")
                - retriesBefore).as("retries counted").isEqualTo(3.0);
        assertThat(letter.get("payload").get("lakeFolder").asText()).endsWith("dt=" + date + "/run=" + failed.runId() + "/");
        long id = letter.get("id").asLong();
        assertThat(AlertReceiver.received()).anySatisfy(alert -> assertThat(alert)
                .contains("\"runId\":" + failed.runId()).contains("\"deadLetterId\":" + id)
                .contains("\"task\":\"extract_orders\"").contains("/api/runs/" + failed.runId()));
        assertThat(topic(properties.getDeadLetters().getTopic())).anySatisfy(record -> assertThat(record)
                .contains("\"runId\":" + failed.runId()).contains("\"id\":" + id));
        assertThat(topic(properties.getAlerts().getTopic())).anySatisfy(record -> assertThat(record)
                .contains("\"deadLetterId\":" + id));

        Response replay = api.post("/api/dead-letters/" + id + "/replay", "");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().get("replayed").asBoolean()).isTrue();
        RunRecord run = api.awaitFinished(failed.runId());
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(warehouse.staging(date)).isEqualTo(warehouse.source(date));
        assertThat(deadLetterOf(failed.runId(), "REPLAYED").get("replayedAt").isNull()).isFalse();

        String runsOfTheDate = "SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' AND logical_date = ?";
        assertThat(jdbc.queryForObject(runsOfTheDate, Long.class, date)).isOne();
        Response again = api.post("/api/dead-letters/" + id + "/replay", "");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("replayed").asBoolean()).as("replaying twice does no harm").isFalse();
        assertThat(again.json().get("runStatus").asText()).isEqualTo("SUCCEEDED");
        assertThat(jdbc.queryForObject(runsOfTheDate, Long.class, date)).as("no new run").isOne();
        assertThat(api.get("/api/runs/" + failed.runId()).json().get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aStreamRecordsReplayThatKafkaDoesNotTakeLeavesItsDeadLetterToBeReplayedAgain() {
        // A record's dead letter whose topic the broker refuses (a name Kafka does not allow): the send fails.
        String value = java.util.Base64.getEncoder().encodeToString("{\"event_id\":".getBytes(StandardCharsets.UTF_8));
        long id = jdbc.queryForObject("INSERT INTO etl.dead_letters (pipeline, task, error_class, message, attempts, failed_at, "
                + "payload) VALUES ('orders_stream', 'parse', 'RejectedRecord', 'not valid JSON', 1, now(), "
                + "jsonb_build_object('topic', 'no such topic!', 'partition', 0, 'offset', 7, 'key', null, 'value', ?::text)) "
                + "RETURNING id", Long.class, value);

        Response replay = api.post("/api/dead-letters/" + id + "/replay", "");

        assertThat(replay.status()).as(replay.body()).isEqualTo(503);
        assertThat(replay.json().get("detail").asText()).startsWith("Dead letter " + id + " could not be sent to no such topic! again (")
                .endsWith("); it stays NEW: replay it once Kafka takes it");
        assertThat(jdbc.queryForObject("SELECT status FROM etl.dead_letters WHERE id = ?", String.class, id))
                .as("still to be replayed").isEqualTo("NEW");
        jdbc.update("UPDATE etl.dead_letters SET status = 'REPLAYED' WHERE id = ?", id);
    }

    @Test
    void badFiltersAndUnknownDeadLettersAreRefused() {
        assertProblem(api.get("/api/dead-letters?status=LOST"), 400, "status", "status must be one of [NEW, REPLAYED]");
        assertProblem(api.get("/api/dead-letters?limit=0"), 400, "limit", "limit must be a whole number from 1 to 1000");
        assertProblem(api.post("/api/dead-letters/abc/replay", ""), 400, "id", "id must be a whole number");
        assertProblem(api.post("/api/dead-letters/987654321/replay", ""), 404, null, "No dead letter with id 987654321");
        assertThat(api.getWithoutLogin("/api/dead-letters").status()).isEqualTo(401);
    }

    private static void assertProblem(Response response, int status, String field, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
        if (field != null) {
            assertThat(response.json().get("field").asText()).isEqualTo(field);
        }
    }

    private DeadLetterStore store(JdbcTemplate database, PipelinesProperties settings) {
        return new DeadLetterStore(database, json, settings, new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(database.getDataSource())));
    }

    @Test
    void withTheWarehouseDownADeadLetterGoesToAFileAndIsMovedToTheTableOnceItIsBack() throws Exception {
        PipelinesProperties settings = new PipelinesProperties();
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "dead-letters");
        settings.getDeadLetters().setDir(dir);
        JdbcTemplate down = new JdbcTemplate(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/warehouse"));
        // A run that the warehouse outage left RUNNING: its end could not be recorded.
        LocalDate date = TestDates.DeadLetters.SPOOLED;
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by) "
                + "VALUES ('spool_test', ?, 'RUNNING', 'test') RETURNING run_id", Long.class, date);
        DeadLetter letter = new DeadLetter(null, "spool_test", "load_to_staging", runId, date, "java.io.IOException",
                "warehouse down", "trace", 4, Instant.now(), Map.of("lakeFolder", "s3://lake/x/"), "NEW", null);

        DeadLetter spooled = store(down, settings).store(letter);

        assertThat(spooled.id()).isNull();
        Path file = dir.resolve("dead-letters.jsonl");
        assertThat(Files.readString(file)).contains("\"pipeline\":\"spool_test\"");
        assertThat(store(down, settings).drain()).as("still down: kept").isZero();

        // The failed drain above renamed the file to the one it drains from.
        String spooledLine = Files.readString(dir.resolve("dead-letters.jsonl.draining"));
        int moved = store(jdbc, settings).drain();
        // The same file drained again (as after a drain cut off before it could delete the file): nothing twice.
        Files.writeString(file, spooledLine);
        store(jdbc, settings).drain();

        assertThat(moved).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT message FROM etl.dead_letters WHERE pipeline = 'spool_test'", String.class))
                .containsExactly("warehouse down");
        assertThat(jdbc.queryForObject("SELECT status FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId))
                .as("the run left open is failed, so that it can be replayed").isEqualTo("FAILED");
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    private JsonNode deadLetterOf(long runId, String status) {
        Response list = api.get("/api/dead-letters?pipeline=daily_sales_etl&status=" + status);
        assertThat(list.status()).isEqualTo(200);
        for (JsonNode letter : list.json()) {
            if (letter.get("runId").asLong() == runId) {
                return letter;
            }
        }
        throw new AssertionError("no " + status + " dead letter of run " + runId + " in " + list.body());
    }

    private List<String> topic(String name) {
        return stream.records(name).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
