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
 * @param severity          error (a failure fails the run) or warning (a failure is only reported)
 */
public record ExpectationResult(int index, String expectationType, Map<String, Object> kwargs, boolean success,
                                long elementCount, long unexpectedCount, Double unexpectedPercent,
                                List<String> partialUnexpected, Object observedValue, String severity) {

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
        if (expectationType.equals(ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY.fileName())
                && !partialUnexpected.isEmpty()) {
            return expectationType + ": " + partialUnexpected.get(0); // the rows, the earlier loads, the range allowed
        }
        if (observedValue != null || partialUnexpected.isEmpty() && unexpectedCount == 0) {
            return name + ": observed " + observedValue;
        }
        return name + ": " + unexpectedCount + " of " + elementCount + " rows unexpected"
                + (partialUnexpected.isEmpty() ? "" : ", e.g. " + partialUnexpected);
    }
}
