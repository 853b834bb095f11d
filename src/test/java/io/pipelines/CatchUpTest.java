package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.run.RunStatus;
import io.pipelines.schedule.ScheduledRuns;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Catch-up after every instance was down (daily_signups: catchup all, at most 7 dates): its last fire stood for
 * 2026-05-02 05:30 UTC, the next one comes late, on 2026-05-13 at 09:00 (Quartz's single late fire, called here as
 * the schedule's route calls it). The missed dates not loaded yet are queued oldest first, the latest ones within
 * the limit, then the fire's own; a second fire of the same slot queues nothing.
 */
class CatchUpTest extends PipelinesIntegrationTest {

    @Autowired
    private ScheduledRuns scheduledRuns;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private InstanceLease lease;

    @Autowired
    private TestApi api;

    @Test
    void theMissedDatesNotLoadedAreQueuedOldestFirstWithinTheLimitThenTheFiresOwn() {
        LocalDate before = TestDates.CatchUp.BEFORE_OUTAGE;
        jdbc.update("INSERT INTO etl.schedule_fires (pipeline, scheduled_at, instance_id, logical_date, outcome) "
                + "VALUES ('daily_signups', ?, ?, ?, 'queued')", Timestamp.from(slotOf(before)), lease.id(), before);
        jdbc.update("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, started_at, finished_at) "
                + "VALUES ('daily_signups', ?, 'SUCCEEDED', 'test', now(), now())", TestDates.CatchUp.LOADED);

        Date lateFire = Date.from(Instant.parse("2026-05-13T09:00:00Z"));
        scheduledRuns.launchScheduled("daily_signups", lateFire);

        List<Map<String, Object>> runs = jdbc.queryForList("SELECT run_id, logical_date, triggered_by FROM etl.pipeline_runs "
                + "WHERE pipeline = 'daily_signups' AND logical_date BETWEEN ? AND ? AND triggered_by LIKE 'schedule%' "
                + "ORDER BY run_id", before, TestDates.CatchUp.AFTER_OUTAGE);
        assertThat(runs).extracting(r -> r.get("logical_date").toString() + " " + r.get("triggered_by")).containsExactly(
                "2026-05-06 schedule catch-up", "2026-05-07 schedule catch-up", "2026-05-09 schedule catch-up",
                "2026-05-10 schedule catch-up", "2026-05-11 schedule catch-up", "2026-05-12 schedule");
        assertThat(jdbc.queryForObject("SELECT outcome FROM etl.schedule_fires WHERE pipeline = 'daily_signups' "
                + "AND scheduled_at = ?", String.class, Timestamp.from(slotOf(TestDates.CatchUp.LOADED))))
                .as("the loaded date's missed fire").isEqualTo("loaded");
        for (Map<String, Object> run : runs) {
            assertThat(api.awaitFinished(((Number) run.get("run_id")).longValue()).status()).isEqualTo(RunStatus.SUCCEEDED);
        }

        scheduledRuns.launchScheduled("daily_signups", lateFire);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_signups' "
                + "AND logical_date BETWEEN ? AND ? AND triggered_by LIKE 'schedule%'", Long.class, before,
                TestDates.CatchUp.AFTER_OUTAGE)).as("the same fire again: nothing more").isEqualTo(runs.size());
    }

    /** The daily 05:30 UTC fire that stands for the date (the day before it). */
    private static Instant slotOf(LocalDate date) {
        return date.plusDays(1).atTime(5, 30).toInstant(java.time.ZoneOffset.UTC);
    }
}
