package io.pipelines.run;

import java.util.Collection;
import java.util.Set;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private final Scheduler scheduler;

    public ScheduleTriggers(Scheduler scheduler) {
        this.scheduler = scheduler;
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

    /**
     * Removes the triggers of pipelines that are no longer configured: a clustered store keeps a
     * trigger when its route stops, and it would fire on instances that have no route for it.
     */
    public void removeAllBut(Collection<String> pipelines) throws SchedulerException {
        Set<TriggerKey> keys = scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP));
        for (TriggerKey key : keys) {
            if (!pipelines.contains(key.getName())) {
                Trigger trigger = scheduler.getTrigger(key);
                scheduler.unscheduleJob(key);
                log.warn("Schedule of pipeline {} removed from the job store: no such pipeline in pipelines.batch "
                        + "(it was {})", key.getName(), trigger == null ? "gone" : trigger.getDescription());
            }
        }
    }

    private static TriggerKey key(String pipeline) {
        return TriggerKey.triggerKey(pipeline, GROUP);
    }
}
