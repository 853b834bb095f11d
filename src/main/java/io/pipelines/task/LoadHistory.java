package io.pipelines.task;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.quality.ExpectationType;
import io.pipelines.quality.VolumeHistory;

/**
 * The earlier loads a run's volume checks compare it with, from the run records: the rows of the
 * check task in the latest succeeded run of each logical date before the run's own (a backfill of
 * an old date is compared with the dates before it; a date run again, not with itself).
 */
@Component
public class LoadHistory {

    private final JdbcTemplate jdbc;

    public LoadHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The history of the check task {@code task} for run {@code runId} (of its pipeline and date). */
    public VolumeHistory of(String task, long runId) {
        return new VolumeHistory() {
            @Override
            public List<Long> rowCounts(int lookback, boolean sameWeekday) {
                return LoadHistory.this.rowCounts(task, runId, lookback, sameWeekday);
            }

            @Override
            public List<Double> columnSums(String column, int lookback, boolean sameWeekday) {
                return LoadHistory.this.columnSums(runId, column, lookback, sameWeekday);
            }
        };
    }

    private List<Long> rowCounts(String task, long runId, int lookback, boolean sameWeekday) {
        return jdbc.queryForList("""
                SELECT rows_out FROM (
                    SELECT DISTINCT ON (r.logical_date) r.logical_date, t.rows_out
                    FROM etl.pipeline_runs me
                    JOIN etl.pipeline_runs r ON r.pipeline = me.pipeline AND r.logical_date < me.logical_date
                    JOIN etl.task_runs t ON t.run_id = r.run_id AND t.task = ?
                    WHERE me.run_id = ? AND r.status = 'SUCCEEDED' AND t.rows_out IS NOT NULL
                      AND (NOT ? OR extract(isodow FROM r.logical_date) = extract(isodow FROM me.logical_date))
                    ORDER BY r.logical_date DESC, r.run_id DESC) latest
                ORDER BY logical_date DESC
                LIMIT ?""", Long.class, task, runId, sameWeekday, lookback);
    }

    /** The sums of {@code column} that the same check observed in the latest succeeded run of each earlier date. */
    private List<Double> columnSums(long runId, String column, int lookback, boolean sameWeekday) {
        return jdbc.queryForList("""
                SELECT sum FROM (
                    SELECT DISTINCT ON (r.logical_date) r.logical_date, (q.observed_value #>> '{}')::double precision AS sum
                    FROM etl.pipeline_runs me
                    JOIN etl.pipeline_runs r ON r.pipeline = me.pipeline AND r.logical_date < me.logical_date
                    JOIN etl.quality_results q ON q.run_id = r.run_id AND q.expectation_type = ?
                         AND q.kwargs ->> 'column' = ? AND jsonb_typeof(q.observed_value) = 'number'
                    WHERE me.run_id = ? AND r.status = 'SUCCEEDED'
                      AND (NOT ? OR extract(isodow FROM r.logical_date) = extract(isodow FROM me.logical_date))
                    ORDER BY r.logical_date DESC, r.run_id DESC) latest
                ORDER BY logical_date DESC
                LIMIT ?""", Double.class, ExpectationType.EXPECT_COLUMN_SUM_TO_BE_WITHIN_HISTORY.fileName(), column, runId,
                sameWeekday, lookback);
    }
}
