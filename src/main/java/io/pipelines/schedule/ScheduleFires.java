package io.pipelines.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.run.RunAlreadyActiveException;
import io.pipelines.run.RunLedger;

/**
 * Records each fire of a schedule once (etl.schedule_fires, keyed by pipeline and scheduled time)
 * together with what it did, in one transaction with the run it queues: a scheduled time handled
 * already (a second fire of it, on this instance or another) queues nothing.
 */
@Component
public class ScheduleFires {

    /** What a fire did: queued run {@code runId}, or skipped because {@code runId} is in progress, or nothing (duplicate). */
    public record Fire(Outcome outcome, Long runId, String handledBy) {
    }

    public enum Outcome { QUEUED, SKIPPED, DUPLICATE, LOADED, NOT_RUN }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final RunLedger ledger;
    private final InstanceLease lease;

    public ScheduleFires(JdbcTemplate jdbc, TransactionTemplate tx, RunLedger ledger, InstanceLease lease) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.ledger = ledger;
        this.lease = lease;
    }

    /** Throws {@link RunAlreadyActiveException} (and records nothing) when a run of the date was queued meanwhile. */
    public Fire record(String pipeline, Instant scheduledAt, LocalDate date) {
        return record(pipeline, scheduledAt, date, false);
    }

    /** A missed fire caught up (catchup all): as {@link #record}, but a date loaded already queues nothing (LOADED). */
    public Fire recordCaughtUp(String pipeline, Instant scheduledAt, LocalDate date) {
        return record(pipeline, scheduledAt, date, true);
    }

    /** A fire that runs nothing (catchup none, a missed fire): recorded so that it is handled once (NOT_RUN, or DUPLICATE). */
    public Fire recordNotRun(String pipeline, Instant scheduledAt, LocalDate date) {
        int inserted = jdbc.update("INSERT INTO etl.schedule_fires (pipeline, scheduled_at, instance_id, logical_date, "
                + "outcome) VALUES (?, ?, ?, ?, 'not_run') ON CONFLICT (pipeline, scheduled_at) DO NOTHING",
                pipeline, Timestamp.from(scheduledAt), lease.id(), date);
        return new Fire(inserted == 0 ? Outcome.DUPLICATE : Outcome.NOT_RUN, null, lease.id());
    }

    /** The latest slot of the pipeline's schedule handled before this one, if any. */
    public Optional<Instant> previousSlot(String pipeline, Instant before) {
        return Optional.ofNullable(jdbc.queryForObject("SELECT max(scheduled_at) FROM etl.schedule_fires WHERE pipeline = ? "
                + "AND scheduled_at < ?", Timestamp.class, pipeline, Timestamp.from(before))).map(Timestamp::toInstant);
    }

    private Fire record(String pipeline, Instant scheduledAt, LocalDate date, boolean skipLoaded) {
        try {
            return recordOnce(pipeline, scheduledAt, date, skipLoaded);
        } catch (RuntimeException e) {
            // A run of the date queued meanwhile (a manual trigger racing the fire) aborts the transaction.
            Optional<Long> active = ledger.activeRun(pipeline, date);
            if (active.isPresent()) {
                throw new RunAlreadyActiveException(pipeline, date, active.get());
            }
            throw e;
        }
    }

    private Fire recordOnce(String pipeline, Instant scheduledAt, LocalDate date, boolean skipLoaded) {
        Timestamp at = Timestamp.from(scheduledAt);
        return tx.execute(status -> {
            int inserted = jdbc.update("INSERT INTO etl.schedule_fires (pipeline, scheduled_at, instance_id, logical_date, "
                    + "outcome) VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (pipeline, scheduled_at) DO NOTHING",
                    pipeline, at, lease.id(), date);
            if (inserted == 0) {
                List<String> by = jdbc.queryForList("SELECT instance_id FROM etl.schedule_fires WHERE pipeline = ? "
                        + "AND scheduled_at = ?", String.class, pipeline, at);
                return new Fire(Outcome.DUPLICATE, null, by.isEmpty() ? null : by.get(0));
            }
            Optional<Long> active = ledger.activeRun(pipeline, date);
            boolean loaded = skipLoaded && Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM "
                    + "etl.pipeline_runs WHERE pipeline = ? AND logical_date = ? AND status = 'SUCCEEDED')", Boolean.class,
                    pipeline, date));
            Fire fire = active.map(id -> new Fire(Outcome.SKIPPED, id, lease.id()))
                    .orElseGet(() -> loaded ? new Fire(Outcome.LOADED, null, lease.id()) : new Fire(Outcome.QUEUED,
                            ledger.enqueue(pipeline, List.of(date), skipLoaded ? "schedule catch-up" : "schedule").get(0),
                            lease.id()));
            jdbc.update("UPDATE etl.schedule_fires SET outcome = ?, run_id = ? WHERE pipeline = ? AND scheduled_at = ?",
                    fire.outcome().name().toLowerCase(java.util.Locale.ROOT), fire.runId(), pipeline, at);
            return fire;
        });
    }
}
