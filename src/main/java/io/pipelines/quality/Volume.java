package io.pipelines.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bounds of a check against history: the figures of the earlier loads (row counts, or a column's
 * sums), and the range they allow a load (within max_change of their median and within max_stdevs of
 * their mean, those given).
 */
record Volume(List<Double> history, double low, double high) {

    static final int DEFAULT_LOOKBACK = 8;

    /** The bounds for the row count (never below 0). */
    static Volume of(Expectation e, VolumeHistory source) {
        Volume v = of(e, source.rowCounts(lookback(e), sameWeekday(e)).stream().map(Long::doubleValue).toList());
        return new Volume(v.history(), Math.max(0, v.low()), v.high());
    }

    /** The bounds for the figures of the earlier loads {@code figures}. */
    static Volume of(Expectation e, List<Double> figures) {
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.POSITIVE_INFINITY;
        if (!figures.isEmpty()) {
            Object change = e.kwargs().get("max_change");
            if (change != null) {
                double median = median(figures);
                double c = ((Number) change).doubleValue();
                low = Math.max(low, median - Math.abs(median) * c);
                high = Math.min(high, median + Math.abs(median) * c);
            }
            Object stdevs = e.kwargs().get("max_stdevs");
            if (stdevs != null) {
                double mean = figures.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                double s = ((Number) stdevs).doubleValue() * stdev(figures, mean);
                low = Math.max(low, mean - s);
                high = Math.min(high, mean + s);
            }
        }
        return new Volume(List.copyOf(figures), low, high);
    }

    static int lookback(Expectation e) {
        Object lookback = e.kwargs().get("lookback");
        return lookback == null ? DEFAULT_LOOKBACK : ((Number) lookback).intValue();
    }

    static boolean sameWeekday(Expectation e) {
        return Boolean.TRUE.equals(e.kwargs().get("same_weekday"));
    }

    /** The earlier figures (newest first) and the range allowed (null where open), for a report's chart. */
    java.util.Map<String, Object> details() {
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("history", history);
        details.put("low", Double.isInfinite(low) ? null : low);
        details.put("high", Double.isInfinite(high) ? null : high);
        return details;
    }

    boolean allows(double figure) {
        return history.isEmpty() || figure >= low && figure <= high;
    }

    /** What the check compared, for its record: the figure ("40 rows", "sum 12.5"), the earlier loads and the range allowed. */
    String describe(String figure) {
        if (history.isEmpty()) {
            return "no earlier load to compare " + figure + " with: passed";
        }
        return String.format(Locale.ROOT, "%s; %d earlier load(s) %s (median %s) allow %s to %s", figure,
                history.size(), history.stream().map(Volume::number).toList(), number(median(history)),
                number(low), number(high));
    }

    private static double median(List<Double> figures) {
        List<Double> sorted = new ArrayList<>(figures);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The sample standard deviation (0 for one load). */
    private static double stdev(List<Double> figures, double mean) {
        if (figures.size() < 2) {
            return 0;
        }
        double squares = 0;
        for (double f : figures) {
            squares += (f - mean) * (f - mean);
        }
        return Math.sqrt(squares / (figures.size() - 1));
    }

    static String number(double value) {
        return Double.isInfinite(value) ? "any" : value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
