package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * The second demo pipeline, daily_signups (routes/local/daily-signups.camel.yaml), is YAML, SQL
 * and a suite only, and is listed, run, backfilled and resumed like daily_sales_etl: its counts
 * are checked against the MariaDB source.
 */
class DailySignupsTest extends PipelinesIntegrationTest {

    private static final List<String> TASKS = List.of("extract_signups", "check_signups", "load_signups", "count_signups");

    @Autowired
    TestApi api;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PipelinesProperties properties;
    @Autowired
    org.apache.camel.CamelContext camel;
    @Autowired
    io.pipelines.lake.Lake lake;

    @Test
    void itIsListedWithItsScheduleAndSteps() {
        JsonNode pipeline = null;
        for (JsonNode p : api.get("/api/pipelines").json()) {
            if (p.get("name").asText().equals("daily_signups")) {
                pipeline = p;
            }
        }
        assertThat(pipeline).as("daily_signups in GET /api/pipelines").isNotNull();
        assertThat(pipeline.get("type").asText()).isEqualTo("batch");
        assertThat(pipeline.get("schedule").get("cron").asText()).isEqualTo("0 30 5 * * ?");
        assertThat(pipeline.get("schedule").get("catchup").asText()).isEqualTo("all");
        assertThat(pipeline.get("schedule").get("catchupLimit").asInt()).isEqualTo(7);
        assertThat(pipeline.get("steps").findValuesAsText("task")).isEqualTo(TASKS);
        assertThat(pipeline.get("steps").findValuesAsText("block"))
                .containsExactly("jdbc-extract", "quality-check", "warehouse-load", "sql-file");
        // In Hawtio and JMX each step is a route of its own, <pipeline>.<task>, in the group steps.
        for (String task : TASKS) {
            assertThat(camel.getRoute("daily_signups." + task)).as(task).isNotNull()
                    .extracting(org.apache.camel.Route::getGroup).isEqualTo("steps");
        }
    }

    @Test
    void aRunLoadsTheDaysSignupsAndCountsThemByCountryAsTheSourceHasThem() throws Exception {
        LocalDate date = TestDates.DailySignups.ONE_RUN;
        Map<String, Long> source = sourceByCountry(date);
        long signups = source.values().stream().mapToLong(Long::longValue).sum();
        assertThat(signups).as("demo customers who signed up on %s", date).isPositive();

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        assertThat(run.tasks()).extracting(RunRecord.Task::status).containsOnly(RunStatus.SUCCEEDED);
        RunRecord.Task extract = task(run, "extract_signups");
        assertThat(extract.rowsOut()).isEqualTo(signups);
        assertThat(extract.lakeKeys()).isNotEmpty()
                .allMatch(key -> key.startsWith("raw/crm/signups/dt=" + date + "/run=" + run.runId() + "/"))
                .anyMatch(key -> key.endsWith("_manifest.json"));
        assertThat(task(run, "check_signups").rowsIn()).isEqualTo(signups);
        assertThat(task(run, "load_signups").rowsOut()).isEqualTo(signups);
        assertThat(jdbc.queryForList("SELECT customer_id FROM staging.signups WHERE logical_date = ? ORDER BY customer_id",
                Long.class, date)).isEqualTo(sourceIds(date));
        assertThat(analytics(date)).isEqualTo(source);
    }

    @Test
    void aBackfillRunsEachDateAndAFailedRunResumesFromTheStepThatFailed() throws Exception {
        List<LocalDate> dates = TestDates.DailySignups.BACKFILL;
        TestApi.Response backfill = api.post("/api/pipelines/daily_signups/backfill",
                "{\"from\":\"" + dates.get(0) + "\",\"to\":\"" + dates.get(1) + "\"}");
        assertThat(backfill.status()).as(backfill.body()).isEqualTo(202);
        for (JsonNode id : backfill.json().get("runIds")) {
            RunRecord run = api.awaitFinished(id.asLong());
            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(analytics(run.logicalDate())).isEqualTo(sourceByCountry(run.logicalDate()));
        }

        // Its last step cannot write (its table is away): retried twice (maxRetries: 2 in its file), then FAILED.
        LocalDate date = TestDates.DailySignups.RESUMED;
        jdbc.execute("ALTER TABLE analytics.daily_signups RENAME TO daily_signups_away");
        RunRecord failed;
        try {
            failed = api.awaitFinished(trigger(date));
        } finally {
            jdbc.execute("ALTER TABLE analytics.daily_signups_away RENAME TO daily_signups");
        }
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).startsWith("task count_signups failed: ");
        assertThat(task(failed, "count_signups").attempts()).isEqualTo(3);

        TestApi.Response resume = api.post("/api/runs/" + failed.runId() + "/resume", "");
        assertThat(resume.status()).as(resume.body()).isEqualTo(202);
        RunRecord resumed = api.awaitFinished(failed.runId());
        assertThat(resumed.status()).as("run error: %s", resumed.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(resumed, "extract_signups").attempts()).as("not extracted again").isEqualTo(1);
        assertThat(task(resumed, "count_signups").attempts()).isEqualTo(4);
    }

    @Test
    void aDayWithFarFewerSignupsThanTheDaysBeforeIsLoadedWithAVolumeWarning() throws Exception {
        // The days of the other tests, loaded (again: a run replaces its date) before the quiet one.
        List<LocalDate> days = new java.util.ArrayList<>(TestDates.DailySignups.BACKFILL);
        days.add(TestDates.DailySignups.ONE_RUN);
        for (LocalDate day : days) {
            RunRecord run = api.awaitFinished(trigger(day));
            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        }
        LocalDate quiet = TestDates.DailySignups.QUIET;
        assertThat(sourceIds(quiet)).as("no signups on %s", quiet).isEmpty();

        RunRecord run = api.awaitFinished(trigger(quiet));

        assertThat(run.status()).as("a warning does not fail the run: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        Map<String, Object> volume = jdbc.queryForMap("SELECT success, severity, partial_unexpected::text AS said, "
                + "observed_value::text AS observed "
                + "FROM etl.quality_results WHERE run_id = ? AND expectation_type = ?", run.runId(),
                "expect_table_row_count_to_be_within_history");
        assertThat(volume).containsEntry("success", false).containsEntry("severity", "warning").containsEntry("observed", "0");
        assertThat((String) volume.get("said")).startsWith("[\"0 rows; ").contains("earlier load(s)", "allow");
        // Each earlier load counted once, the latest run of each date before the quiet one.
        long earlier = jdbc.queryForObject("SELECT count(DISTINCT logical_date) FROM etl.pipeline_runs "
                + "WHERE pipeline = 'daily_signups' AND status = 'SUCCEEDED' AND logical_date < ?", Long.class, quiet);
        assertThat((String) volume.get("said")).contains(Math.min(earlier, 8) + " earlier load(s)");

        // Its report (Data Docs): in the lake next to the manifest, served behind the login, listed by the pipeline.
        String key = io.pipelines.lake.LakeKeys.runFolder("raw/crm/signups", quiet, run.runId()) + "_quality.html";
        assertThat(lake.exists(key)).as(key).isTrue();
        TestApi.Response report = api.get("/api/runs/" + run.runId() + "/data-docs");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.contentType()).startsWith("text/html");
        assertThat(report.body()).contains("<h1>signups_suite</h1>", "run " + run.runId(), "logical date " + quiet,
                "<code>expect_column_values_to_match_regex(email)</code>", "expect_table_row_count_to_be_within_history",
                "not met (warning)", "<svg", "0 row(s) broke an expectation of severity error on their own");
        TestApi.Response index = api.get("/api/pipelines/daily_signups/data-docs");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("<a href=\"/api/runs/" + run.runId() + "/data-docs\">" + run.runId() + "</a>");
        assertThat(api.get("/api/runs/999999999/data-docs").status()).isEqualTo(404);
        assertThat(api.get("/api/pipelines/no_such_pipeline/data-docs").status()).isEqualTo(404);
    }

    private long trigger(LocalDate date) {
        TestApi.Response response = api.post("/api/pipelines/daily_signups/runs", "{\"logicalDate\":\"" + date + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("runId").asLong();
    }

    private static RunRecord.Task task(RunRecord run, String name) {
        return run.tasks().stream().filter(t -> t.task().equals(name)).findFirst().orElseThrow();
    }

    private Map<String, Long> analytics(LocalDate date) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT country, signups FROM analytics.daily_signups WHERE signup_date = ? ORDER BY country",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                }, date);
        return counts;
    }

    /** Signups of the date by country, read from crm.customers itself. */
    private Map<String, Long> sourceByCountry(LocalDate date) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        signedUp("country, count(*)", "GROUP BY country ORDER BY country", date,
                rs -> counts.put(rs.getString(1), rs.getLong(2)));
        return counts;
    }

    private List<Long> sourceIds(LocalDate date) throws Exception {
        List<Long> ids = new java.util.ArrayList<>();
        signedUp("id", "ORDER BY id", date, rs -> ids.add(rs.getLong(1)));
        return ids;
    }

    private interface Row {
        void read(java.sql.ResultSet rs) throws java.sql.SQLException;
    }

    /** Each row of {@code SELECT <columns> FROM crm.customers} signed up on the date {@code <rest>}. */
    private void signedUp(String columns, String rest, LocalDate date, Row row) throws Exception {
        try (var crm = crm(); var st = crm.prepareStatement("SELECT " + columns + " FROM customers "
                + "WHERE created_at >= ? AND created_at < ? " + rest)) {
            st.setObject(1, date.atStartOfDay());
            st.setObject(2, date.plusDays(1).atStartOfDay());
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        }
    }

    private java.sql.Connection crm() throws Exception {
        PipelinesProperties.Connection c = properties.getConnections().get("crm");
        return DriverManager.getConnection(c.getUrl(), c.getUsername(), c.getPassword());
    }
}
