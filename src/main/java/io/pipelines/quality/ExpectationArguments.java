package io.pipelines.quality;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipelines.quality.ExpectationType.Family;

/**
 * Checks the kwargs of one expectation when its suite is read: each one known to its type, of the
 * kind Great Expectations takes, bounds in order, patterns and formats that compile. A mistake is
 * refused naming the file, the line and the argument, so a suite is never half-run in production.
 * What needs the data's columns (a numeric bound on a text column, a length of numbers) is checked
 * when the check starts, by {@link SuiteRun}.
 */
final class ExpectationArguments {

    /** The pair expectations' ignore_row_if values, the first the default. */
    static final List<String> PAIR_IGNORE = List.of("both_values_are_missing", "either_value_is_missing", "neither");
    /** The multicolumn expectations' ignore_row_if values, the first the default. */
    static final List<String> MULTICOLUMN_IGNORE = List.of("all_values_are_missing", "any_value_is_missing", "never");

    private static final Set<String> BOOLEANS = Set.of("strict_min", "strict_max", "exact_match", "strictly", "ties_okay",
            "or_equal", "parse_strings_as_datetimes", "same_weekday", "include_config", "catch_exceptions");
    /** Types where min_value and max_value may both be missing: GE takes the expectation as vacuously true. */
    private static final Set<ExpectationType> OPEN_BOUNDS = Set.of(ExpectationType.EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN,
            ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_STDEV_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN);
    /** Types whose bounds may be text (dates and times, compared in the column's own type). */
    private static final Set<ExpectationType> TYPED_BOUNDS = Set.of(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_MIN_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_MAX_TO_BE_BETWEEN);

    private final String file;
    private final int line;
    private final String where;
    private final ExpectationType type;
    private final Map<String, Object> kwargs;

    private ExpectationArguments(String file, int line, String where, ExpectationType type, Map<String, Object> kwargs) {
        this.file = file;
        this.line = line;
        this.where = where;
        this.type = type;
        this.kwargs = kwargs;
    }

    static void check(String file, int line, String where, ExpectationType type, Map<String, Object> kwargs) {
        new ExpectationArguments(file, line, where, type, kwargs).check();
    }

    private void check() {
        List<String> known = type.kwargs();
        for (String name : kwargs.keySet()) {
            if (name.equals("row_condition") || name.equals("condition_parser")) {
                throw refused("kwargs." + name + " is not supported here: check the rows of a condition with a suite "
                        + "on a pipeline of its own, or an SQL step");
            }
            if (!known.contains(name)) {
                throw refused("kwargs." + name + " is not an argument of " + type.fileName() + " (it takes: "
                        + String.join(", ", known) + ")");
            }
        }
        for (String required : type.requiredKwargs()) {
            if (kwargs.get(required) == null) {
                throw refused(type.fileName() + " needs kwargs." + required);
            }
        }
        kwargs.forEach(this::value);
        if (type.kwargs().contains("min_value")) {
            bounds();
        }
        if (type == ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY
                || type == ExpectationType.EXPECT_COLUMN_SUM_TO_BE_WITHIN_HISTORY) {
            history();
        }
    }

    private void value(String name, Object value) {
        if (value == null) {
            return;
        }
        if (BOOLEANS.contains(name)) {
            if (!(value instanceof Boolean)) {
                throw refused("kwargs." + name + " must be true or false, not " + value);
            }
            return;
        }
        switch (name) {
            case "column", "column_A", "column_B", "type_", "description" -> text(name, value);
            case "unexpected_rows_query" -> {
                String query = text(name, value);
                if (!query.contains("{batch}")) {
                    throw refused("kwargs.unexpected_rows_query must read the rows checked as {batch} "
                            + "(SELECT * FROM {batch} WHERE ...)");
                }
                if (query.strip().replaceAll(";\\s*$", "").contains(";")) {
                    throw refused("kwargs.unexpected_rows_query must be one SELECT statement");
                }
            }
            case "mostly" -> {
                if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                    throw refused("kwargs.mostly must be a number from 0 to 1, not " + value);
                }
            }
            case "value", "column_index" -> wholeNumber(name, value);
            case "sum_total" -> number(name, value);
            case "column_list", "column_set", "type_list", "like_pattern_list", "regex_list" -> {
                List<?> list = list(name, value);
                if (list.isEmpty() && !name.equals("column_set") && !name.equals("type_list")) {
                    throw refused("kwargs." + name + " must not be empty");
                }
                for (Object item : list) {
                    text(name + "[]", item);
                }
                if (name.equals("regex_list")) {
                    list.forEach(r -> regex(name, (String) r));
                }
                if (name.equals("column_list") && type.family() == Family.ROWS && list.size() < 2
                        && type != ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE) {
                    throw refused("kwargs.column_list must name at least two columns");
                }
            }
            case "value_set" -> {
                for (Object item : list(name, value)) {
                    if (item instanceof Map || item instanceof List) {
                        throw refused("kwargs.value_set holds values (text, numbers, true or false), not " + item);
                    }
                }
            }
            case "regex" -> regex(name, text(name, value));
            case "like_pattern" -> text(name, value);
            case "strftime_format" -> {
                try {
                    Strptime.compile(text(name, value));
                } catch (IllegalArgumentException e) {
                    throw refused("kwargs.strftime_format: " + e.getMessage());
                }
            }
            case "match_on" -> oneOf(name, value, List.of("any", "all"));
            case "ignore_row_if" -> oneOf(name, value, type.kwargs().contains("column_A") ? PAIR_IGNORE : MULTICOLUMN_IGNORE);
            case "quantile_ranges" -> quantileRanges(value);
            case "allow_relative_error" -> {
                if (!(value instanceof Boolean) && !(value instanceof Number)) {
                    throw refused("kwargs.allow_relative_error must be true, false or a number, not " + value);
                }
            }
            case "result_format" -> resultFormat(value);
            default -> {
                // min_value and max_value: bounds(); the volume check's kwargs: history().
            }
        }
    }

    /** A name of ResultFormat.NAMES, or an object of one and its options; COMPLETE names rows as they are judged. */
    private void resultFormat(Object value) {
        Object name = value;
        if (value instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                if (!List.of("result_format", "unexpected_index_column_names", "partial_unexpected_count",
                        "include_unexpected_rows", "return_unexpected_index_query").contains(key)) {
                    throw refused("kwargs.result_format." + key + " is not an option of result_format (it takes: "
                            + "result_format, unexpected_index_column_names, partial_unexpected_count)");
                }
            }
            name = map.get("result_format");
            Object keys = map.get("unexpected_index_column_names");
            if (keys != null && (!(keys instanceof List<?> list) || list.isEmpty()
                    || list.stream().anyMatch(k -> !(k instanceof String)))) {
                throw refused("kwargs.result_format.unexpected_index_column_names must be an array of column names");
            }
            Object count = map.get("partial_unexpected_count");
            if (count != null && (!(count instanceof Integer n) || n < 0 || n > 1000)) {
                throw refused("kwargs.result_format.partial_unexpected_count must be a whole number from 0 to 1000, not "
                        + count);
            }
        }
        if (!(name instanceof String s) || !ResultFormat.NAMES.contains(s)) {
            throw refused("kwargs.result_format must be one of " + ResultFormat.NAMES + " (or an object with result_format "
                    + "and its options), not " + name);
        }
        if (s.equals("COMPLETE") && (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE
                || type == ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE)) {
            throw refused("kwargs.result_format COMPLETE names each failing row as it is read, and a uniqueness check "
                    + "finds its repeats only once every row is read: use SUMMARY (the repeated values and how often)");
        }
    }

    private void bounds() {
        Object min = kwargs.get("min_value");
        Object max = kwargs.get("max_value");
        if (min == null && max == null && !OPEN_BOUNDS.contains(type)) {
            throw refused(type.fileName() + " needs kwargs.min_value or kwargs.max_value");
        }
        boolean counts = type.family() == Family.TABLE || type == ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN;
        for (String name : List.of("min_value", "max_value")) {
            Object bound = kwargs.get(name);
            if (bound == null) {
                continue;
            }
            if (counts) {
                wholeNumber(name, bound);
            } else if (TYPED_BOUNDS.contains(type)) {
                if (!(bound instanceof Number) && !(bound instanceof String)) {
                    throw refused("kwargs." + name + " must be a number or a date and time in ISO-8601, not " + bound);
                }
            } else {
                number(name, bound);
            }
        }
        if (min != null && max != null && type != ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN
                && compare(min, max) > 0) {
            throw refused("kwargs.min_value (" + min + ") is greater than kwargs.max_value (" + max + ")");
        }
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        }
        return a instanceof String x && b instanceof String y ? x.compareTo(y) : 0;
    }

    private void quantileRanges(Object value) {
        if (!(value instanceof Map<?, ?> ranges) || !(ranges.get("quantiles") instanceof List<?> quantiles)
                || !(ranges.get("value_ranges") instanceof List<?> valueRanges)) {
            throw refused("kwargs.quantile_ranges must be an object with the arrays quantiles and value_ranges");
        }
        if (quantiles.isEmpty() || quantiles.size() != valueRanges.size()) {
            throw refused("kwargs.quantile_ranges: quantiles and value_ranges must be as long as each other, and not empty");
        }
        for (int i = 0; i < quantiles.size(); i++) {
            if (!(quantiles.get(i) instanceof Number q) || q.doubleValue() < 0 || q.doubleValue() > 1) {
                throw refused("kwargs.quantile_ranges.quantiles[" + i + "] must be a number from 0 to 1");
            }
            if (!(valueRanges.get(i) instanceof List<?> range) || range.size() != 2
                    || range.stream().anyMatch(b -> b != null && !(b instanceof Number))) {
                throw refused("kwargs.quantile_ranges.value_ranges[" + i + "] must be [min, max], numbers or null");
            }
            if (range.get(0) != null && range.get(1) != null && compare(range.get(0), range.get(1)) > 0) {
                throw refused("kwargs.quantile_ranges.value_ranges[" + i + "]: the minimum " + range.get(0)
                        + " is greater than the maximum " + range.get(1));
            }
        }
    }

    /** The kwargs of the checks against history: lookback 1-1000, max_change and/or max_stdevs above 0. */
    private void history() {
        Object lookback = kwargs.get("lookback");
        if (lookback != null && (!(lookback instanceof Integer n) || n < 1 || n > 1000)) {
            throw refused("kwargs.lookback must be a whole number of loads from 1 to 1000, not " + lookback);
        }
        for (String bound : List.of("max_change", "max_stdevs")) {
            Object value = kwargs.get(bound);
            if (value != null && (!(value instanceof Number n) || n.doubleValue() <= 0)) {
                throw refused("kwargs." + bound + " must be a number above 0");
            }
        }
        if (kwargs.get("max_change") == null && kwargs.get("max_stdevs") == null) {
            throw refused(type.fileName() + " needs kwargs.max_change (a share of the median of the earlier loads) "
                    + "or kwargs.max_stdevs (standard deviations from their mean)");
        }
    }

    private String text(String name, Object value) {
        if (!(value instanceof String s)) {
            throw refused("kwargs." + name + " must be a string, not " + value);
        }
        return s;
    }

    private void number(String name, Object value) {
        if (!(value instanceof Number)) {
            throw refused("kwargs." + name + " must be a number, not " + value);
        }
    }

    private void wholeNumber(String name, Object value) {
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
            throw refused("kwargs." + name + " must be a whole number from 0, not " + value);
        }
    }

    private List<?> list(String name, Object value) {
        if (!(value instanceof List<?> list)) {
            throw refused("kwargs." + name + " must be an array, not " + value);
        }
        return list;
    }

    private void oneOf(String name, Object value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw refused("kwargs." + name + " must be one of " + allowed + ", not " + value);
        }
    }

    private void regex(String name, String regex) {
        try {
            Patterns.regex(regex);
        } catch (IllegalArgumentException e) {
            throw refused("kwargs." + name + ": '" + regex + "' is not a valid regular expression: " + e.getMessage());
        }
    }

    private QualitySuiteException refused(String message) {
        return new QualitySuiteException(file, line, where + message);
    }
}
