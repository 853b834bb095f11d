package io.pipelines.run;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.boot.convert.DurationStyle;

/**
 * A pipeline's deadlines, from the parameters deadline and taskLimits of its pipeline-runs step: by when after
 * the start of its logical date a date must be loaded, and how long each task may run (a fixed duration, or a
 * multiple of its 95th percentile over its recent successful runs).
 *
 * @param date  after the start of the logical date in the pipeline's zone; null: none
 * @param tasks by task name
 */
public record DeadlineRules(Duration date, Map<String, TaskLimit> tasks) {

    public static final DeadlineRules NONE = new DeadlineRules(null, Map.of());

    /** A task's longest normal duration: fixed, or p95Multiple times its recent 95th percentile. */
    public record TaskLimit(Duration fixed, double p95Multiple) {
        public String describe() {
            return fixed != null ? text(fixed)
                    : java.math.BigDecimal.valueOf(p95Multiple).stripTrailingZeros().toPlainString() + " x its 95th percentile";
        }
    }

    /** A duration as written in a route: in its largest whole unit (31h, 30m, 90s, 1500ms). */
    public static String text(Duration d) {
        for (java.time.temporal.ChronoUnit unit : java.util.List.of(java.time.temporal.ChronoUnit.DAYS,
                java.time.temporal.ChronoUnit.HOURS, java.time.temporal.ChronoUnit.MINUTES, java.time.temporal.ChronoUnit.SECONDS)) {
            if (d.toMillis() % unit.getDuration().toMillis() == 0) {
                return DurationStyle.SIMPLE.print(d, unit);
            }
        }
        return DurationStyle.SIMPLE.print(d);
    }

    public boolean any() {
        return date != null || !tasks.isEmpty();
    }

    /** When the date's data is due: the start of the date in the zone plus the deadline. */
    public Optional<Instant> due(LocalDate logicalDate, ZoneId zone) {
        // In the zone's clock time: 31h is 07:00 the next day also across a change of daylight saving time.
        return date == null ? Optional.empty() : Optional.of(logicalDate.atStartOfDay().plus(date).atZone(zone).toInstant());
    }

    /** Reads the parameters of a pipeline-runs step; an error names the step and the parameter. */
    static DeadlineRules of(Step runs, Set<String> taskNames) {
        Duration date = null;
        if (!runs.text("deadline").isEmpty()) {
            date = DurationStyle.detectAndParse(runs.text("deadline"));
            if (date.isNegative() || date.isZero()) {
                throw runs.wrong("deadline", "'" + runs.text("deadline") + "' must be after the start of the date");
            }
        }
        Map<String, TaskLimit> tasks = new LinkedHashMap<>();
        for (String pair : runs.text("taskLimits").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            String task = parts[0].strip();
            if (parts.length != 2 || parts[1].isBlank()) {
                throw runs.wrong("taskLimits", "'" + pair.strip() + "' is not task=limit (extract=30m, or "
                        + "transform=3xp95)");
            }
            if (!taskNames.contains(task)) {
                throw runs.wrong("taskLimits", "'" + task + "' is not a task of this pipeline; its tasks are " + taskNames);
            }
            if (tasks.put(task, limit(runs, parts[1].strip())) != null) {
                throw runs.wrong("taskLimits", "task " + task + " is given twice");
            }
        }
        return new DeadlineRules(date, Map.copyOf(tasks));
    }

    private static TaskLimit limit(Step runs, String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        try {
            if (lower.endsWith("xp95")) {
                double multiple = Double.parseDouble(lower.substring(0, lower.length() - 4));
                if (multiple >= 1) {
                    return new TaskLimit(null, multiple);
                }
            } else {
                Duration fixed = DurationStyle.detectAndParse(text);
                if (!fixed.isNegative() && !fixed.isZero()) {
                    return new TaskLimit(fixed, 0);
                }
            }
        } catch (RuntimeException e) {
            // said below
        }
        throw runs.wrong("taskLimits", "'" + text + "' is neither a positive duration (30m) nor a multiple of at least 1 "
                + "of the task's 95th percentile (3xp95)");
    }
}
