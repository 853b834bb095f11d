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

    /**
     * The slots strictly after {@code after} and before {@code before}, oldest first: the last {@code max} of them
     * (a schedule missed for long yields the latest ones).
     */
    public static java.util.List<Instant> between(String cron, ZoneId zone, Instant after, Instant before, int max) {
        java.util.ArrayDeque<Instant> slots = new java.util.ArrayDeque<>();
        if (max <= 0) {
            return java.util.List.of();
        }
        CronExpression expression = expression(cron, zone);
        for (Date next = expression.getNextValidTimeAfter(Date.from(after)); next != null && next.toInstant().isBefore(before);
             next = expression.getNextValidTimeAfter(next)) {
            slots.addLast(next.toInstant());
            if (slots.size() > max) {
                slots.removeFirst();
            }
        }
        return java.util.List.copyOf(slots);
    }

    /** Whether the schedule runs the logical date: it fires on the day after it (a fire runs the day before it). */
    public static boolean runs(String cron, ZoneId zone, java.time.LocalDate date) {
        Instant dayAfter = date.plusDays(1).atStartOfDay(zone).toInstant();
        Date next = expression(cron, zone).getNextValidTimeAfter(Date.from(dayAfter.minusMillis(1)));
        return next != null && next.toInstant().isBefore(date.plusDays(2).atStartOfDay(zone).toInstant());
    }

    private static CronExpression expression(String cron, ZoneId zone) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + cron + "' is not a Quartz cron expression: " + e.getMessage(), e);
        }
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        return expression;
    }

    public static Instant slotAtOrBefore(String cron, ZoneId zone, Instant fire) {
        CronExpression expression = expression(cron, zone);
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
