package io.pipelines.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * A check that counts the values or rows it judges and those that broke the expectation, keeping a
 * few of those as samples; it passes when the share that met it is at least {@code mostly}, and
 * when there was nothing to judge.
 */
abstract class CountedCheck extends Check {

    private long judged;
    private long unexpected;
    private final List<String> samples = new ArrayList<>();

    CountedCheck(Expectation expectation) {
        super(expectation);
    }

    void judged() {
        judged++;
    }

    void unexpected(String sample) {
        unexpected++;
        if (samples.size() < SAMPLES) {
            samples.add(sample);
        }
    }

    /** Counts unexpected values that are not to be shown (the samples are full or were given already). */
    void unexpectedBeyondSamples(long count) {
        unexpected += count;
    }

    @Override
    ExpectationResult result(long rows) {
        boolean success = judged == 0 || (double) (judged - unexpected) / judged >= expectation.mostly();
        Double percent = judged == 0 ? null : 100.0 * unexpected / judged;
        return result(success, rows, unexpected, percent, List.copyOf(samples), null);
    }
}
