package io.pipelines.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineMetrics;
import io.pipelines.run.RunAlreadyActiveException;
import io.pipelines.run.RunLauncher;

/** The runs of the schedules' fires (the bean the routes {@code <pipeline>.schedule} call). */
@Component("scheduledRuns")
public class ScheduledRuns {

    private static final Logger log = LoggerFactory.getLogger(ScheduledRuns.class);

    private final PipelineCatalog catalog;
    private final ScheduleFires fires;
    private final RunLauncher launcher;
    private final PipelineMetrics metrics;

    public ScheduledRuns(PipelineCatalog catalog, ScheduleFires fires, RunLauncher launcher, PipelineMetrics metrics) {
        this.catalog = catalog;
        this.fires = fires;
        this.launcher = launcher;
        this.metrics = metrics;
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
        metrics.scheduleFired(pipeline, fire.outcome().name().toLowerCase(Locale.ROOT));
        switch (fire.outcome()) {
            case DUPLICATE -> log.warn("Schedule of {} fired again for {} ({}), already handled by instance {}: nothing queued",
                    pipeline, slot, date, fire.handledBy());
            case SKIPPED -> log.warn("Scheduled run of {} for {} skipped: run {} of that date is in progress", pipeline,
                    date, fire.runId());
            case QUEUED -> {
                launcher.dispatchQueued(pipeline, fire.runId(), date);
                log.info("{} run {} for {} queued (schedule, fire of {}{})", pipeline, fire.runId(), date, slot,
                        slot.equals(scheduledFireTime.toInstant()) ? "" : ", replayed at " + scheduledFireTime.toInstant());
            }
        }
    }
}
