package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.time.ZoneOffset;

import javax.management.JMX;
import javax.management.MBeanServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.api.PipelineControlMBean;
import io.pipelines.api.PipelineJmx;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestApi.Response;

/** The REST API, its login, its answers to bad input, the metrics and the JMX operations. */
class ControlApiTest extends PipelinesIntegrationTest {

    private static final String RUNS = "/api/pipelines/daily_sales_etl/runs";
    private static final String BACKFILL = "/api/pipelines/daily_sales_etl/backfill";

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
        assertThat(api.postWithoutLogin(RUNS, "{\"logicalDate\":\"" + daysAgo(1) + "\"}").status()).isEqualTo(401);
        assertThat(api.postWithoutLogin(BACKFILL, "{\"from\":\"" + daysAgo(2) + "\",\"to\":\"" + daysAgo(1) + "\"}").status())
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
        long before = runCount();
        assertProblem(api.post("/api/pipelines/no_such_pipeline/runs", "{\"logicalDate\":\"" + daysAgo(1) + "\"}"),
                404, null);
        assertProblem(api.post("/api/pipelines/no_such_pipeline/backfill",
                "{\"from\":\"" + daysAgo(2) + "\",\"to\":\"" + daysAgo(1) + "\"}"), 404, null);
        assertProblem(api.get("/api/runs/987654321"), 404, null);
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"logicalDate\":\"2026-02-30\"}",
            "{\"logicalDate\":\"25/11/2026\"}",
            "{\"logicalDate\":\"2026-11-01'; DROP TABLE etl.pipeline_runs; --\"}",
            "{\"logicalDate\":20261101}",
            "{\"logicalDate\":null}",
            "{}"})
    void aMalformedLogicalDateIs400NamingTheFieldAndChangesNothing(String body) {
        long before = runCount();
        assertProblem(api.post(RUNS, body), 400, "logicalDate");
        assertThat(runCount()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"logicalDate\":", ""})
    void aBodyThatIsNotAJsonObjectIs400(String body) {
        long before = runCount();
        assertProblem(api.post(RUNS, body), 400, null);
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aDateAfterTodayIs400() {
        long before = runCount();
        Response response = api.post(RUNS, "{\"logicalDate\":\"" + daysAgo(-1) + "\"}");
        assertProblem(response, 400, "logicalDate");
        assertThat(response.json().get("detail").asText()).contains("after today");
        assertProblem(api.post(BACKFILL, "{\"from\":\"" + daysAgo(1) + "\",\"to\":\"" + daysAgo(-3) + "\"}"), 400, "to");
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void aBackfillFromAfterToIs400AndQueuesNoRun() {
        long before = runCount();
        Response response = api.post(BACKFILL, "{\"from\":\"" + daysAgo(1) + "\",\"to\":\"" + daysAgo(5) + "\"}");
        assertProblem(response, 400, "from");
        assertThat(response.json().get("detail").asText()).contains("after");
        assertProblem(api.post(BACKFILL, "{\"from\":\"" + daysAgo(1) + "\"}"), 400, "to");
        assertThat(runCount()).isEqualTo(before);
    }

    @Test
    void sqlLookingPathValuesAre400Or404AndChangeNothing() {
        long before = runCount();
        String body = "{\"logicalDate\":\"" + daysAgo(1) + "\"}";
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
    void aRunIsReportedWithItsTasksAndCountedInTheMetrics() {
        Response queued = api.post(RUNS, "{\"logicalDate\":\"" + daysAgo(4) + "\"}");
        assertThat(queued.status()).isEqualTo(202);
        RunRecord run = api.awaitFinished(queued.json().get("runId").asLong());
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);

        Response report = api.get("/api/runs/" + run.runId());
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.json().get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.json().get("logicalDate").asText()).isEqualTo(daysAgo(4).toString());
        assertThat(report.json().get("tasks")).hasSize(5).allSatisfy(t -> {
            assertThat(t.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(t.has("rowsIn")).isTrue();
            assertThat(t.get("rowsOut").isNumber()).isTrue();
            assertThat(t.get("durationMs").isNumber()).isTrue();
            assertThat(t.get("lakeKeys").isArray()).isTrue();
        });

        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics)
                .contains("pipeline_task_duration_seconds_count{application=\"pipelines\",pipeline=\"daily_sales_etl\",task=\"extract_orders\"}")
                .contains("pipeline_rows_processed_total{application=\"pipelines\",pipeline=\"daily_sales_etl\",task=\"load_to_staging\"}")
                .contains("camel_exchanges_total");
    }

    @Test
    void aFailedTaskIsCountedWithItsErrorType() throws Exception {
        LocalDate date = daysAgo(102);
        try (var c = api.salesDatabase(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, "
                    + "created_at, updated_at) VALUES (1, 1, 'books', NULL, 'USD', 'completed', '" + date + "T10:00:00Z', '"
                    + date + "T10:00:00Z')");
        }
        Response queued = api.post(RUNS, "{\"logicalDate\":\"" + date + "\"}");
        RunRecord run = api.awaitFinished(queued.json().get("runId").asLong());
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("expect_column_values_to_not_be_null(total)");

        assertThat(api.get("/actuator/prometheus").body()).contains("pipeline_task_failures_total{application=\"pipelines\","
                + "error_type=\"QualityCheckFailedException\",pipeline=\"daily_sales_etl\",task=\"validate_data\"}");
    }

    @Test
    void thePipelineMBeanTriggersRunsAndRefusesBadDates() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        PipelineControlMBean mbean = JMX.newMBeanProxy(server, PipelineJmx.objectName("daily_sales_etl"),
                PipelineControlMBean.class);
        assertThat(mbean.getState()).isEqualTo("started");

        long runId = mbean.trigger(daysAgo(5).toString());
        RunRecord run = api.awaitFinished(runId);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.triggeredBy()).isEqualTo("jmx");

        long before = runCount();
        assertThatThrownBy(() -> mbean.trigger("yesterday")).hasMessageContaining("YYYY-MM-DD");
        assertThatThrownBy(() -> mbean.backfill(daysAgo(1).toString(), daysAgo(3).toString())).hasMessageContaining("after");
        assertThat(runCount()).isEqualTo(before);

        mbean.suspend();
        assertThat(mbean.getState()).isEqualTo("suspended");
        mbean.resume();
        assertThat(mbean.getState()).isEqualTo("started");
        assertThat(server.queryNames(new javax.management.ObjectName("org.apache.camel:type=routes,*"), null)).isNotEmpty();
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

    private long runCount() {
        return jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs", Long.class);
    }

    private static LocalDate daysAgo(int days) {
        return LocalDate.now(ZoneOffset.UTC).minusDays(days);
    }
}
