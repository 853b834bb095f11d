package io.pipelines.schedule;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.deadletter.Alerts;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.DeadlineRules;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.util.Repeating;
import jakarta.annotation.PreDestroy;

/**
 * Finds deadline misses (the pipeline-runs parameters deadline and taskLimits) every
 * pipelines.runs.deadline-check-interval on each instance: a date of a pipeline not loaded by its due time (its
 * run never queued, queued, running or failed), and a task running longer than its limit. Each miss is recorded
 * once across the instances in etl.deadline_misses (a unique index: the instance whose insert goes in alerts),
 * logged as an ALERT, sent through the alert channels, counted in pipeline_deadline_misses_total{pipeline,kind};
 * a date loaded after its miss is reported once too (pipeline_deadline_late_successes_total). Dates are watched
 * from the earliest logical date the pipeline has run for, back to pipelines.runs.deadline-lookback.
 */
@Component
public class Deadlines {

    private static final Logger log = LoggerFactory.getLogger(Deadlines.class);
    /** Successful runs of a task its 95th percentile is taken over, and the fewest that give one. */
    static final int P95_RUNS = 20;
    static final int P95_MIN_RUNS = 5;
    private static final int MAX_ERROR = 300;

    private final PipelineCatalog catalog;
    private final PipelineSchedules schedules;
    private final JdbcTemplate jdbc;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final Duration lookback;
    private ScheduledExecutorService checker;

    public Deadlines(PipelineCatalog catalog, PipelineSchedules schedules, JdbcTemplate jdbc, Alerts alerts,
                     MeterRegistry registry, Clock clock, PipelinesProperties properties) {
        this.catalog = catalog;
        this.schedules = schedules;
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.registry = registry;
        this.clock = clock;
        this.interval = properties.getRuns().getDeadlineCheckInterval();
        this.lookback = properties.getRuns().getDeadlineLookback();
    }

    /** A miss as recorded. */
    public record Miss(long id, String pipeline, LocalDate logicalDate, String task, Long runId, Instant dueAt,
                       Instant detectedAt, String blocking, Instant metAt) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (interval.isZero() || interval.isNegative()) {
            log.info("Deadlines are not checked here (pipelines.runs.deadline-check-interval is {})", interval);
            return;
        }
        checker = Repeating.every("deadlines", interval, () -> check(clock.instant()),
                e -> log.warn("Deadlines not checked: {}", e.getMessage()));
    }

    @PreDestroy
    void stop() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    /** Looks for misses and late successes as of {@code now}; answers the misses this call recorded. */
    public synchronized List<Miss> check(Instant now) {
        List<Miss> found = new ArrayList<>();
        for (BatchPipeline pipeline : catalog.all()) {
            DeadlineRules rules = pipeline.deadlines();
            if (rules.date() != null) {
                found.addAll(checkDates(pipeline, now));
                reportLateSuccesses(pipeline);
            }
            if (!rules.tasks().isEmpty()) {
                found.addAll(checkTasks(pipeline, now));
            }
        }
        return found;
    }

    /** The latest misses of a pipeline, newest first (the console, the pipeline listing). */
    public List<Miss> recent(String pipeline, int limit) {
        return jdbc.query("SELECT * FROM etl.deadline_misses WHERE pipeline = ? ORDER BY detected_at DESC, id DESC LIMIT ?",
                (rs, n) -> miss(rs), pipeline, limit);
    }

    /** Every date miss not loaded since, newest first. */
    public List<Miss> open() {
        return jdbc.query("SELECT * FROM etl.deadline_misses WHERE task = '' AND met_at IS NULL ORDER BY detected_at DESC, id DESC",
                (rs, n) -> miss(rs));
    }

    private List<Miss> checkDates(BatchPipeline p, Instant now) {
        LocalDate first = jdbc.queryForObject("SELECT min(logical_date) FROM etl.pipeline_runs WHERE pipeline = ?",
                LocalDate.class, p.name());
        if (first == null) {
            return List.of(); // never run: nothing is expected of it yet
        }
        Duration after = p.deadlines().date();
        LocalDate last = now.minus(after).atZone(p.zone()).toLocalDate();
        LocalDate from = now.minus(lookback).minus(after).atZone(p.zone()).toLocalDate();
        if (from.isBefore(first)) {
            from = first;
        }
        List<Miss> found = new ArrayList<>();
        for (LocalDate date = from; !date.isAfter(last); date = date.plusDays(1)) {
            Instant due = p.deadlines().due(date, p.zone()).orElseThrow();
            if (due.isAfter(now) || !due.isAfter(now.minus(lookback)) || !ScheduleSlots.runs(p.cron(), p.zone(), date)) {
                continue; // not due, due too long ago, or a date the schedule does not run (a weekday-only cron's Sunday)
            }
            Optional<String> blocking = blocking(p, date, due, now);
            if (blocking.isPresent()) {
                record(p.name(), date, "", latestRun(p.name(), date), due, now, blocking.get()).ifPresent(found::add);
            }
        }
        return found;
    }

    /** What keeps the date from being loaded by its due time; empty when a run succeeded by then. */
    private Optional<String> blocking(BatchPipeline p, LocalDate date, Instant due, Instant now) {
        List<Map<String, Object>> runs = jdbc.queryForList("SELECT run_id, status, queued_at, finished_at, error "
                + "FROM etl.pipeline_runs WHERE pipeline = ? AND logical_date = ? ORDER BY run_id DESC", p.name(), date);
        for (Map<String, Object> run : runs) {
            if ("SUCCEEDED".equals(run.get("status")) && !((Timestamp) run.get("finished_at")).toInstant().isAfter(due)) {
                return Optional.empty();
            }
        }
        if (runs.isEmpty()) {
            return Optional.of("not queued" + ("suspended".equals(schedules.state(p.name()))
                    ? " (its schedule is suspended)" : ""));
        }
        Map<String, Object> latest = runs.get(0);
        long runId = ((Number) latest.get("run_id")).longValue();
        return Optional.of(switch ((String) latest.get("status")) {
            case "QUEUED" -> "queued since " + ((Timestamp) latest.get("queued_at")).toInstant() + " (run " + runId + ")";
            case "RUNNING" -> running(runId, now);
            case "FAILED" -> failed(runId, (String) latest.get("error"));
            default -> "loaded late, at " + ((Timestamp) latest.get("finished_at")).toInstant() + " (run " + runId + ")";
        });
    }

    private String running(long runId, Instant now) {
        return jdbc.query("SELECT task, started_at FROM etl.task_runs WHERE run_id = ? AND status = 'RUNNING' "
                + "ORDER BY started_at DESC LIMIT 1", rs -> {
                    if (!rs.next()) {
                        return "running, between tasks (run " + runId + ")";
                    }
                    long minutes = Duration.between(rs.getTimestamp("started_at").toInstant(), now).toMinutes();
                    return "running task " + rs.getString("task") + " for " + minutes + " minute(s) (run " + runId + ")";
                }, runId);
    }

    private String failed(long runId, String error) {
        String task = jdbc.query("SELECT task FROM etl.task_runs WHERE run_id = ? AND status = 'FAILED' "
                + "ORDER BY started_at DESC LIMIT 1", rs -> rs.next() ? rs.getString(1) : null, runId);
        String why = error == null ? "" : ": " + (error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR) + "...");
        return "failed" + (task == null ? "" : " at task " + task) + " (run " + runId + ")" + why;
    }

    private Long latestRun(String pipeline, LocalDate date) {
        return jdbc.query("SELECT max(run_id) FROM etl.pipeline_runs WHERE pipeline = ? AND logical_date = ?",
                rs -> rs.next() ? (Long) rs.getObject(1) : null, pipeline, date);
    }

    private List<Miss> checkTasks(BatchPipeline p, Instant now) {
        List<Miss> found = new ArrayList<>();
        jdbc.queryForList("SELECT t.run_id, t.task, t.started_at, r.logical_date FROM etl.task_runs t "
                + "JOIN etl.pipeline_runs r USING (run_id) WHERE r.pipeline = ? AND r.status = 'RUNNING' "
                + "AND t.status = 'RUNNING'", p.name()).forEach(running -> {
                    String task = (String) running.get("task");
                    DeadlineRules.TaskLimit rule = p.deadlines().tasks().get(task);
                    if (rule == null) {
                        return;
                    }
                    Optional<Duration> limit = limit(p.name(), task, rule);
                    Instant started = ((Timestamp) running.get("started_at")).toInstant();
                    if (limit.isEmpty() || !started.plus(limit.get()).isBefore(now)) {
                        return;
                    }
                    long runId = ((Number) running.get("run_id")).longValue();
                    String blocking = "task " + task + " running for " + Duration.between(started, now).toMinutes()
                            + " minute(s) (run " + runId + "), longer than its limit of " + limit.get().toSeconds()
                            + " s (" + rule.describe() + ")";
                    record(p.name(), ((java.sql.Date) running.get("logical_date")).toLocalDate(), task, runId,
                            started.plus(limit.get()), now, blocking).ifPresent(found::add);
                });
        return found;
    }

    /** A task's limit: fixed, or its multiple of the task's 95th percentile (none until it has enough runs). */
    public Optional<Duration> limit(String pipeline, String task, DeadlineRules.TaskLimit rule) {
        if (rule.fixed() != null) {
            return Optional.of(rule.fixed());
        }
        Map<String, Object> p95 = jdbc.queryForMap("SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95, "
                + "count(*) AS runs FROM (SELECT t.duration_ms FROM etl.task_runs t JOIN etl.pipeline_runs r USING (run_id) "
                + "WHERE r.pipeline = ? AND t.task = ? AND t.status = 'SUCCEEDED' AND t.duration_ms IS NOT NULL "
                + "ORDER BY t.finished_at DESC LIMIT " + P95_RUNS + ") recent", pipeline, task);
        if (((Number) p95.get("runs")).intValue() < P95_MIN_RUNS) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.round(((Number) p95.get("p95")).doubleValue() * rule.p95Multiple())));
    }

    /** Records the miss unless another check (here or on another instance) did; alerts when this one did. */
    private Optional<Miss> record(String pipeline, LocalDate date, String task, Long runId, Instant due, Instant now,
                                  String blocking) {
        String conflict = task.isEmpty() ? "(pipeline, logical_date) WHERE task = ''" : "(run_id, task) WHERE task <> ''";
        List<Miss> inserted = jdbc.query("INSERT INTO etl.deadline_misses (pipeline, logical_date, task, run_id, due_at, "
                + "detected_at, blocking) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT " + conflict + " DO NOTHING RETURNING *",
                (rs, n) -> miss(rs), pipeline, date, task, runId, Timestamp.from(due), Timestamp.from(now), blocking);
        if (inserted.isEmpty()) {
            return Optional.empty();
        }
        Miss miss = inserted.get(0);
        String what = task.isEmpty() ? pipeline + " " + date + ": not loaded by its deadline " + due
                : pipeline + " " + date + ": " + blocking;
        log.error("ALERT {}{}", what, task.isEmpty() ? ": " + blocking : "");
        Counter.builder("pipeline.deadline.misses").description("Deadline misses: dates not loaded in time, tasks over their limit")
                .tag("pipeline", pipeline).tag("kind", task.isEmpty() ? "date" : "task").register(registry).increment();
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("type", task.isEmpty() ? "deadline_missed" : "task_over_limit");
        alert.put("pipeline", pipeline);
        alert.put("logicalDate", date.toString());
        if (!task.isEmpty()) {
            alert.put("task", task);
        }
        alert.put("dueAt", due.toString());
        alert.put("blocking", blocking);
        if (runId != null) {
            alert.put("runId", runId);
            alert.put("run", alerts.runLink(runId));
        }
        alert.put("message", what + (task.isEmpty() ? ": " + blocking : ""));
        alerts.send(pipeline, alert);
        return Optional.of(miss);
    }

    /** A date missed and loaded since: reported once (the first instance to mark it). */
    private void reportLateSuccesses(BatchPipeline p) {
        List<Map<String, Object>> loaded = jdbc.queryForList("SELECT m.id, m.logical_date, m.due_at, r.run_id, r.finished_at "
                + "FROM etl.deadline_misses m JOIN LATERAL (SELECT run_id, finished_at FROM etl.pipeline_runs WHERE "
                + "pipeline = m.pipeline AND logical_date = m.logical_date AND status = 'SUCCEEDED' ORDER BY finished_at "
                + "LIMIT 1) r ON true WHERE m.pipeline = ? AND m.task = '' AND m.met_at IS NULL", p.name());
        for (Map<String, Object> miss : loaded) {
            long id = ((Number) miss.get("id")).longValue();
            long runId = ((Number) miss.get("run_id")).longValue();
            Timestamp finished = (Timestamp) miss.get("finished_at");
            if (jdbc.update("UPDATE etl.deadline_misses SET met_at = ?, met_run_id = ? WHERE id = ? AND met_at IS NULL",
                    finished, runId, id) == 1) {
                LocalDate date = ((java.sql.Date) miss.get("logical_date")).toLocalDate();
                long late = Duration.between(((Timestamp) miss.get("due_at")).toInstant(), finished.toInstant()).toMinutes();
                String message = p.name() + " " + date + ": loaded at " + finished.toInstant() + ", " + late
                        + " minute(s) after its deadline (run " + runId + ")";
                log.warn("ALERT {}", message);
                Counter.builder("pipeline.deadline.late.successes").description("Dates loaded after their deadline was missed")
                        .tag("pipeline", p.name()).register(registry).increment();
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put("type", "deadline_met_late");
                alert.put("pipeline", p.name());
                alert.put("logicalDate", date.toString());
                alert.put("runId", runId);
                alert.put("run", alerts.runLink(runId));
                alert.put("minutesLate", late);
                alert.put("message", message);
                alerts.send(p.name(), alert);
            }
        }
    }

    private static Miss miss(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp met = rs.getTimestamp("met_at");
        return new Miss(rs.getLong("id"), rs.getString("pipeline"), rs.getDate("logical_date").toLocalDate(),
                rs.getString("task"), (Long) rs.getObject("run_id"), rs.getTimestamp("due_at").toInstant(),
                rs.getTimestamp("detected_at").toInstant(), rs.getString("blocking"), met == null ? null : met.toInstant());
    }
}
