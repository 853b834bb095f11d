package io.pipelines.run;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.quality.QualityResults;

/**
 * The record of every run and task in etl.pipeline_runs and etl.task_runs: what ran, for which
 * date, with how many rows, which lake objects, how long, and why it failed.
 */
@Component
public class RunLedger {

    private static final String RUN_COLUMNS =
            "run_id, pipeline, logical_date, status, triggered_by, queued_at, started_at, finished_at, error, owner, recoveries, force, "
            + "version";

    /** Condition of a task_runs update: the run is this instance's. */
    private static final String OWNED =
            " AND EXISTS (SELECT 1 FROM etl.pipeline_runs r WHERE r.run_id = task_runs.run_id AND r.owner = ?)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final QualityResults qualityResults;
    private final InstanceLease lease;

    public RunLedger(JdbcTemplate jdbc, TransactionTemplate tx, QualityResults qualityResults, InstanceLease lease) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.qualityResults = qualityResults;
        this.lease = lease;
    }

    /** Records new QUEUED runs, one per date, all or none; none forced. */
    public List<Long> enqueue(String pipeline, List<LocalDate> dates, String triggeredBy) {
        return enqueue(pipeline, dates, triggeredBy, false);
    }

    /** Records new QUEUED runs, one per date, all or none; {@code force}: they may replace a date's rows with far fewer. */
    public List<Long> enqueue(String pipeline, List<LocalDate> dates, String triggeredBy, boolean force) {
        LocalDate[] clash = new LocalDate[1];
        try {
            return tx.execute(status -> {
                List<Long> ids = new ArrayList<>();
                for (LocalDate date : dates) {
                    clash[0] = date;
                    ids.add(jdbc.queryForObject(
                            "INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner, force) "
                                    + "VALUES (?, ?, 'QUEUED', ?, ?, ?) RETURNING run_id",
                            Long.class, pipeline, date, triggeredBy, lease.id(), force));
                }
                return ids;
            });
        } catch (DuplicateKeyException e) {
            // The transaction is rolled back: no run of the call was recorded.
            throw new RunAlreadyActiveException(pipeline, clash[0], activeRun(pipeline, clash[0]).orElse(-1L));
        }
    }

    /** The run of the pipeline and date that is queued or running now, if any. */
    public Optional<Long> activeRun(String pipeline, LocalDate date) {
        return jdbc.queryForList("SELECT run_id FROM etl.pipeline_runs WHERE pipeline = ? AND logical_date = ? "
                + "AND status IN ('QUEUED', 'RUNNING')", Long.class, pipeline, date).stream().findFirst();
    }

    /**
     * Queues a FAILED run again, to continue from the task that failed; {@code force} makes it a forced
     * run from now on (a run forced before stays so). Refused (with the reason) when the run is not
     * FAILED or another run of its pipeline and date is queued or running.
     */
    public RunRecord requeue(long runId, boolean force) {
        RunRecord run = find(runId).orElseThrow(() -> new IllegalArgumentException("No run with id " + runId));
        if (run.status() != RunStatus.FAILED) {
            throw new IllegalStateException("Run " + runId + " is " + run.status() + ": only a FAILED run can be resumed");
        }
        try {
            int updated = jdbc.update("UPDATE etl.pipeline_runs SET status = 'QUEUED', finished_at = NULL, error = NULL, "
                    + "owner = ?, force = force OR ? WHERE run_id = ? AND status = 'FAILED'", lease.id(), force, runId);
            if (updated == 0) {
                throw new IllegalStateException("Run " + runId + " changed meanwhile: only a FAILED run can be resumed");
            }
        } catch (DuplicateKeyException e) {
            throw new RunAlreadyActiveException(run.pipeline(), run.logicalDate(),
                    activeRun(run.pipeline(), run.logicalDate()).orElse(-1L));
        }
        return run;
    }

    /** What a logical date of a pipeline has: its latest run (none: missing), and whether any run of it succeeded. */
    public record DateState(LocalDate date, String state, Long runId, boolean loaded) {
        public static final String MISSING = "MISSING";
    }

    /**
     * Every date from {@code from} to {@code to} with the status of its latest run (QUEUED, RUNNING,
     * SUCCEEDED, FAILED) or MISSING when it has none, oldest first.
     */
    public List<DateState> dateStates(String pipeline, LocalDate from, LocalDate to) {
        return jdbc.query("""
                SELECT d.day::date AS day, latest.status, latest.run_id,
                       EXISTS (SELECT 1 FROM etl.pipeline_runs s WHERE s.pipeline = ? AND s.logical_date = d.day::date
                               AND s.status = 'SUCCEEDED') AS loaded
                FROM generate_series(?::date, ?::date, interval '1 day') d(day)
                LEFT JOIN LATERAL (SELECT r.status, r.run_id FROM etl.pipeline_runs r
                                   WHERE r.pipeline = ? AND r.logical_date = d.day::date
                                   ORDER BY r.run_id DESC LIMIT 1) latest ON true
                ORDER BY d.day""", (rs, i) -> new DateState(rs.getObject(1, LocalDate.class),
                        rs.getString(2) == null ? DateState.MISSING : rs.getString(2),
                        rs.getString(2) == null ? null : rs.getLong(3), rs.getBoolean(4)),
                pipeline, from, to, pipeline);
    }

    /** Whether the run has finished this task already (a resumed run does not do it again). */
    public boolean taskSucceeded(long runId, String task) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM etl.task_runs WHERE run_id = ? "
                + "AND task = ? AND status = 'SUCCEEDED')", Boolean.class, runId, task));
    }

    /**
     * Marks the run RUNNING; returns when this attempt started (what {@link #finish(long, RunStatus, String,
     * Timestamp)} ends), or null when another instance owns the run now (this one was taken for dead).
     */
    public Timestamp markRunning(long runId) {
        List<Timestamp> started = jdbc.queryForList("UPDATE etl.pipeline_runs SET status = 'RUNNING', "
                + "started_at = clock_timestamp(), error = NULL WHERE run_id = ? AND owner = ? RETURNING started_at",
                Timestamp.class, runId, lease.id());
        return started.isEmpty() ? null : started.get(0);
    }

    /** The version of the pipeline's definition that runs the run (this instance's), recorded as it starts. */
    public void recordVersion(long runId, String version) {
        jdbc.update("UPDATE etl.pipeline_runs SET version = ? WHERE run_id = ? AND owner = ?", version, runId, lease.id());
    }

    /** Ends the run; false when another instance owns it now, whose record then stands. */
    public boolean finish(long runId, RunStatus status, String error) {
        return jdbc.update("UPDATE etl.pipeline_runs SET status = ?, finished_at = now(), error = ? "
                + "WHERE run_id = ? AND owner = ?", status.name(), error, runId, lease.id()) > 0;
    }

    /**
     * Ends the attempt of the run that started at {@code started}; false when another instance owns the
     * run now, or the run was started again since (resumed while this attempt was still closing): the
     * record of the later one then stands.
     */
    public boolean finish(long runId, RunStatus status, String error, Timestamp started) {
        return started != null && jdbc.update("UPDATE etl.pipeline_runs SET status = ?, finished_at = now(), error = ? "
                + "WHERE run_id = ? AND owner = ? AND started_at = ?", status.name(), error, runId, lease.id(), started) > 0;
    }

    /** A QUEUED or RUNNING run that this instance took over from a dead one. */
    public record Orphan(long runId, String pipeline, LocalDate logicalDate, String previousOwner, int recoveries,
                         boolean force) {
    }

    /**
     * Takes over, in one statement, the QUEUED or RUNNING runs of these pipelines whose owner
     * holds no live lease (it died, or stopped with runs still queued): they are QUEUED again,
     * owned by this instance, one more recovery counted. This instance's own runs are never taken
     * (even when its lease lapsed during a warehouse outage: it still has them in hand). Rows locked by another instance (its
     * take-over, or a fenced load still committing) are skipped: they are not orphans to take.
     */
    public List<Orphan> claimOrphans(Collection<String> pipelines) {
        if (pipelines.isEmpty()) {
            return List.of();
        }
        return jdbc.query(con -> {
            var ps = con.prepareStatement("WITH orphan AS ("
                    + "  SELECT r.run_id, r.owner FROM etl.pipeline_runs r"
                    + "  WHERE r.status IN ('QUEUED', 'RUNNING') AND r.pipeline = ANY (?) AND r.owner IS DISTINCT FROM ?"
                    + "  AND NOT EXISTS (SELECT 1 FROM etl.instances i WHERE i.instance_id = r.owner"
                    + "                  AND i.heartbeat_at > now() - ? * interval '1 millisecond')"
                    + "  ORDER BY r.run_id FOR UPDATE OF r SKIP LOCKED) "
                    + "UPDATE etl.pipeline_runs r SET status = 'QUEUED', owner = ?, recoveries = r.recoveries + 1 "
                    + "FROM orphan WHERE r.run_id = orphan.run_id "
                    + "RETURNING r.run_id, r.pipeline, r.logical_date, orphan.owner AS previous_owner, r.recoveries, r.force");
            ps.setArray(1, con.createArrayOf("text", pipelines.toArray()));
            ps.setString(2, lease.id());
            ps.setLong(3, lease.lease().toMillis());
            ps.setString(4, lease.id());
            return ps;
        }, (rs, n) -> new Orphan(rs.getLong("run_id"), rs.getString("pipeline"),
                rs.getObject("logical_date", LocalDate.class), rs.getString("previous_owner"), rs.getInt("recoveries"),
                rs.getBoolean("force")));
    }

    /** Forgets instances whose lease expired long ago (their runs were taken over by then). */
    public int forgetDeadInstances(Duration olderThan) {
        return jdbc.update("DELETE FROM etl.instances WHERE heartbeat_at < now() - ? * interval '1 millisecond'",
                olderThan.toMillis());
    }

    /** Task records are written only by the instance that owns the run (one taken for dead writes none). */
    public void startTask(long runId, String task) {
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at) SELECT ?, ?, 'RUNNING', now() "
                + "WHERE EXISTS (SELECT 1 FROM etl.pipeline_runs WHERE run_id = ? AND owner = ?) "
                + "ON CONFLICT (run_id, task) DO UPDATE SET status = 'RUNNING', attempts = etl.task_runs.attempts + 1, "
                + "started_at = now(), finished_at = NULL, rows_in = NULL, rows_out = NULL, duration_ms = NULL, "
                + "lake_keys = '{}', error = NULL", runId, task, runId, lease.id());
    }

    public void finishTask(long runId, String task, TaskResult result, long durationMs) {
        jdbc.update(con -> {
            // A task already recorded as succeeded in its own load's transaction (finishInPass) keeps that record.
            var ps = con.prepareStatement("UPDATE etl.task_runs SET status = 'SUCCEEDED', finished_at = now(), "
                    + "rows_in = ?, rows_out = ?, duration_ms = ?, lake_keys = ?, error = NULL WHERE run_id = ? AND task = ?"
                    + " AND status <> 'SUCCEEDED'" + OWNED);
            ps.setObject(1, result.rowsIn());
            ps.setObject(2, result.rowsOut());
            ps.setLong(3, durationMs);
            ps.setArray(4, con.createArrayOf("text", result.lakeKeys().toArray()));
            ps.setLong(5, runId);
            ps.setString(6, task);
            ps.setString(7, lease.id());
            return ps;
        });
    }

    /**
     * In the transaction of {@code c} (the one that commits the host task's load): records the host
     * task and the later tasks it did in the same pass as succeeded, atomically with that load, so
     * that a run stopped right after the commit resumes after them, never before. The tasks done with
     * it ({@code folded}, in their order, each with {@code foldedResult}: they read and wrote the
     * same rows) start when the host started and end now; returns them with their durations.
     */
    public List<TaskResult.Folded> finishInPass(Connection c, long runId, String host, TaskResult hostResult,
                                                List<String> folded, TaskResult foldedResult) throws SQLException {
        String elapsed = "(extract(epoch FROM clock_timestamp() - %s) * 1000)::bigint";
        try (PreparedStatement ps = c.prepareStatement("UPDATE etl.task_runs SET status = 'SUCCEEDED', "
                + "finished_at = clock_timestamp(), duration_ms = " + elapsed.formatted("started_at") + ", rows_in = ?, "
                + "rows_out = ?, lake_keys = ?, error = NULL WHERE run_id = ? AND task = ?" + OWNED)) {
            ps.setObject(1, hostResult.rowsIn());
            ps.setObject(2, hostResult.rowsOut());
            ps.setArray(3, c.createArrayOf("text", hostResult.lakeKeys().toArray()));
            ps.setLong(4, runId);
            ps.setString(5, host);
            ps.setString(6, lease.id());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("Run " + runId + " has no task " + host + " of this instance to finish");
            }
        }
        List<TaskResult.Folded> recorded = new ArrayList<>();
        for (String task : folded) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.task_runs (task, run_id, status, started_at, "
                    + "finished_at, duration_ms, rows_in, rows_out, lake_keys) SELECT ?, h.run_id, 'SUCCEEDED', h.started_at, "
                    + "clock_timestamp(), " + elapsed.formatted("h.started_at") + ", ?, ?, ? FROM etl.task_runs h "
                    + "WHERE h.run_id = ? AND h.task = ? "
                    + "ON CONFLICT (run_id, task) DO UPDATE SET status = 'SUCCEEDED', attempts = etl.task_runs.attempts + 1, "
                    + "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, "
                    + "rows_in = EXCLUDED.rows_in, rows_out = EXCLUDED.rows_out, lake_keys = EXCLUDED.lake_keys, error = NULL "
                    + "RETURNING duration_ms")) {
                ps.setString(1, task);
                ps.setObject(2, foldedResult.rowsIn());
                ps.setObject(3, foldedResult.rowsOut());
                ps.setArray(4, c.createArrayOf("text", foldedResult.lakeKeys().toArray()));
                ps.setLong(5, runId);
                ps.setString(6, host);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("Run " + runId + " has no task " + host + " to record " + task + " with");
                    }
                    recorded.add(new TaskResult.Folded(task, rs.getLong(1), foldedResult));
                }
            }
        }
        return recorded;
    }

    /** A failed attempt that will be tried again: one more attempt, and the error that caused it. */
    public void retrying(long runId, String task, String error) {
        jdbc.update("UPDATE etl.task_runs SET attempts = attempts + 1, error = ? WHERE run_id = ? AND task = ?" + OWNED,
                "retrying after: " + error, runId, task, lease.id());
    }

    /** Ends the run's tasks still marked RUNNING (their end was not seen: the service was stopping). */
    public void closeOpenTasks(long runId, RunStatus status, String note) {
        jdbc.update("UPDATE etl.task_runs SET status = ?, finished_at = now(), error = ? WHERE run_id = ? AND status = 'RUNNING'",
                status.name(), note, runId);
    }

    public void failTask(long runId, String task, String error, long durationMs) {
        jdbc.update("UPDATE etl.task_runs SET status = 'FAILED', finished_at = now(), duration_ms = ?, error = ? "
                + "WHERE run_id = ? AND task = ?" + OWNED, durationMs, error, runId, task, lease.id());
    }

    /** The run with its tasks (in the order they started) and its failed expectations. */
    public Optional<RunRecord> find(long runId) {
        List<RunRecord> runs = jdbc.query("SELECT " + RUN_COLUMNS + " FROM etl.pipeline_runs WHERE run_id = ?",
                (rs, n) -> run(rs), runId);
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        List<RunRecord.Task> tasks = jdbc.query("SELECT task, status, attempts, started_at, finished_at, rows_in, "
                + "rows_out, duration_ms, lake_keys, error FROM etl.task_runs WHERE run_id = ? ORDER BY started_at, finished_at NULLS LAST, task",
                (rs, n) -> new RunRecord.Task(rs.getString("task"), RunStatus.valueOf(rs.getString("status")),
                        rs.getInt("attempts"), instant(rs, "started_at"), instant(rs, "finished_at"),
                        (Long) rs.getObject("rows_in"), (Long) rs.getObject("rows_out"),
                        (Long) rs.getObject("duration_ms"), strings(rs.getArray("lake_keys")), rs.getString("error")),
                runId);
        return Optional.of(runs.get(0).withDetails(tasks, qualityResults.failed(runId)));
    }

    /** The latest run of the pipeline, without details. */
    public Optional<RunRecord> latest(String pipeline) {
        return jdbc.query("SELECT " + RUN_COLUMNS + " FROM etl.pipeline_runs WHERE pipeline = ? "
                + "ORDER BY run_id DESC LIMIT 1", (rs, n) -> run(rs), pipeline).stream().findFirst();
    }

    /** The pipeline's latest runs, newest first, without details. */
    public List<RunRecord> recent(String pipeline, int count) {
        return jdbc.query("SELECT " + RUN_COLUMNS + " FROM etl.pipeline_runs WHERE pipeline = ? "
                + "ORDER BY run_id DESC LIMIT ?", (rs, n) -> run(rs), pipeline, count);
    }

    private static RunRecord run(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getLong("run_id"), rs.getString("pipeline"),
                rs.getObject("logical_date", LocalDate.class), RunStatus.valueOf(rs.getString("status")),
                rs.getString("triggered_by"), instant(rs, "queued_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("error"), rs.getString("owner"), rs.getInt("recoveries"),
                rs.getBoolean("force"), rs.getString("version"), List.of(), List.of());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
