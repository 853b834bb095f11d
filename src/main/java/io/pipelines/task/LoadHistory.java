package io.pipelines.task;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

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
        return (lookback, sameWeekday) -> jdbc.queryForList("""
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
}
