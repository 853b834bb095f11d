package io.pipelines.quality;

import java.util.List;

import org.apache.avro.generic.GenericRecord;

/** The check of one expectation, fed the rows of a run one by one, then asked for its result. */
abstract class Check {

    /** How many unexpected values a result shows (Great Expectations' partial_unexpected_count). */
    static final int SAMPLES = 20;

    final Expectation expectation;

    Check(Expectation expectation) {
        this.expectation = expectation;
    }

    /**
     * Takes a row; true when the row broke the expectation on its own, judged row by row (only
     * {@link #rowLocal} checks say so: a quarantine holds such rows back).
     */
    boolean accept(GenericRecord record) {
        return false;
    }

    /** Whether each row is judged on its own (not against other rows, as uniqueness or order are). */
    boolean rowLocal() {
        return false;
    }

    abstract ExpectationResult result(long rows);

    /** Takes the run's context before the first row (what a result format needs of it). */
    void prepare(SuiteRun.Context context) {
    }

    /** The failing rows kept for a result format COMPLETE; none by default. */
    List<UnexpectedRow> unexpectedRows() {
        return List.of();
    }

    /** A result on the table or a figure of a column: what was observed, and whether it passes. */
    ExpectationResult observed(boolean success, long rows, Object observedValue) {
        return result(success, rows, 0, null, List.of(), observedValue);
    }

    ExpectationResult result(boolean success, long elementCount, long unexpected, Double percent, List<String> samples,
                             Object observedValue) {
        return result(success, elementCount, unexpected, percent, samples, observedValue, null);
    }

    ExpectationResult result(boolean success, long elementCount, long unexpected, Double percent, List<String> samples,
                             Object observedValue, java.util.Map<String, Object> details) {
        return new ExpectationResult(expectation.index(), expectation.type().fileName(), expectation.kwargs(), success,
                elementCount, unexpected, percent, samples, observedValue, details, expectation.severity());
    }

    /** The check of an expectation on a column the data does not have: it fails, saying so. */
    static Check missingColumn(Expectation e, String column) {
        return new Check(e) {
            @Override
            ExpectationResult result(long rows) {
                return result(false, rows, rows, rows == 0 ? null : 100.0, List.of("column '" + column + "' is missing"), null);
            }
        };
    }
}
