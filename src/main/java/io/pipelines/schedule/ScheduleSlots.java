package io.pipelines.schedule;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.TimeZone;

import org.quartz.CronExpression;

/**
 * The time a fire stands for: the latest time of the cron at or before it. A regular fire is its
 * own slot; a fire that Quartz replays late after a misfire (every instance was down, fire once
 * now) stands for the slot it missed, so its logical date and its record are those of that slot.
 */
public final class ScheduleSlots {

    /** No schedule of ours fires less often than this; a fire further from any slot is taken as its own. */
    private static final Duration LONGEST_GAP = Duration.ofDays(400);

    private ScheduleSlots() {
    }

    public static Instant slotAtOrBefore(String cron, ZoneId zone, Instant fire) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + cron + "' is not a Quartz cron expression: " + e.getMessage(), e);
        }
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        Date at = Date.from(fire);
        if (expression.isSatisfiedBy(at)) {
            return fire.truncatedTo(ChronoUnit.SECONDS); // slots are whole seconds; the check ignores the rest
        }
        // Widen a window back from the fire until it holds a slot, then walk forward to the last one.
        Date slot = null;
        for (long back = Duration.ofMinutes(1).toMillis(); back <= LONGEST_GAP.toMillis(); back *= 2) {
            Date first = expression.getNextValidTimeAfter(new Date(at.getTime() - back));
            if (first != null && !first.after(at)) {
                slot = first;
                break;
            }
        }
        if (slot == null) {
            return fire;
        }
        for (Date next = expression.getNextValidTimeAfter(slot); next != null && !next.after(at);
             next = expression.getNextValidTimeAfter(next)) {
            slot = next;
        }
        return slot.toInstant();
    }
}
