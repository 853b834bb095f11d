package io.pipelines.run;

import java.time.LocalDate;
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
 * by the REST API, JMX, run recovery and the schedules (io.pipelines.schedule.ScheduledRuns).
 */
@Component("runLauncher")
public class RunLauncher {

    private static final Logger log = LoggerFactory.getLogger(RunLauncher.class);

    private final PipelineCatalog catalog;
    private final RunLedger ledger;
    private final ProducerTemplate producer;
    private final RunFence fence;

    public RunLauncher(PipelineCatalog catalog, RunLedger ledger, ProducerTemplate producer, RunFence fence) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.producer = producer;
        this.fence = fence;
    }

    /** One run for one logical date; returns its id. */
    public long launch(String pipeline, LocalDate date, String triggeredBy) {
        return launch(pipeline, date, triggeredBy, false);
    }

    /** One run for one logical date, forced or not (see RunHeaders.FORCE); returns its id. */
    public long launch(String pipeline, LocalDate date, String triggeredBy, boolean force) {
        return launchAll(pipeline, List.of(date), triggeredBy, force).get(0);
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
     * Hands a run recorded QUEUED by someone else (a schedule's fire) to its route; when it cannot be
     * handed over, the run is recorded FAILED and the error thrown.
     */
    public void dispatchQueued(String pipeline, long runId, LocalDate date) {
        try {
            send(catalog.entry(pipeline), pipeline, runId, date, false);
        } catch (RuntimeException e) {
            notQueued(List.of(runId), e);
            throw e;
        }
    }

    /** One run per date, in the order given (a backfill of chosen dates). */
    public List<Long> launchAll(String pipeline, List<LocalDate> dates, String triggeredBy, boolean force) {
        Endpoint entry = catalog.entry(pipeline);
        List<Long> ids = ledger.enqueue(pipeline, dates, triggeredBy, force);
        for (int i = 0; i < ids.size(); i++) {
            long runId = ids.get(i);
            LocalDate date = dates.get(i);
            try {
                send(entry, pipeline, runId, date, force);
                log.info("{} run {} for {} queued ({}{})", pipeline, runId, date, triggeredBy, force ? ", forced" : "");
            } catch (RuntimeException e) {
                notQueued(ids.subList(i, ids.size()), e);
                throw e;
            }
        }
        return ids;
    }

    /** Records runs that could not be handed to their route as FAILED, with why. */
    private void notQueued(List<Long> runIds, RuntimeException e) {
        for (long runId : runIds) {
            ledger.finish(runId, RunStatus.FAILED, "Could not be queued: " + e.getMessage());
        }
    }

    /** Hands a recorded run to its pipeline's route, with the headers that carry it. */
    private void send(Endpoint entry, String pipeline, long runId, LocalDate date, boolean force) {
        producer.sendBodyAndHeaders(entry, null, Map.of(
                RunHeaders.PIPELINE, pipeline, RunHeaders.RUN_ID, runId, RunHeaders.LOGICAL_DATE, date,
                RunHeaders.FORCE, force));
    }
}
