package io.pipelines.quality;

import java.util.List;

/**
 * The rows an SQL query returns over the rows being checked ({@code {batch}} in the query), for
 * {@code unexpected_rows_expectation}: the check's caller puts the rows where the query can read them.
 */
@FunctionalInterface
public interface BatchQueries {

    /** What a query returned: how many rows, and the first few as JSON. */
    record Rows(long count, List<String> first) {
    }

    /** None: a suite with an SQL check cannot be checked here. */
    BatchQueries NONE = query -> {
        throw new IllegalStateException("an unexpected_rows_expectation needs the rows in the warehouse, which this "
                + "check does not put there");
    };

    /** The rows {@code query} returns, {@code {batch}} standing for the rows checked. */
    Rows run(String query);
}
