package io.pipelines.run;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunFence;

/**
 * Starts runs: records them QUEUED in the ledger, then hands each to its pipeline's route. Called
 * by the schedule routes, the REST API and JMX.
 */
@Component("runLauncher")
public class RunLauncher {

    private static final Logger log = LoggerFactory.getLogger(RunLauncher.class);

    private final PipelineCatalog catalog;
    private final RunLedger ledger;
    private final ProducerTemplate producer;
    private final RunFence fence;
    private final ScheduleFires fires;
    private final PipelineMetrics metrics;

    public RunLauncher(PipelineCatalog catalog, RunLedger ledger, ProducerTemplate producer, RunFence fence,
                       ScheduleFires fires, PipelineMetrics metrics) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.producer = producer;
        this.fence = fence;
        this.fires = fires;
        this.metrics = metrics;
    }

    /** One run for one logical date; returns its id. */
    public long launch(String pipeline, LocalDate date, String triggeredBy) {
        return launch(pipeline, date, triggeredBy, false);
    }

    /** One run for one logical date, forced or not (see RunHeaders.FORCE); returns its id. */
    public long launch(String pipeline, LocalDate date, String triggeredBy, boolean force) {
        return launchAll(pipeline, List.of(date), triggeredBy, force).get(0);
    }

    /** One run per date from {@code from} to {@code to}, both included, in date order. */
    public List<Long> backfill(String pipeline, LocalDate from, LocalDate to, String triggeredBy, boolean force) {
        return launchAll(pipeline, from.datesUntil(to.plusDays(1)).toList(), triggeredBy, force);
    }

    /** Queues a FAILED run again; its route skips the tasks it finished before. Returns the run as it was. */
    public RunRecord resume(long runId) {
        return resume(runId, false);
    }

    /** Queues a FAILED run again, forced from now on when {@code force}; returns the run as it was. */
    public RunRecord resume(long runId, boolean force) {
        RunRecord run = ledger.requeue(runId, force);
        try {
            send(catalog.entry(run.pipeline()), run.pipeline(), runId, run.logicalDate(), run.force() || force);
        } catch (RuntimeException e) {
            ledger.finish(runId, RunStatus.FAILED, "Could not be queued: " + e.getMessage());
            throw e;
        }
        log.info("{} run {} for {} queued again to resume ({})", run.pipeline(), runId, run.logicalDate(), run.error());
        return run;
    }

    /**
     * Whether the step a pipeline's route is about to call is a task the run already finished (a
     * resumed run, a run taken over): its route then skips it. The step is the kamelet endpoint the
     * route sends to (kamelet:<block>/<pipeline>.<task>); any other endpoint is not a task. Throws
     * when another instance has taken the run over meanwhile (this one lost its lease): nothing more
     * of it is done here.
     */
    public boolean finishedStep(Exchange exchange) {
        String task = PipelineRoutes.task(exchange.getMessage().getHeader(RunHeaders.PIPELINE, String.class),
                exchange.getProperty(Exchange.INTERCEPTED_ENDPOINT, String.class));
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        if (task == null || runId == null) {
            return false;
        }
        fence.check(runId);
        return ledger.taskSucceeded(runId, task);
    }

    /** Hands a run taken over from a dead instance to its route; the route skips the tasks it finished. */
    public void dispatchRecovered(RunLedger.Orphan run) {
        send(catalog.entry(run.pipeline()), run.pipeline(), run.runId(), run.logicalDate(), run.force());
    }

    /**
     * The run of a schedule's fire: the logical date is the day before the cron slot the fire
     * stands for (its scheduled time, or for a fire replayed late after a misfire, the latest slot
     * before it), in the pipeline's time zone. Each slot is handled once across all instances; a
     * date that already has a run in progress is skipped, with a warning.
     */
    public void launchScheduled(String pipeline, Date scheduledFireTime) {
        Instant slot = ScheduleSlots.slotAtOrBefore(catalog.cron(pipeline), catalog.zone(pipeline),
                scheduledFireTime.toInstant());
        LocalDate date = slot.atZone(catalog.zone(pipeline)).toLocalDate().minusDays(1);
        ScheduleFires.Fire fire;
        try {
            fire = fires.record(pipeline, slot, date);
        } catch (RunAlreadyActiveException e) {
            metrics.scheduleFired(pipeline, "skipped");
            log.warn("Scheduled run of {} for {} skipped: {}", pipeline, date, e.getMessage());
            return;
        }
        metrics.scheduleFired(pipeline, fire.outcome().name().toLowerCase(java.util.Locale.ROOT));
        switch (fire.outcome()) {
            case DUPLICATE -> log.warn("Schedule of {} fired again for {} ({}), already handled by instance {}: nothing queued",
                    pipeline, slot, date, fire.handledBy());
            case SKIPPED -> log.warn("Scheduled run of {} for {} skipped: run {} of that date is in progress", pipeline,
                    date, fire.runId());
            case QUEUED -> {
                try {
                    send(catalog.entry(pipeline), pipeline, fire.runId(), date, false);
                    log.info("{} run {} for {} queued (schedule, fire of {}{})", pipeline, fire.runId(), date, slot,
                            slot.equals(scheduledFireTime.toInstant()) ? "" : ", replayed at " + scheduledFireTime.toInstant());
                } catch (RuntimeException e) {
                    ledger.finish(fire.runId(), RunStatus.FAILED, "Could not be queued: " + e.getMessage());
                    throw e;
                }
            }
        }
    }

    private List<Long> launchAll(String pipeline, List<LocalDate> dates, String triggeredBy, boolean force) {
        Endpoint entry = catalog.entry(pipeline);
        List<Long> ids = ledger.enqueue(pipeline, dates, triggeredBy, force);
        for (int i = 0; i < ids.size(); i++) {
            long runId = ids.get(i);
            LocalDate date = dates.get(i);
            try {
                send(entry, pipeline, runId, date, force);
                log.info("{} run {} for {} queued ({}{})", pipeline, runId, date, triggeredBy, force ? ", forced" : "");
            } catch (RuntimeException e) {
                for (long notQueued : ids.subList(i, ids.size())) {
                    ledger.finish(notQueued, RunStatus.FAILED, "Could not be queued: " + e.getMessage());
                }
                throw e;
            }
        }
        return ids;
    }

    /** Hands a recorded run to its pipeline's route, with the headers that carry it. */
    private void send(Endpoint entry, String pipeline, long runId, LocalDate date, boolean force) {
        producer.sendBodyAndHeaders(entry, null, Map.of(
                RunHeaders.PIPELINE, pipeline, RunHeaders.RUN_ID, runId, RunHeaders.LOGICAL_DATE, date,
                RunHeaders.FORCE, force));
    }
}
