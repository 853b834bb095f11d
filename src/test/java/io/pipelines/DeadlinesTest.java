package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.run.DeadlineRules;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.schedule.Deadlines;
import io.pipelines.schedule.Deadlines.Miss;
import io.pipelines.support.AlertReceiver;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Deadlines of daily_sales_etl (due 31 h after the start of its date, UTC; extract_orders at most 30 minutes),
 * checked at times the test chooses, as a test clock would move them: no sleeping. A date not loaded is reported
 * once with what blocks it (never queued, failed at a task, a task running for too long), and its late success
 * once; a task over its limit once per run; a limit of a multiple of the 95th percentile from the task's runs.
 */
class DeadlinesTest extends PipelinesIntegrationTest {

    private static final Duration DUE_AFTER = Duration.ofHours(31);

    @Autowired
    private Deadlines deadlines;

    @Autowired
    private TestApi api;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private InstanceLease lease;

    @Test
    void aDateNotLoadedByItsDeadlineIsReportedOnceWithWhatBlocksItThenItsLateSuccessOnce() throws Exception {
        jdbc.update("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, started_at, finished_at) "
                + "VALUES ('daily_sales_etl', ?, 'SUCCEEDED', 'test', now(), now())", TestDates.Deadlines.WATCHED_FROM);
        LocalDate notQueued = TestDates.Deadlines.NOT_QUEUED;
        LocalDate failed = TestDates.Deadlines.FAILED_THEN_LATE;
        api.insertOrders(failed, 1, 20, new BigDecimal("12.50"));
        api.insertOrders(failed, 21, 1, new BigDecimal("-5.00"));
        RunRecord bad = api.awaitFinished(trigger(failed));
        assertThat(bad.status()).isEqualTo(RunStatus.FAILED);
        double before = api.metric("pipeline_deadline_misses_total", "pipeline", "daily_sales_etl", "kind", "date");

        // A minute before the failed date's deadline, a day after the other's.
        List<Miss> first = deadlines.check(due(failed).minusSeconds(60));
        assertThat(of(first, failed)).as("not due yet").isEmpty();
        Miss neverRun = of(first, notQueued).orElseThrow();
        assertThat(neverRun.blocking()).isEqualTo("not queued");
        assertThat(neverRun.dueAt()).isEqualTo(Instant.parse("2024-12-10T07:00:00Z"));
        assertThat(neverRun.runId()).isNull();
        Instant now = due(failed).plusSeconds(60);
        List<Miss> found = deadlines.check(now);
        assertThat(of(found, notQueued)).as("found before").isEmpty();
        Miss failedRun = of(found, failed).orElseThrow();
        assertThat(failedRun.blocking()).startsWith("failed at task validate_data (run " + bad.runId() + "): task validate_data "
                + "failed: QualityCheckFailedException");
        assertThat(failedRun.runId()).isEqualTo(bad.runId());
        assertThat(AlertReceiver.received()).anySatisfy(alert -> assertThat(alert).contains("\"type\":\"deadline_missed\"")
                .contains("\"logicalDate\":\"" + notQueued + "\"").contains("\"blocking\":\"not queued\""));

        // Checked again, by this instance or another: recorded and alerted once.
        assertThat(of(deadlines.check(now.plusSeconds(60)), failed)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.deadline_misses WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date IN (?, ?)", Long.class, notQueued, failed)).isEqualTo(2);
        assertThat(api.metric("pipeline_deadline_misses_total", "pipeline", "daily_sales_etl", "kind", "date") - before)
                .isGreaterThanOrEqualTo(2.0);

        // The source fixed and the date run again: its late success is reported, once.
        try (var c = api.salesDatabase(); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM public.orders WHERE total < 0 AND created_at::date = '" + failed + "'");
        }
        RunRecord good = api.awaitFinished(trigger(failed));
        assertThat(good.status()).isEqualTo(RunStatus.SUCCEEDED);
        deadlines.check(now.plusSeconds(600));
        Miss met = deadlines.recent("daily_sales_etl", 100).stream().filter(m -> m.logicalDate().equals(failed))
                .findFirst().orElseThrow();
        assertThat(met.metAt()).isEqualTo(jdbc.queryForObject("SELECT finished_at FROM etl.pipeline_runs WHERE run_id = ?",
                Timestamp.class, good.runId()).toInstant());
        assertThat(AlertReceiver.received()).filteredOn(alert -> alert.contains("\"type\":\"deadline_met_late\"")
                && alert.contains("\"logicalDate\":\"" + failed + "\"")).hasSize(1);
        deadlines.check(now.plusSeconds(900));
        assertThat(AlertReceiver.received()).filteredOn(alert -> alert.contains("\"type\":\"deadline_met_late\"")
                && alert.contains("\"logicalDate\":\"" + failed + "\"")).as("once").hasSize(1);
        assertThat(api.get("/api/pipelines").json()).anySatisfy(p -> {
            assertThat(p.get("name").asText()).isEqualTo("daily_sales_etl");
            assertThat(p.get("deadline").get("after").asText()).isEqualTo("31h");
            assertThat(p.get("deadline").get("taskLimits").get("extract_orders").asText()).isEqualTo("30m");
        });
    }

    @Test
    void aHangingTaskIsReportedOnceOverItsLimitThenTheDateAsBlockedByIt() throws Exception {
        LocalDate date = TestDates.Deadlines.HANGING;
        Instant started = date.plusDays(1).atTime(6, 0).toInstant(ZoneOffset.UTC);
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, "
                + "queued_at, started_at, owner) VALUES ('daily_sales_etl', ?, 'RUNNING', 'test', ?, ?, ?) RETURNING run_id",
                Long.class, date, Timestamp.from(started), Timestamp.from(started), lease.id());
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at) VALUES (?, 'extract_orders', 'RUNNING', ?)",
                runId, Timestamp.from(started));
        try {
            assertThat(ofRun(deadlines.check(started.plus(Duration.ofMinutes(29))), runId)).as("within its 30 minutes").isEmpty();
            Miss overrun = ofRun(deadlines.check(started.plus(Duration.ofMinutes(31))), runId).orElseThrow();
            assertThat(overrun.task()).isEqualTo("extract_orders");
            assertThat(overrun.blocking()).isEqualTo("task extract_orders running for 31 minute(s) (run " + runId
                    + "), longer than its limit of 1800 s (30m)");
            assertThat(ofRun(deadlines.check(started.plus(Duration.ofMinutes(40))), runId)).as("once per run").isEmpty();
            assertThat(AlertReceiver.received()).anySatisfy(alert -> assertThat(alert)
                    .contains("\"type\":\"task_over_limit\"").contains("\"runId\":" + runId));

            Miss blocked = of(deadlines.check(due(date).plusSeconds(300)), date)
                    .orElseThrow();
            assertThat(blocked.blocking()).isEqualTo("running task extract_orders for 65 minute(s) (run " + runId + ")");
        } finally {
            jdbc.update("UPDATE etl.task_runs SET status = 'FAILED', finished_at = now() WHERE run_id = ?", runId);
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'written by DeadlinesTest' "
                    + "WHERE run_id = ?", runId);
        }
    }

    @Test
    void aLimitOfAMultipleOfTheNinetyFifthPercentileComesFromTheTasksLastRuns() {
        String pipeline = "deadline_p95_probe";
        DeadlineRules.TaskLimit threeTimes = new DeadlineRules.TaskLimit(null, 3);
        for (int i = 1; i <= 4; i++) {
            succeededTask(pipeline, i, 1_000L * i);
        }
        assertThat(deadlines.limit(pipeline, "work", threeTimes)).as("fewer than 5 runs: no limit").isEmpty();
        for (int i = 5; i <= 20; i++) {
            succeededTask(pipeline, i, 1_000L * i);
        }
        // 1 s .. 20 s: the 95th percentile (interpolated, as PostgreSQL's percentile_cont) is 19.05 s.
        assertThat(deadlines.limit(pipeline, "work", threeTimes)).contains(Duration.ofMillis(57_150));
        succeededTask(pipeline, 21, 100_000L);
        // The last 20 only: 2 s .. 20 s and 100 s, whose 95th percentile is 20 s + 0.05 x 80 s.
        assertThat(deadlines.limit(pipeline, "work", threeTimes)).contains(Duration.ofMillis(3 * 24_000));
    }

    private void succeededTask(String pipeline, int n, long ms) {
        Instant at = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(3600L * n);
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, "
                + "queued_at, started_at, finished_at) VALUES (?, ?, 'SUCCEEDED', 'test', ?, ?, ?) RETURNING run_id", Long.class,
                pipeline, LocalDate.parse("2024-01-01").plusDays(n), Timestamp.from(at), Timestamp.from(at),
                Timestamp.from(at.plusMillis(ms)));
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at, finished_at, duration_ms) "
                + "VALUES (?, 'work', 'SUCCEEDED', ?, ?, ?)", runId, Timestamp.from(at), Timestamp.from(at.plusMillis(ms)), ms);
    }

    private long trigger(LocalDate date) {
        return api.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + date + "\"}").json().get("runId").asLong();
    }

    private static Instant due(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().plus(DUE_AFTER);
    }

    private static Optional<Miss> of(List<Miss> misses, LocalDate date) {
        return misses.stream().filter(m -> m.pipeline().equals("daily_sales_etl") && m.logicalDate().equals(date)
                && m.task().isEmpty()).findFirst();
    }

    private static Optional<Miss> ofRun(List<Miss> misses, long runId) {
        return misses.stream().filter(m -> m.runId() != null && m.runId() == runId && !m.task().isEmpty()).findFirst();
    }
}
