package io.pipelines.quality;

import java.util.List;

/** A parsed quality suite (Great Expectations JSON format). */
public record QualitySuite(String file, String name, List<Expectation> expectations) {

    /** Whether a check of it needs the rows in the warehouse (an unexpected_rows_expectation's SQL reads them there). */
    public boolean queriesRows() {
        return expectations.stream().anyMatch(e -> e.type() == ExpectationType.UNEXPECTED_ROWS_EXPECTATION);
    }
}
