package io.pipelines.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bounds of a volume check: the row counts of the earlier loads, and the range they allow a
 * load (within max_change of their median and within max_stdevs of their mean, those given).
 */
record Volume(List<Long> history, double low, double high) {

    static final int DEFAULT_LOOKBACK = 8;

    static Volume of(Expectation e, VolumeHistory source) {
        Object lookback = e.kwargs().get("lookback");
        List<Long> counts = source.rowCounts(lookback == null ? DEFAULT_LOOKBACK : ((Number) lookback).intValue(),
                Boolean.TRUE.equals(e.kwargs().get("same_weekday")));
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.POSITIVE_INFINITY;
        if (!counts.isEmpty()) {
            Object change = e.kwargs().get("max_change");
            if (change != null) {
                double median = median(counts);
                double c = ((Number) change).doubleValue();
                low = Math.max(low, median * (1 - c));
                high = Math.min(high, median * (1 + c));
            }
            Object stdevs = e.kwargs().get("max_stdevs");
            if (stdevs != null) {
                double mean = counts.stream().mapToLong(Long::longValue).average().orElse(0);
                double s = ((Number) stdevs).doubleValue() * stdev(counts, mean);
                low = Math.max(low, mean - s);
                high = Math.min(high, mean + s);
            }
        }
        return new Volume(List.copyOf(counts), low, high);
    }

    boolean allows(long rows) {
        return history.isEmpty() || rows >= low && rows <= high;
    }

    /** What the check compared, for its record: the rows, the earlier loads and the range allowed. */
    String describe(long rows) {
        if (history.isEmpty()) {
            return "no earlier load to compare " + rows + " rows with: passed";
        }
        return String.format(Locale.ROOT, "%d rows; %d earlier load(s) %s (median %s) allow %s to %s", rows,
                history.size(), history, number(median(history)), number(Math.max(0, low)), number(high));
    }

    private static double median(List<Long> counts) {
        List<Long> sorted = new ArrayList<>(counts);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The sample standard deviation (0 for one load). */
    private static double stdev(List<Long> counts, double mean) {
        if (counts.size() < 2) {
            return 0;
        }
        double squares = 0;
        for (long c : counts) {
            squares += (c - mean) * (c - mean);
        }
        return Math.sqrt(squares / (counts.size() - 1));
    }

    private static String number(double value) {
        return Double.isInfinite(value) ? "any" : value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
