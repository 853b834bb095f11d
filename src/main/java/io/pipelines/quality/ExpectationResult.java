package io.pipelines.quality;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one expectation, with the numbers Great Expectations reports.
 *
 * @param index             position of the expectation in the suite
 * @param elementCount      rows checked
 * @param unexpectedCount   values or rows that broke the expectation
 * @param unexpectedPercent share of the values checked that broke it, in percent (null when none were checked)
 * @param partialUnexpected a few of the values that broke it (rows over several columns as JSON)
 * @param observedValue     what an expectation on the table or on a figure of a column saw (the row count,
 *                          the column's mean, its distinct values, ...); null for expectations on each value
 * @param details           what a result_format SUMMARY or COMPLETE adds (partial_unexpected_counts; the failing
 *                          rows kept and whether they were capped); null otherwise
 * @param severity          error (a failure fails the run) or warning (a failure is only reported)
 */
public record ExpectationResult(int index, String expectationType, Map<String, Object> kwargs, boolean success,
                                long elementCount, long unexpectedCount, Double unexpectedPercent,
                                List<String> partialUnexpected, Object observedValue, Map<String, Object> details,
                                String severity) {

    /** A failure that fails the run: an expectation of severity error that was not met. */
    public boolean blocking() {
        return !success && !Expectation.WARNING.equals(severity);
    }

    /** A failed expectation of severity warning: reported, and the run goes on. */
    public boolean warning() {
        return !success && Expectation.WARNING.equals(severity);
    }

    /** One line for logs and run records: which expectation, how many rows, which values. */
    public String summary() {
        String name = Expectation.label(expectationType, kwargs);
        if (expectationType.endsWith("_to_be_within_history") && !partialUnexpected.isEmpty()) {
            return name + ": " + partialUnexpected.get(0); // the figure, the earlier loads, the range allowed
        }
        if (observedValue != null || partialUnexpected.isEmpty() && unexpectedCount == 0) {
            return name + ": observed " + observedValue;
        }
        return name + ": " + unexpectedCount + " of " + elementCount + " rows unexpected"
                + (partialUnexpected.isEmpty() ? "" : ", e.g. " + partialUnexpected);
    }
}
