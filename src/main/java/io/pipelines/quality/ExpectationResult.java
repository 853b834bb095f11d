package io.pipelines.quality;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one expectation, with the numbers Great Expectations reports.
 *
 * @param index             position of the expectation in the suite
 * @param elementCount      rows checked
 * @param unexpectedCount   rows that broke the expectation
 * @param unexpectedPercent share of the non-null rows that broke it, in percent (null when none were checked)
 * @param partialUnexpected a few of the values that broke it
 */
public record ExpectationResult(int index, String expectationType, Map<String, Object> kwargs, boolean success,
                                long elementCount, long unexpectedCount, Double unexpectedPercent,
                                List<String> partialUnexpected) {

    /** One line for logs and run records: which expectation, how many rows, which values. */
    public String summary() {
        Object column = kwargs.get("column");
        return expectationType + (column == null ? "" : "(" + column + ")") + ": " + unexpectedCount + " of "
                + elementCount + " rows unexpected" + (partialUnexpected.isEmpty() ? "" : ", e.g. " + partialUnexpected);
    }
}
