package io.pipelines.quality;

/**
 * A row that broke an expectation of result format COMPLETE: its key columns as JSON (or its place in
 * the data, {@code {"row": n}}), and the value that broke it as the result shows it.
 */
public record UnexpectedRow(String key, String value) {
}
