package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.JMX;
import javax.management.MBeanServer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.api.PipelineControlMBean;
import io.pipelines.api.PipelineJmx;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;
import io.pipelines.support.TestApi.Response;

/** The REST API, its login, its answers to bad input, the metrics and the JMX operations. */
class ControlApiTest extends PipelinesIntegrationTest {

    private static final String RUNS = "/api/pipelines/daily_sales_etl/runs";
    private static final String BACKFILL = "/api/pipelines/daily_sales_etl/backfill";
    private static final List<String> TASKS =
            List.of("extract_orders", "validate_data", "load_to_staging", "transform_data", "update_aggregates");
    private static final LocalDate REPORTED = TestDates.ControlApi.REPORTED;
    private static final LocalDate JMX_DATE = TestDates.ControlApi.JMX;
    private static final LocalDate REFUSED = TestDates.ControlApi.REFUSED;
    private static final LocalDate REFUSED_FROM = TestDates.ControlApi.REFUSED_FROM;
    private static final LocalDate REFUSED_TO = TestDates.ControlApi.REFUSED_TO;
    private static final LocalDate FAILED_TASK = TestDates.ControlApi.FAILED_TASK;

    @Autowired
    JdbcTemplate jdbc;

    @ParameterizedTest
    @ValueSource(strings = {"/api/pipelines", "/api/runs/1", "/api/no-such-thing", "/actuator/prometheus",
            "/actuator/metrics", "/actuator/hawtio/", "/actuator/jolokia", "/actuator/info"})
    void everyGetEndpointButHealthAnswers401WithoutCredentials(String path) {
        assertThat(api.getWithoutLogin(path).status()).isEqualTo(401);
    }

    @Test
    void postsAnswer401WithoutCredentialsAndQueueNothing() {
        long before = runCount();
        assertThat(api.postWithoutLogin(RUNS, "{\"logicalDate\":\"" + REFUSED + "\"}").status()).isEqualTo(401);
        assertThat(api.postWithoutLogin(BACKFILL, "{\"from\":\"" + REFUSED_FROM + "\",\"to\":\"" + REFUSED_TO + "\"}").status())
                .isEqualTo(401);
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void hawtioAndJolokiaAreServedToALoggedInOperator() {
        assertThat(api.get("/actuator/hawtio/").status()).isEqualTo(200);
        Response camel = api.get("/actuator/jolokia/search/org.apache.camel:type=routes,*");
        assertThat(camel.status()).isEqualTo(200);
        assertThat(camel.body()).contains("daily_sales_etl.extract_orders");
    }

    @Autowired
    org.quartz.Scheduler quartz;

    @Test
    void theSharedTestServiceHasItsSchedulesButFiresNone() throws Exception {
        // The tests' service runs nothing on its own (pipelines.cluster.fire-schedules=false): no hourly source
        // run between or during tests, and nothing at midnight; its triggers are there all the same.
        assertThat(quartz.isInStandbyMode()).as("Quartz scheduler in standby").isTrue();
        assertThat(quartz.getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.triggerGroupEquals("pipelines")))
                .extracting(org.quartz.TriggerKey::getName).contains("daily_sales_etl", "mysql_customers", "postgres_orders");
    }

    @Test
    void healthIsOpen() {
        Response health = api.getWithoutLogin("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void listsThePipelineWithScheduleStateAndLastRun() {
        Response response = api.get("/api/pipelines");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json()).anySatisfy(p -> {
            assertThat(p.get("name").asText()).isEqualTo("daily_sales_etl");
            assertThat(p.get("schedule").get("cron").asText()).isEqualTo("0 0 6 * * ?");
            assertThat(p.get("schedule").get("timeZone").asText()).isEqualTo("UTC");
            assertThat(p.get("type").asText()).isEqualTo("batch");
            assertThat(p.get("state").asText()).isEqualTo("started");
            assertThat(p.has("lastRun")).isTrue();
        });
        assertThat(response.json()).anySatisfy(p -> {
            assertThat(p.get("name").asText()).isEqualTo("orders_stream");
            assertThat(p.get("type").asText()).isEqualTo("stream");
            assertThat(p.get("source").get("topic").asText()).isEqualTo("orders");
            assertThat(p.get("source").get("consumerGroup").asText()).isEqualTo("warehouse-loader");
            assertThat(p.get("state").asText()).isEqualTo("started");
        });
    }

    @Test
    void anUnknownPipelineIs404WithProblemDetailsAndChangesNothing() {
        long before = runCount("no_such_pipeline");
        assertProblem(api.post("/api/pipelines/no_such_pipeline/runs", "{\"logicalDate\":\"" + REFUSED + "\"}"),
                404, null);
        assertProblem(api.post("/api/pipelines/no_such_pipeline/backfill",
                "{\"from\":\"" + REFUSED_FROM + "\",\"to\":\"" + REFUSED_TO + "\"}"), 404, null);
        assertProblem(api.get("/api/runs/987654321"), 404, null);
        assertThat(runCount("no_such_pipeline")).isEqualTo(before).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"logicalDate":"2026-02-30"}                                       | logicalDate must be a date of the form YYYY-MM-DD
            {"logicalDate":"25/11/2026"}                                       | logicalDate must be a date of the form YYYY-MM-DD
            {"logicalDate":"2026-11-01'; DROP TABLE etl.pipeline_runs; --"}    | logicalDate must be a date of the form YYYY-MM-DD
            {"logicalDate":20261101}                                           | logicalDate must be a string of the form YYYY-MM-DD
            {"logicalDate":null}                                               | logicalDate is required (YYYY-MM-DD)
            {}                                                                 | logicalDate is required (YYYY-MM-DD)
            """)
    void aMalformedLogicalDateIs400NamingTheFieldAndChangesNothing(String body, String detail) {
        long before = runCount();
        Response response = api.post(RUNS, body);
        assertProblem(response, 400, "logicalDate");
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not json           | The request body is not valid JSON (line 1, column 4)
            [1,2]              | The request body must be a JSON object
            `{"logicalDate":`  | The request body is not valid JSON (line 1, column 16)
            ``                 | The request needs a JSON object body
            """)
    void aBodyThatIsNotAJsonObjectIs400(String body, String detail) {
        long before = runCount();
        Response response = api.post(RUNS, body == null ? "" : body);
        assertProblem(response, 400, null);
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aForceThatIsNotTrueOrFalseIs400() {
        long before = runCount();
        Response response = api.post(RUNS, "{\"logicalDate\":\"" + REFUSED + "\",\"force\":\"yes\"}");
        assertProblem(response, 400, "force");
        assertThat(response.json().get("detail").asText()).isEqualTo("force must be true or false");
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aDateAfterTodayIs400() {
        // Two days ahead: still after the service's today if midnight passes between here and there.
        LocalDate future = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        long before = runCount();
        Response response = api.post(RUNS, "{\"logicalDate\":\"" + future + "\"}");
        assertProblem(response, 400, "logicalDate");
        assertThat(response.json().get("detail").asText()).matches("logicalDate " + future
                + " is after today \\(\\d{4}-\\d{2}-\\d{2} in UTC\\): a logical date must have begun");
        assertProblem(api.post(BACKFILL, "{\"from\":\"" + REFUSED_TO + "\",\"to\":\"" + future + "\"}"), 400, "to");
        assertThat(runCount()).isEqualTo(before).isZero();
    }

    @Test
    void aBackfillFromAfterToIs400AndQueuesNoRun() {
        long before = runCount();
        Response response = api.post(BACKFILL, "{\"from\":\"" + REFUSED_TO + "\",\"to\":\"" + REFUSED_FROM + "\"}");
        assertProblem(response, 400, "from");
        assertThat(response.json().get("detail").asText()).isEqualTo("from (" + REFUSED_TO + ") is after to (" + REFUSED_FROM + ")");
        assertProblem(api.post(BACKFILL, "{\"from\":\"" + REFUSED_TO + "\"}"), 400, "to");
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void sqlLookingPathValuesAre400Or404AndChangeNothing() {
        long before = runCount();
        String body = "{\"logicalDate\":\"" + REFUSED + "\"}";
        Response quoted = api.post("/api/pipelines/x'%20OR%20'1'='1/runs", body);
        assertProblem(quoted, 404, null);
        Response semicolon = api.post("/api/pipelines/x%3BDROP%20TABLE%20etl.pipeline_runs/runs", body);
        assertThat(semicolon.status()).isEqualTo(400);
        assertThat(semicolon.contentType()).startsWith("application/problem+json");
        assertProblem(api.get("/api/runs/1%20OR%201=1"), 400, "runId");
        assertThat(runCount()).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'etl' "
                + "AND table_name = 'pipeline_runs'", Long.class)).isEqualTo(1);
    }

    @Test
    void resumingAnUnknownOrMalformedRunIsRefused() {
        long before = runCount();
        assertProblem(api.post("/api/runs/987654321/resume", ""), 404, null);
        assertProblem(api.post("/api/runs/abc/resume", ""), 400, "runId");
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aRunIsReportedWithItsTasksAndCountedInTheMetrics() throws Exception {
        long rows = warehouse.source(REPORTED).rows();
        long categories = warehouse.sourceDailySales(REPORTED).size();
        assertThat(rows).as("demo orders of %s", REPORTED).isGreaterThan(300);
        Map<String, Double> durationsBefore = new LinkedHashMap<>();
        Map<String, Double> rowsBefore = new LinkedHashMap<>();
        for (String task : TASKS) {
            durationsBefore.put(task, api.metric("pipeline_task_duration_seconds_count", "pipeline", "daily_sales_etl", "task", task));
            rowsBefore.put(task, api.metric("pipeline_rows_processed_total", "pipeline", "daily_sales_etl", "task", task));
        }
        double exchangesBefore = api.metric("camel_exchanges_total", "routeId", "daily_sales_etl");

        Response queued = api.post(RUNS, "{\"logicalDate\":\"" + REPORTED + "\"}");
        assertThat(queued.status()).isEqualTo(202);
        RunRecord run = api.awaitFinished(queued.json().get("runId").asLong());
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);

        Response report = api.get("/api/runs/" + run.runId());
        assertThat(report.status()).isEqualTo(200);
        JsonNode body = report.json();
        assertThat(body.get("runId").asLong()).isEqualTo(run.runId());
        assertThat(body.get("pipeline").asText()).isEqualTo("daily_sales_etl");
        assertThat(body.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.get("logicalDate").asText()).isEqualTo(REPORTED.toString());
        assertThat(body.get("triggeredBy").asText()).isEqualTo("api");
        assertThat(body.get("recoveries").asInt()).isZero();
        assertThat(body.get("error").isNull()).isTrue();
        // The lake layout of DESIGN.md, written out here: part-NNNNN.parquet of at most 150 rows (the tests' setting), then the manifest.
        String folder = "raw/sales/orders/dt=" + REPORTED + "/run=" + run.runId() + "/";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i * 150L < rows; i++) {
            parts.add(folder + String.format("part-%05d.parquet", i));
        }
        List<String> partsAndManifest = new ArrayList<>(parts);
        partsAndManifest.add(folder + "_manifest.json");
        JsonNode tasks = body.get("tasks");
        assertThat(tasks).extracting(t -> t.get("task").asText()).containsExactlyElementsOf(TASKS);
        assertTask(tasks.get(0), rows, rows, partsAndManifest);
        assertTask(tasks.get(1), rows, rows, parts);
        assertTask(tasks.get(2), rows, rows, parts);
        assertTask(tasks.get(3), null, rows, List.of());
        assertTask(tasks.get(4), null, categories, List.of());

        for (String task : TASKS) {
            assertThat(api.metric("pipeline_task_duration_seconds_count", "pipeline", "daily_sales_etl", "task", task)
                    - durationsBefore.get(task)).as("attempts of %s timed", task).isEqualTo(1.0);
        }
        assertThat(api.metric("pipeline_rows_processed_total", "pipeline", "daily_sales_etl", "task", "extract_orders")
                - rowsBefore.get("extract_orders")).isEqualTo(rows);
        assertThat(api.metric("pipeline_rows_processed_total", "pipeline", "daily_sales_etl", "task", "load_to_staging")
                - rowsBefore.get("load_to_staging")).isEqualTo(rows);
        assertThat(api.metric("pipeline_rows_processed_total", "pipeline", "daily_sales_etl", "task", "update_aggregates")
                - rowsBefore.get("update_aggregates")).isEqualTo(categories);
        assertThat(api.metric("camel_exchanges_total", "routeId", "daily_sales_etl") - exchangesBefore)
                .as("the pipeline route's exchanges").isEqualTo(1.0);
    }

    private static void assertTask(JsonNode task, Long rowsIn, long rowsOut, List<String> lakeKeys) {
        String name = task.get("task").asText();
        assertThat(task.get("status").asText()).as(name).isEqualTo("SUCCEEDED");
        assertThat(task.get("attempts").asInt()).as(name).isEqualTo(1);
        if (rowsIn == null) {
            assertThat(task.get("rowsIn").isNull()).as("%s rowsIn", name).isTrue();
        } else {
            assertThat(task.get("rowsIn").asLong()).as("%s rowsIn", name).isEqualTo(rowsIn);
        }
        assertThat(task.get("rowsOut").asLong()).as("%s rowsOut", name).isEqualTo(rowsOut);
        assertThat(task.get("durationMs").isIntegralNumber()).as("%s durationMs", name).isTrue();
        assertThat(task.get("durationMs").asLong()).as("%s durationMs", name).isNotNegative();
        List<String> keys = new ArrayList<>();
        task.get("lakeKeys").forEach(k -> keys.add(k.asText()));
        assertThat(keys).as("%s lakeKeys", name).containsExactlyElementsOf(lakeKeys);
        assertThat(task.get("error").isNull()).as("%s error", name).isTrue();
    }

    @Test
    void aFailedTaskIsCountedWithItsErrorType() throws Exception {
        LocalDate date = FAILED_TASK;
        try (var c = api.salesDatabase(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, "
                    + "created_at, updated_at) VALUES (1, 1, 'books', NULL, 'USD', 'completed', '" + date + "T10:00:00Z', '"
                    + date + "T10:00:00Z')");
        }
        String[] failures = {"pipeline", "daily_sales_etl", "task", "validate_data", "error_type", "QualityCheckFailedException"};
        double before = api.metric("pipeline_task_failures_total", failures);
        double anyBefore = api.metric("pipeline_task_failures_total", "pipeline", "daily_sales_etl");

        Response queued = api.post(RUNS, "{\"logicalDate\":\"" + date + "\"}");
        RunRecord run = api.awaitFinished(queued.json().get("runId").asLong());

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).startsWith("task validate_data failed: QualityCheckFailedException: ")
                .contains("expect_column_values_to_not_be_null(total)");
        assertThat(api.metric("pipeline_task_failures_total", failures) - before).as("the failed attempt, counted once")
                .isEqualTo(1.0);
        assertThat(api.metric("pipeline_task_failures_total", "pipeline", "daily_sales_etl") - anyBefore)
                .as("no other failure counted").isEqualTo(1.0);
    }

    @Test
    void thePipelineMBeanTriggersRunsAndRefusesBadDates() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        PipelineControlMBean mbean = JMX.newMBeanProxy(server, PipelineJmx.objectName("daily_sales_etl"),
                PipelineControlMBean.class);
        assertThat(mbean.getState()).isEqualTo("started");

        long runId = mbean.trigger(JMX_DATE.toString());
        RunRecord run = api.awaitFinished(runId);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.triggeredBy()).isEqualTo("jmx");

        long before = runCount();
        assertThatThrownBy(() -> mbean.trigger("yesterday")).hasMessageContaining("YYYY-MM-DD");
        assertThatThrownBy(() -> mbean.backfill(REFUSED_TO.toString(), REFUSED_FROM.toString()))
                .hasMessageContaining("from (" + REFUSED_TO + ") is after to (" + REFUSED_FROM + ")");
        assertThat(runCount()).isEqualTo(before);

        mbean.suspend();
        assertThat(mbean.getState()).isEqualTo("suspended");
        mbean.resume();
        assertThat(mbean.getState()).isEqualTo("started");
        assertThat(server.queryNames(new javax.management.ObjectName("org.apache.camel:type=routes,*"), null)).isNotEmpty();
    }

    @Test
    void aPipelinesScheduleIsSuspendedAndResumedOverRestByAnOperatorOnly() {
        Response viewer = api.postAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/suspend", "");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(state("daily_sales_etl")).isEqualTo("started");

        Response suspended = api.postAs(TestApi.OPERATOR, "/api/pipelines/daily_sales_etl/suspend", "");
        assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
        assertThat(suspended.json().get("state").asText()).isEqualTo("suspended");
        assertThat(state("daily_sales_etl")).isEqualTo("suspended");
        Response resumed = api.postAs(TestApi.OPERATOR, "/api/pipelines/daily_sales_etl/resume", "");
        assertThat(resumed.json().get("state").asText()).isEqualTo("started");
        assertThat(state("daily_sales_etl")).isEqualTo("started");

        assertProblem(api.post("/api/pipelines/no_such_pipeline/suspend", ""), 404, null);
    }

    private String state(String pipeline) {
        for (com.fasterxml.jackson.databind.JsonNode p : api.get("/api/pipelines").json()) {
            if (p.get("name").asText().equals(pipeline)) {
                return p.get("state").asText();
            }
        }
        throw new AssertionError("no pipeline " + pipeline);
    }

    @Test
    void aPipelinesDatesSayWhatEachHasAndABackfillQueuesOnlyTheMissingOrFailedOnesAskedFor() {
        List<LocalDate> days = TestDates.ControlApi.BACKFILL_MODES;
        run(days.get(0), "SUCCEEDED");
        run(days.get(1), "FAILED");
        run(days.get(3), "FAILED");
        long loaded = run(days.get(3), "SUCCEEDED");
        String range = "\"from\":\"" + days.get(0) + "\",\"to\":\"" + days.get(3) + "\"";

        Response dates = api.get("/api/pipelines/daily_sales_etl/dates?from=" + days.get(0) + "&to=" + days.get(3));
        assertThat(dates.status()).as(dates.body()).isEqualTo(200);
        assertThat(dates.json().get("dates")).extracting(d -> d.get("date").asText() + " " + d.get("state").asText() + " "
                + d.get("loaded").asBoolean()).containsExactly(days.get(0) + " SUCCEEDED true", days.get(1) + " FAILED false",
                days.get(2) + " MISSING false", days.get(3) + " SUCCEEDED true");
        assertThat(dates.json().get("dates").get(3).get("runId").asLong()).isEqualTo(loaded);
        assertThat(dates.json().get("counts").toString()).isEqualTo("{\"FAILED\":1,\"MISSING\":1,\"SUCCEEDED\":2}");

        Response missing = api.post(BACKFILL, "{" + range + ",\"mode\":\"missing\",\"dryRun\":true}");
        assertThat(missing.status()).as(missing.body()).isEqualTo(202);
        assertThat(missing.json().get("dates")).extracting(JsonNode::asText).containsExactly(days.get(2).toString());
        assertThat(missing.json().get("runIds")).isEmpty();
        Response failed = api.post(BACKFILL, "{" + range + ",\"mode\":\"failed\",\"dryRun\":true}");
        assertThat(failed.json().get("dates")).extracting(JsonNode::asText).containsExactly(days.get(1).toString());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date BETWEEN ? AND ?", Long.class, days.get(0), days.get(3))).as("a dry run queues nothing")
                .isEqualTo(4);

        Response queued = api.post(BACKFILL, "{" + range + ",\"mode\":\"missing\"}");
        assertThat(queued.json().get("runIds")).hasSize(1);
        RunRecord run = api.awaitFinished(queued.json().get("runIds").get(0).asLong());
        assertThat(run.logicalDate()).isEqualTo(days.get(2));
        assertThat(run.status()).as("a date without orders: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(api.post(BACKFILL, "{" + range + ",\"mode\":\"missing\",\"dryRun\":true}").json().get("dates"))
                .as("none missing now").isEmpty();

        assertProblem(api.post(BACKFILL, "{" + range + ",\"mode\":\"some\"}"), 400, "mode");
        assertProblem(api.post(BACKFILL, "{" + range + ",\"dryRun\":\"yes\"}"), 400, "dryRun");
        assertProblem(api.get("/api/pipelines/daily_sales_etl/dates?from=" + days.get(0)), 400, "to");
    }

    /** A finished run of daily_sales_etl for the date, written as the ledger would; returns its id. */
    private long run(LocalDate date, String status) {
        return jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, finished_at) "
                + "VALUES ('daily_sales_etl', ?, ?, 'test', now()) RETURNING run_id", Long.class, date, status);
    }

    private void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("title").asText()).isNotBlank();
        assertThat(response.json().get("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(response.json().get("field").asText()).isEqualTo(field);
        }
    }

    /** Runs of daily_sales_etl queued since this test began, whatever their date. */
    private long runCount() {
        return runCount("daily_sales_etl");
    }

    private long runCount(String pipeline) {
        return jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = ? AND queued_at >= ?", Long.class,
                pipeline, testStarted);
    }

    private java.sql.Timestamp testStarted;

    @BeforeEach
    void noteTheWarehouseTime() {
        testStarted = jdbc.queryForObject("SELECT now()", java.sql.Timestamp.class);
    }
}
