package io.pipelines.api;

import java.sql.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineVersions;
import io.pipelines.run.RunLedger;
import io.pipelines.run.Step;
import io.pipelines.run.TaskLogs;

/**
 * The history of runs for the console (routes/rest-api.camel.yaml): a pipeline's runs by tasks, a page at a
 * time, newest first (GET /api/pipelines/{name}/grid), and a run's log lines (GET /api/runs/{runId}/logs).
 */
@Component("runHistoryApi")
public class RunHistoryApi {

    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 200;

    private final PipelineCatalog catalog;
    private final RunLedger ledger;
    private final TaskLogs logs;
    private final JdbcTemplate jdbc;
    private final PipelineVersions versions;

    public RunHistoryApi(PipelineCatalog catalog, RunLedger ledger, TaskLogs logs, JdbcTemplate jdbc,
                         PipelineVersions versions) {
        this.catalog = catalog;
        this.versions = versions;
        this.ledger = ledger;
        this.logs = logs;
        this.jdbc = jdbc;
    }

    /**
     * One page of a pipeline's runs (page 1 the newest; size 25, at most 200; status to keep one status only),
     * each with its tasks' status, duration and attempts, and the pipeline's tasks in their order.
     */
    public Map<String, Object> grid(String name, String page, String size, String status) {
        if (!catalog.exists(name)) {
            throw ApiProblem.notFound("No batch or source pipeline named " + name);
        }
        int pageNumber = whole("page", page, 1, 1, Integer.MAX_VALUE);
        int pageSize = whole("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        if (status != null && !Set.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED").contains(status)) {
            throw ApiProblem.badRequest("status", "status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED");
        }
        long total = jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = ? "
                + "AND (?::text IS NULL OR status = ?)", Long.class, name, status, status);
        Map<Long, Map<String, Object>> runs = new LinkedHashMap<>();
        jdbc.query("SELECT run_id, logical_date, status, triggered_by, queued_at, started_at, finished_at, error, version "
                + "FROM etl.pipeline_runs WHERE pipeline = ? AND (?::text IS NULL OR status = ?) "
                + "ORDER BY run_id DESC LIMIT ? OFFSET ?", rs -> {
                    Map<String, Object> run = new LinkedHashMap<>();
                    long runId = rs.getLong("run_id");
                    run.put("runId", runId);
                    run.put("logicalDate", rs.getDate("logical_date").toLocalDate());
                    run.put("status", rs.getString("status"));
                    run.put("triggeredBy", rs.getString("triggered_by"));
                    run.put("queuedAt", instant(rs.getTimestamp("queued_at")));
                    run.put("startedAt", instant(rs.getTimestamp("started_at")));
                    run.put("finishedAt", instant(rs.getTimestamp("finished_at")));
                    run.put("error", rs.getString("error"));
                    run.put("version", rs.getString("version"));
                    run.put("tasks", new LinkedHashMap<String, Object>());
                    runs.put(runId, run);
                }, name, status, status, pageSize, (long) (pageNumber - 1) * pageSize);
        Set<String> tasks = new LinkedHashSet<>(catalog.batch(name).steps().stream().map(Step::task).toList());
        if (!runs.isEmpty()) {
            jdbc.query(con -> {
                var statement = con.prepareStatement("SELECT run_id, task, status, attempts, duration_ms, started_at "
                        + "FROM etl.task_runs WHERE run_id = ANY (?) ORDER BY started_at");
                Array ids = con.createArrayOf("bigint", runs.keySet().toArray());
                statement.setArray(1, ids);
                return statement;
            }, rs -> {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("status", rs.getString("status"));
                task.put("attempts", rs.getInt("attempts"));
                long ms = rs.getLong("duration_ms");
                task.put("durationMs", rs.wasNull() ? null : ms);
                tasks.add(rs.getString("task"));
                @SuppressWarnings("unchecked")
                Map<String, Object> of = (Map<String, Object>) runs.get(rs.getLong("run_id")).get("tasks");
                of.put(rs.getString("task"), task);
            });
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("pipeline", name);
        answer.put("tasks", tasks);
        answer.put("page", pageNumber);
        answer.put("size", pageSize);
        answer.put("total", total);
        answer.put("runs", new ArrayList<>(runs.values()));
        return answer;
    }

    /** GET /api/pipelines/{name}/versions: the versions of its definition, newest first, with their runs and dates. */
    public Map<String, Object> versions(String name) {
        if (!catalog.exists(name)) {
            throw ApiProblem.notFound("No batch or source pipeline named " + name);
        }
        return Map.of("pipeline", name, "current", versions.of(name), "versions", versions.list(name));
    }

    /** GET /api/pipelines/{name}/versions/diff?from=&to=: what changed from one version to the other. */
    public Map<String, Object> diff(String name, String from, String to) {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw ApiProblem.badRequest(from == null || from.isBlank() ? "from" : "to", "from and to are required: two "
                    + "versions of GET /api/pipelines/" + name + "/versions");
        }
        List<PipelineVersions.Change> changes = versions.diff(name, from, to);
        if (changes == null) {
            throw ApiProblem.notFound("Pipeline " + name + " has no version " + from + " or no version " + to);
        }
        return Map.of("pipeline", name, "from", from, "to", to, "changes", changes);
    }

    /** A run's log lines in order: all, or one task's (task= for the run's own lines), at most limit (100, up to 1000). */
    public Map<String, Object> logs(String runId, String task, String limit) {
        long id = ControlApi.runNumber(runId);
        int lines = ListParameters.limit(limit);
        var run = ledger.find(id).orElseThrow(() -> ApiProblem.notFound("No run with id " + id));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", id);
        answer.put("pipeline", run.pipeline());
        answer.put("status", run.status());
        answer.put("lines", logs.lines(id, task, lines));
        return answer;
    }

    private static java.time.Instant instant(java.sql.Timestamp at) {
        return at == null ? null : at.toInstant();
    }

    private static int whole(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiProblem.badRequest(name, name + " must be a whole number from " + min + " to " + max);
    }
}
