package io.pipelines.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.run.CatchUp;
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
        LocalDate date = dateOf(pipeline, slot);
        CatchUp rule = catalog.batch(pipeline).catchUp();
        List<Instant> missed = rule.mode() != CatchUp.Mode.ALL ? List.of() : fires.previousSlot(pipeline, slot)
                .map(previous -> ScheduleSlots.between(catalog.cron(pipeline), catalog.zone(pipeline), previous, slot,
                        rule.limit() - 1)).orElse(List.of());
        Plan plan = plan(rule, missed, !slot.equals(scheduledFireTime.toInstant()));
        for (Instant caughtUp : plan.caughtUp()) {
            catchUp(pipeline, caughtUp);
        }
        if (!plan.runsOwn()) {
            ScheduleFires.Fire fire = fires.recordNotRun(pipeline, slot, date);
            metrics.scheduleFired(pipeline, fire.outcome().name().toLowerCase(Locale.ROOT));
            if (fire.outcome() == ScheduleFires.Outcome.NOT_RUN) {
                log.warn("Schedule of {} fired late for {} ({}), after every instance was down: not run (catchup none)",
                        pipeline, slot, date);
            }
            return;
        }
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

    /** What a fire does: the missed slots it runs first (oldest first), and whether it runs its own. */
    record Plan(List<Instant> caughtUp, boolean runsOwn) {
    }

    /**
     * catchup none: a fire replayed late (a missed one) runs nothing; latest: it runs its own slot, the latest
     * missed; all: also the missed slots before it (at most catchupLimit - 1 of the latest, given in missed).
     */
    static Plan plan(CatchUp rule, List<Instant> missed, boolean replayedLate) {
        return switch (rule.mode()) {
            case NONE -> new Plan(List.of(), !replayedLate);
            case LATEST -> new Plan(List.of(), true);
            case ALL -> new Plan(missed.subList(Math.max(0, missed.size() - (rule.limit() - 1)), missed.size()), true);
        };
    }

    /** A missed slot of a catch-up: its date queued unless loaded or in progress, once across the instances. */
    private void catchUp(String pipeline, Instant slot) {
        LocalDate date = dateOf(pipeline, slot);
        ScheduleFires.Fire fire;
        try {
            fire = fires.recordCaughtUp(pipeline, slot, date);
        } catch (RunAlreadyActiveException e) {
            log.info("Catch-up of {} for {}: {}", pipeline, date, e.getMessage());
            return;
        }
        metrics.scheduleFired(pipeline, "caught_up_" + fire.outcome().name().toLowerCase(Locale.ROOT));
        if (fire.outcome() == ScheduleFires.Outcome.QUEUED) {
            launcher.dispatchQueued(pipeline, fire.runId(), date);
            log.info("{} run {} for {} queued (schedule catch-up, missed fire of {})", pipeline, fire.runId(), date, slot);
        } else if (fire.outcome() == ScheduleFires.Outcome.LOADED) {
            log.info("Catch-up of {}: {} (missed fire of {}) is loaded already", pipeline, date, slot);
        }
    }

    /** The logical date of a slot: the day before it, in the pipeline's zone. */
    private LocalDate dateOf(String pipeline, Instant slot) {
        return slot.atZone(catalog.zone(pipeline)).toLocalDate().minusDays(1);
    }
}
