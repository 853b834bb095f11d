package io.pipelines.quality;

import java.util.Map;

/**
 * One expectation of a suite, as written in its file.
 *
 * @param index  position in the suite's {@code expectations} array
 * @param line   line of the file where it starts (for error messages)
 * @param type   {@code expectation_type}
 * @param kwargs its arguments, {@code mostly} included
 * @param severity {@code meta.severity}: {@link #ERROR} (the default) fails the run when the expectation
 *                 fails, {@link #WARNING} is recorded, counted and alerted and never fails it
 */
public record Expectation(int index, int line, ExpectationType type, Map<String, Object> kwargs, String severity) {

    public static final String ERROR = "error";
    public static final String WARNING = "warning";

    public String column() {
        return (String) kwargs.get("column");
    }

    /** The share of non-null values that must meet the expectation (Great Expectations' {@code mostly}). */
    public double mostly() {
        Object mostly = kwargs.get("mostly");
        return mostly == null ? 1.0 : ((Number) mostly).doubleValue();
    }
}
