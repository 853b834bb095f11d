package io.pipelines.run;

import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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

    public RunLauncher(PipelineCatalog catalog, RunLedger ledger, ProducerTemplate producer) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.producer = producer;
    }

    /** One run for one logical date; returns its id. */
    public long launch(String pipeline, LocalDate date, String triggeredBy) {
        return launchAll(pipeline, List.of(date), triggeredBy).get(0);
    }

    /** One run per date from {@code from} to {@code to}, both included, in date order. */
    public List<Long> backfill(String pipeline, LocalDate from, LocalDate to, String triggeredBy) {
        return launchAll(pipeline, from.datesUntil(to.plusDays(1)).toList(), triggeredBy);
    }

    /** Queues a FAILED run again; its route skips the tasks it finished before. Returns the run as it was. */
    public RunRecord resume(long runId) {
        RunRecord run = ledger.requeue(runId);
        try {
            send(catalog.entry(run.pipeline()), run.pipeline(), runId, run.logicalDate());
        } catch (RuntimeException e) {
            ledger.finish(runId, RunStatus.FAILED, "Could not be queued: " + e.getMessage());
            throw e;
        }
        log.info("{} run {} for {} queued again to resume ({})", run.pipeline(), runId, run.logicalDate(), run.error());
        return run;
    }

    /** Whether a run must do a task: not when it finished it before being resumed. */
    public boolean needs(long runId, String task) {
        return !ledger.taskSucceeded(runId, task);
    }

    /**
     * The run of a schedule's fire: the logical date is the day before the fire time, in the
     * pipeline's time zone. A date that already has a run in progress is skipped, with a warning.
     */
    public void launchScheduled(String pipeline, Date fireTime) {
        LocalDate date = fireTime.toInstant().atZone(catalog.zone(pipeline)).toLocalDate().minusDays(1);
        try {
            launch(pipeline, date, "schedule");
        } catch (RunAlreadyActiveException e) {
            log.warn("Scheduled run of {} for {} skipped: {}", pipeline, date, e.getMessage());
        }
    }

    private List<Long> launchAll(String pipeline, List<LocalDate> dates, String triggeredBy) {
        Endpoint entry = catalog.entry(pipeline);
        List<Long> ids = ledger.enqueue(pipeline, dates, triggeredBy);
        for (int i = 0; i < ids.size(); i++) {
            long runId = ids.get(i);
            LocalDate date = dates.get(i);
            try {
                send(entry, pipeline, runId, date);
                log.info("{} run {} for {} queued ({})", pipeline, runId, date, triggeredBy);
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
    private void send(Endpoint entry, String pipeline, long runId, LocalDate date) {
        producer.sendBodyAndHeaders(entry, null, Map.of(
                RunHeaders.PIPELINE, pipeline, RunHeaders.RUN_ID, runId, RunHeaders.LOGICAL_DATE, date));
    }
}
