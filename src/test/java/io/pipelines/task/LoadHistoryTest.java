package io.pipelines.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.quality.VolumeHistory;
import io.pipelines.support.PipelinesIntegrationTest;

/** The earlier loads a volume check compares a run with, read from the run records in the warehouse. */
class LoadHistoryTest extends PipelinesIntegrationTest {

    @Autowired
    LoadHistory history;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theLatestSucceededRunOfEachEarlierDateNewestFirstAndOfTheSameWeekdayWhenAsked() {
        String pipeline = "t_volume_" + UUID.randomUUID().toString().substring(0, 8);
        run(pipeline, "2026-01-05", "SUCCEEDED", "check", 100);     // a Monday
        run(pipeline, "2026-01-06", "SUCCEEDED", "check", 1);       // a Tuesday, run again below
        run(pipeline, "2026-01-06", "FAILED", "check", 5);
        run(pipeline, "2026-01-06", "SUCCEEDED", "check", 110);
        run(pipeline, "2026-01-07", "FAILED", "check", 3);          // failed: not a load
        run(pipeline, "2026-01-08", "SUCCEEDED", "other_task", 7);  // another task's rows
        run(pipeline, "2026-01-12", "SUCCEEDED", "check", 120);     // a Monday
        run(pipeline, "2026-01-20", "SUCCEEDED", "check", 999);     // after the run's date
        run("another_" + pipeline, "2026-01-09", "SUCCEEDED", "check", 50);
        // The run compared: its own status does not matter (never RUNNING here: the service would take it for an orphan).
        long current = run(pipeline, "2026-01-13", "SUCCEEDED", "check", 0); // a Tuesday

        VolumeHistory loads = history.of("check", current);

        assertThat(loads.rowCounts(8, false)).containsExactly(120L, 110L, 100L);
        assertThat(loads.rowCounts(2, false)).containsExactly(120L, 110L);
        assertThat(loads.rowCounts(8, true)).as("Tuesdays").containsExactly(110L);
        assertThat(history.of("check", run(pipeline, "2026-01-05", "SUCCEEDED", "check", 0)).rowCounts(8, false))
                .as("a date run again is not compared with itself").isEmpty();
    }

    @Test
    void theSumsTheSameCheckObservedInTheLatestSucceededRunOfEachEarlierDate() {
        String pipeline = "t_sums_" + UUID.randomUUID().toString().substring(0, 8);
        sum(run(pipeline, "2026-02-02", "SUCCEEDED", "check", 10), "total", "1500.25");
        sum(run(pipeline, "2026-02-03", "SUCCEEDED", "check", 10), "total", "10");     // run again below
        sum(run(pipeline, "2026-02-03", "SUCCEEDED", "check", 10), "total", "1700");
        sum(run(pipeline, "2026-02-04", "FAILED", "check", 10), "total", "5");         // failed: not a load
        sum(run(pipeline, "2026-02-05", "SUCCEEDED", "check", 10), "other", "99");     // another column
        long current = run(pipeline, "2026-02-06", "SUCCEEDED", "check", 0);

        assertThat(history.of("check", current).columnSums("total", 8, false)).containsExactly(1700.0, 1500.25);
        assertThat(history.of("check", current).columnSums("total", 1, false)).containsExactly(1700.0);
    }

    /** The observed sum of a column in a run's quality results. */
    private void sum(long runId, String column, String sum) {
        jdbc.update("INSERT INTO etl.quality_results (run_id, suite, expectation_index, expectation_type, kwargs, success, "
                + "element_count, unexpected_count, observed_value) VALUES (?, 's', 0, 'expect_column_sum_to_be_within_history', "
                + "jsonb_build_object('column', ?::text, 'max_change', 0.5), true, 10, 0, ?::jsonb)", runId, column, sum);
    }

    /** A run of the pipeline for the date, with its task's rows; returns its id. */
    private long run(String pipeline, String date, String status, String task, long rows) {
        long id = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by) "
                + "VALUES (?, ?, ?, 'test') RETURNING run_id", Long.class, pipeline, LocalDate.parse(date), status);
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at, rows_in, rows_out) "
                + "VALUES (?, ?, ?, now(), ?, ?)", id, task, status, rows, rows);
        return id;
    }
}
