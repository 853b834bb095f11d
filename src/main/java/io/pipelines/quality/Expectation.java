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

    /** The type and the column or columns it is on, e.g. {@code expect_column_values_to_be_between(total)}. */
    public String label() {
        return label(type.fileName(), kwargs);
    }

    /** The label of an expectation of this type and these kwargs. */
    public static String label(String type, Map<String, Object> kwargs) {
        Object on = kwargs.get("column") != null ? kwargs.get("column")
                : kwargs.get("column_A") != null ? kwargs.get("column_A") + ", " + kwargs.get("column_B")
                : kwargs.get("column_list") instanceof java.util.List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
                : null;
        return type + (on == null ? "" : "(" + on + ")");
    }

    public String column() {
        return (String) kwargs.get("column");
    }

    /** How much its result tells (result_format). */
    public ResultFormat resultFormat() {
        return ResultFormat.of(kwargs);
    }

    /** The share of non-null values that must meet the expectation (Great Expectations' {@code mostly}). */
    public double mostly() {
        Object mostly = kwargs.get("mostly");
        return mostly == null ? 1.0 : ((Number) mostly).doubleValue();
    }
}
