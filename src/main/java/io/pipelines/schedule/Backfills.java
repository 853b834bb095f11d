package io.pipelines.schedule;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.RunEnded;
import io.pipelines.run.RunLauncher;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunStatus;
import io.pipelines.util.Repeating;
import jakarta.annotation.PreDestroy;

/**
 * Backfills with a limit of runs at once (etl.backfills): their dates are queued oldest first, at most max_active
 * of their runs queued or running at a time, and none while a scheduled or manual run of the pipeline (triggered by
 * the schedule, the API or JMX) waits QUEUED on a live instance: it goes first. Any instance feeds them: when a run ends here and every
 * pipelines.runs.backfill-feed-interval, one instance at a time per backfill (a row lock). A cancelled backfill
 * queues nothing more; its runs already queued or running finish.
 */
@Component
public class Backfills implements RunEnded {

    private static final Logger log = LoggerFactory.getLogger(Backfills.class);
    /** The runs of a backfill are triggered by "backfill <id>". */
    static final String TRIGGER = "backfill ";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final RunLedger ledger;
    private final RunLauncher launcher;
    private final Duration interval;
    private final Duration lease;
    private ScheduledExecutorService feeder;

    public Backfills(JdbcTemplate jdbc, TransactionTemplate tx, RunLedger ledger, RunLauncher launcher,
                     PipelinesProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.ledger = ledger;
        this.launcher = launcher;
        this.interval = properties.getRuns().getBackfillFeedInterval();
        this.lease = properties.getCluster().getLease();
    }

    /** A backfill recorded here, with its dates' counts by state. */
    public record Backfill(long id, String pipeline, LocalDate from, LocalDate to, String mode, int maxActive,
                           String status, String requestedBy, Map<String, Long> dates, List<Long> runIds) {
    }

    /** A run queued by a feed: handed to its route once the feed's transaction committed. */
    private record Queued(String pipeline, long runId, LocalDate date) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        feeder = Repeating.every("backfills", interval, this::feedAll, e -> log.warn("Backfills not fed: {}", e.getMessage()));
    }

    @PreDestroy
    void stop() {
        if (feeder != null) {
            feeder.shutdownNow();
        }
    }

    /** Records a backfill of these dates (oldest first) and queues its first runs; answers it. */
    public Backfill start(String pipeline, LocalDate from, LocalDate to, String mode, boolean force, int maxActive,
                          List<LocalDate> dates, String requestedBy) {
        long id = tx.execute(status -> {
            long backfill = jdbc.queryForObject("INSERT INTO etl.backfills (pipeline, from_date, to_date, mode, force, "
                    + "max_active, status, requested_by) VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?) RETURNING backfill_id",
                    Long.class, pipeline, from, to, mode, force, maxActive, requestedBy);
            jdbc.batchUpdate("INSERT INTO etl.backfill_dates (backfill_id, logical_date, state) VALUES (?, ?, 'PENDING')",
                    dates.stream().sorted().map(d -> new Object[] {backfill, d}).toList());
            return backfill;
        });
        log.info("{}: backfill {} of {} date(s) from {} to {} ({}), at most {} run(s) at once", pipeline, id, dates.size(),
                from, to, mode, maxActive);
        feed(id);
        return find(id).orElseThrow();
    }

    /** Stops a running backfill: its pending dates are cancelled. Answers it, or empty when there is none of that id. */
    public java.util.Optional<Backfill> cancel(long id) {
        int cancelled = tx.execute(status -> {
            if (jdbc.update("UPDATE etl.backfills SET status = 'CANCELLED', finished_at = now() WHERE backfill_id = ? "
                    + "AND status = 'RUNNING'", id) == 0) {
                return -1;
            }
            return jdbc.update("UPDATE etl.backfill_dates SET state = 'CANCELLED' WHERE backfill_id = ? AND state = 'PENDING'", id);
        });
        if (cancelled >= 0) {
            log.info("Backfill {} cancelled: {} date(s) not queued", id, cancelled);
        }
        return find(id);
    }

    public java.util.Optional<Backfill> find(long id) {
        return list(null, id, 1).stream().findFirst();
    }

    /** The backfills of a pipeline (all when null), newest first. */
    public List<Backfill> list(String pipeline, Long id, int limit) {
        List<Backfill> found = jdbc.query("SELECT * FROM etl.backfills WHERE (?::text IS NULL OR pipeline = ?) AND "
                + "(?::bigint IS NULL OR backfill_id = ?) ORDER BY backfill_id DESC LIMIT ?", (rs, n) -> new Backfill(
                        rs.getLong("backfill_id"), rs.getString("pipeline"), rs.getDate("from_date").toLocalDate(),
                        rs.getDate("to_date").toLocalDate(), rs.getString("mode"), rs.getInt("max_active"),
                        rs.getString("status"), rs.getString("requested_by"), new LinkedHashMap<>(), new ArrayList<>()),
                pipeline, pipeline, id, id, limit);
        for (Backfill backfill : found) {
            jdbc.query("SELECT state, count(*) FROM etl.backfill_dates WHERE backfill_id = ? GROUP BY state ORDER BY state",
                    r -> {
                        backfill.dates().put(r.getString(1), r.getLong(2));
                    }, backfill.id());
            backfill.runIds().addAll(jdbc.queryForList("SELECT run_id FROM etl.backfill_dates WHERE backfill_id = ? "
                    + "AND run_id IS NOT NULL ORDER BY logical_date", Long.class, backfill.id()));
        }
        return found;
    }

    @Override
    public void ended(String pipeline, long runId, RunStatus status) {
        feedQuietly();
    }

    private void feedQuietly() {
        try {
            feedAll();
        } catch (RuntimeException e) {
            log.warn("Backfills not fed: {}", e.getMessage());
        }
    }

    /** Feeds every running backfill (the tests call it to move on without waiting for the interval). */
    public void feedAll() {
        for (long id : jdbc.queryForList("SELECT backfill_id FROM etl.backfills WHERE status = 'RUNNING' ORDER BY backfill_id",
                Long.class)) {
            feed(id);
        }
    }

    /** Queues what the backfill may queue now; the runs go to their routes after the commit. */
    void feed(long id) {
        List<Queued> queued = tx.execute(status -> {
            List<Map<String, Object>> locked = jdbc.queryForList("SELECT pipeline, max_active, force FROM etl.backfills "
                    + "WHERE backfill_id = ? AND status = 'RUNNING' FOR UPDATE SKIP LOCKED", id);
            if (locked.isEmpty()) {
                return List.<Queued>of(); // done, cancelled, or another instance feeds it now
            }
            String pipeline = (String) locked.get(0).get("pipeline");
            int maxActive = ((Number) locked.get(0).get("max_active")).intValue();
            boolean force = (Boolean) locked.get(0).get("force");
            long active = jdbc.queryForObject("SELECT count(*) FROM etl.backfill_dates d JOIN etl.pipeline_runs r "
                    + "USING (run_id) WHERE d.backfill_id = ? AND r.status IN ('QUEUED', 'RUNNING')", Long.class, id);
            // Scheduled and manual runs waiting on a live instance (a dead one's are taken over, and must not hold the
            // backfill meanwhile).
            long othersWaiting = jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs r JOIN etl.instances i "
                    + "ON i.instance_id = r.owner WHERE r.pipeline = ? AND r.status = 'QUEUED' AND (r.triggered_by LIKE "
                    + "'schedule%' OR r.triggered_by IN ('api', 'jmx')) AND i.heartbeat_at > now() - ?::interval", Long.class,
                    pipeline, lease.toMillis() + " milliseconds");
            List<LocalDate> pending = jdbc.queryForList("SELECT logical_date FROM etl.backfill_dates WHERE backfill_id = ? "
                    + "AND state = 'PENDING' ORDER BY logical_date", LocalDate.class, id);
            if (pending.isEmpty() && active == 0) {
                jdbc.update("UPDATE etl.backfills SET status = 'DONE', finished_at = now() WHERE backfill_id = ?", id);
                log.info("{}: backfill {} done", pipeline, id);
                return List.<Queued>of();
            }
            List<Queued> now = new ArrayList<>();
            for (LocalDate date : pending) {
                if (othersWaiting > 0 || active + now.size() >= maxActive) {
                    break; // a scheduled or manual run waits: it goes first; or the backfill has its runs at once
                }
                if (ledger.activeRun(pipeline, date).isPresent()) {
                    jdbc.update("UPDATE etl.backfill_dates SET state = 'SKIPPED' WHERE backfill_id = ? AND logical_date = ?",
                            id, date);
                    continue;
                }
                long runId = ledger.enqueue(pipeline, List.of(date), TRIGGER + id, force).get(0);
                jdbc.update("UPDATE etl.backfill_dates SET state = 'QUEUED', run_id = ? WHERE backfill_id = ? "
                        + "AND logical_date = ?", runId, id, date);
                now.add(new Queued(pipeline, runId, date));
            }
            return now;
        });
        for (Queued run : queued) {
            launcher.dispatchQueued(run.pipeline(), run.runId(), run.date());
            log.info("{} run {} for {} queued (backfill {})", run.pipeline(), run.runId(), run.date(), id);
        }
    }
}
