package io.pipelines.schedule;

import java.util.Collection;
import java.util.Set;

import java.sql.Statement;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The pipelines' Quartz triggers in the shared (clustered) job store: a schedule route
 * {@code quartz:pipelines/<pipeline>} owns the trigger {@code pipelines.<pipeline>}. Pausing it
 * pauses the schedule on every instance (suspending a route would only silence this one, and the
 * fires that land here would be lost).
 */
@Component
public class ScheduleTriggers {

    public static final String GROUP = "pipelines";
    private static final Logger log = LoggerFactory.getLogger(ScheduleTriggers.class);

    /** Key of the PostgreSQL advisory lock under which instances create the schedule routes. */
    private static final long CREATION_LOCK = 0x70697065L; // "pipe"

    private final Scheduler scheduler;
    private final JdbcTemplate jdbc;

    public ScheduleTriggers(Scheduler scheduler, JdbcTemplate jdbc) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
    }

    /**
     * Runs {@code work} (making schedule routes, whose endpoints store or update their triggers)
     * while holding a warehouse advisory lock, so that instances starting at the same moment do
     * not both create the same new trigger: camel-quartz then fails the second route ("Trigger
     * could not be found") and the schedule may never fire.
     */
    public void whileCreating(Runnable work) {
        jdbc.execute((ConnectionCallback<Void>) c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + CREATION_LOCK + ")");
            }
            try {
                work.run();
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + CREATION_LOCK + ")");
                }
            }
            return null;
        });
    }

    public void pause(String pipeline) throws SchedulerException {
        scheduler.pauseTrigger(key(pipeline));
    }

    public void resume(String pipeline) throws SchedulerException {
        scheduler.resumeTrigger(key(pipeline));
    }

    /** started, suspended or unscheduled (no trigger), as the shared job store has it; unknown when it cannot be read. */
    public String state(String pipeline) {
        try {
            return switch (scheduler.getTriggerState(key(pipeline))) {
                case NONE -> "unscheduled";
                case PAUSED -> "suspended";
                default -> "started";
            };
        } catch (SchedulerException e) {
            log.warn("State of the schedule of {} not read from the job store: {}", pipeline, e.getMessage());
            return "unknown";
        }
    }

    /** When the pipeline's schedule fires next (empty: unscheduled, suspended, or the job store cannot be read). */
    public java.util.Optional<java.time.Instant> nextFire(String pipeline) {
        try {
            var trigger = scheduler.getTrigger(key(pipeline));
            if (trigger == null || scheduler.getTriggerState(key(pipeline)) == org.quartz.Trigger.TriggerState.PAUSED
                    || trigger.getNextFireTime() == null) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(trigger.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            log.warn("Next fire of {} not read from the job store: {}", pipeline, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /**
     * Warns of triggers of pipelines this instance does not have. They are left alone: in a
     * rolling deploy another instance may have the pipeline (removing the trigger here would stop
     * its schedule everywhere). A pipeline removed from every instance's configuration leaves a
     * trigger whose fires do nothing; delete it from etl.qrtz_triggers (and etl.qrtz_cron_triggers,
     * etl.qrtz_job_details) once no instance has it.
     */
    public void warnOfUnknown(Collection<String> pipelines) throws SchedulerException {
        Set<TriggerKey> keys = scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP));
        for (TriggerKey key : keys) {
            if (!pipelines.contains(key.getName())) {
                log.warn("The shared job store schedules pipeline {}, which this instance does not have: its fires "
                        + "here do nothing. If no instance has it any more, delete trigger {} from etl.qrtz_triggers",
                        key.getName(), key);
            }
        }
    }

    private static TriggerKey key(String pipeline) {
        return TriggerKey.triggerKey(pipeline, GROUP);
    }
}
