package io.pipelines.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The expectation types the validator implements, with Great Expectations' names and semantics, each
 * with the arguments it requires and those it also takes ({@link ExpectationArguments} checks their
 * values). A kwarg that is neither is refused at start-up, naming it.
 */
public enum ExpectationType {
    // Table: the columns and the row count.
    EXPECT_COLUMN_TO_EXIST(Family.TABLE, "column|column_index"),
    EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN(Family.TABLE, "|min_value max_value"),
    EXPECT_TABLE_COLUMN_COUNT_TO_EQUAL(Family.TABLE, "value"),
    EXPECT_TABLE_COLUMNS_TO_MATCH_ORDERED_LIST(Family.TABLE, "|column_list"),
    EXPECT_TABLE_COLUMNS_TO_MATCH_SET(Family.TABLE, "|column_set exact_match"),
    EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN(Family.TABLE, "|min_value max_value"),
    EXPECT_TABLE_ROW_COUNT_TO_EQUAL(Family.TABLE, "value"),
    /**
     * This project's own (Great Expectations has none): the row count against the same pipeline's
     * recent loads ({@link VolumeHistory}); kwargs lookback (loads, default 8), same_weekday (default
     * false), max_change (a share of their median: 0.5 allows half as many to half as many again)
     * and/or max_stdevs (from their mean). With no earlier load it passes, saying so.
     */
    EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY(Family.TABLE, "|lookback same_weekday max_change max_stdevs"),
    /**
     * Great Expectations 1.x's SQL check: unexpected_rows_query, where {batch} stands for the rows checked, must
     * return no row; the rows are put in a temporary table of the warehouse and the query runs read-only.
     */
    UNEXPECTED_ROWS_EXPECTATION(Family.TABLE, "unexpected_rows_query|description"),

    // Each value of a column (nulls skipped unless the expectation is about nulls; mostly over the others).
    EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL(Family.COLUMN_VALUES, "column"),
    EXPECT_COLUMN_VALUES_TO_BE_NULL(Family.COLUMN_VALUES, "column"),
    EXPECT_COLUMN_VALUES_TO_BE_UNIQUE(Family.COLUMN_VALUES, "column"),
    EXPECT_COLUMN_VALUES_TO_BE_BETWEEN(Family.COLUMN_VALUES, "column|min_value max_value strict_min strict_max parse_strings_as_datetimes"),
    EXPECT_COLUMN_VALUES_TO_BE_IN_SET(Family.COLUMN_VALUES, "column value_set|parse_strings_as_datetimes"),
    EXPECT_COLUMN_VALUES_TO_NOT_BE_IN_SET(Family.COLUMN_VALUES, "column value_set|parse_strings_as_datetimes"),
    EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN(Family.COLUMN_VALUES, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL(Family.COLUMN_VALUES, "column value"),
    EXPECT_COLUMN_VALUES_TO_MATCH_REGEX(Family.COLUMN_VALUES, "column regex"),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX(Family.COLUMN_VALUES, "column regex"),
    EXPECT_COLUMN_VALUES_TO_MATCH_REGEX_LIST(Family.COLUMN_VALUES, "column regex_list|match_on"),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX_LIST(Family.COLUMN_VALUES, "column regex_list"),
    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN(Family.COLUMN_VALUES, "column like_pattern"),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN(Family.COLUMN_VALUES, "column like_pattern"),
    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN_LIST(Family.COLUMN_VALUES, "column like_pattern_list|match_on"),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN_LIST(Family.COLUMN_VALUES, "column like_pattern_list"),
    EXPECT_COLUMN_VALUES_TO_MATCH_STRFTIME_FORMAT(Family.COLUMN_VALUES, "column strftime_format"),
    EXPECT_COLUMN_VALUES_TO_BE_DATEUTIL_PARSEABLE(Family.COLUMN_VALUES, "column"),
    EXPECT_COLUMN_VALUES_TO_BE_JSON_PARSEABLE(Family.COLUMN_VALUES, "column"),
    EXPECT_COLUMN_VALUES_TO_BE_INCREASING(Family.COLUMN_VALUES, "column|strictly parse_strings_as_datetimes"),
    EXPECT_COLUMN_VALUES_TO_BE_DECREASING(Family.COLUMN_VALUES, "column|strictly parse_strings_as_datetimes"),

    // One figure of a column's non-null values (its observed value), within bounds or against a set.
    /** The column's declared type (the observed value), by its PostgreSQL, SQL or Avro name; mostly has no effect. */
    EXPECT_COLUMN_VALUES_TO_BE_OF_TYPE(Family.COLUMN_STATISTIC, "column type_|mostly"),
    EXPECT_COLUMN_VALUES_TO_BE_IN_TYPE_LIST(Family.COLUMN_STATISTIC, "column|type_list mostly"),
    EXPECT_COLUMN_MIN_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max parse_strings_as_datetimes"),
    EXPECT_COLUMN_MAX_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max parse_strings_as_datetimes"),
    EXPECT_COLUMN_MEAN_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_SUM_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    /**
     * This project's own, as the volume check for the row count: the column's sum against the sums the
     * same check observed in the pipeline's recent loads ({@link VolumeHistory#columnSums}); the same kwargs.
     */
    EXPECT_COLUMN_SUM_TO_BE_WITHIN_HISTORY(Family.COLUMN_STATISTIC, "column|lookback same_weekday max_change max_stdevs"),
    EXPECT_COLUMN_STDEV_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_QUANTILE_VALUES_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column quantile_ranges|allow_relative_error"),
    EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN(Family.COLUMN_STATISTIC, "column|min_value max_value strict_min strict_max"),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_BE_IN_SET(Family.COLUMN_STATISTIC, "column|value_set parse_strings_as_datetimes"),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET(Family.COLUMN_STATISTIC, "column value_set|parse_strings_as_datetimes"),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_EQUAL_SET(Family.COLUMN_STATISTIC, "column value_set|parse_strings_as_datetimes"),
    EXPECT_COLUMN_MOST_COMMON_VALUE_TO_BE_IN_SET(Family.COLUMN_STATISTIC, "column value_set|ties_okay"),

    // Each row, over two or more columns.
    EXPECT_COLUMN_PAIR_VALUES_A_TO_BE_GREATER_THAN_B(Family.ROWS, "column_A column_B|or_equal ignore_row_if parse_strings_as_datetimes"),
    EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL(Family.ROWS, "column_A column_B|ignore_row_if"),
    EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE(Family.ROWS, "column_list|ignore_row_if"),
    EXPECT_SELECT_COLUMN_VALUES_TO_BE_UNIQUE_WITHIN_RECORD(Family.ROWS, "column_list|ignore_row_if"),
    EXPECT_MULTICOLUMN_SUM_TO_EQUAL(Family.ROWS, "column_list sum_total|ignore_row_if");

    /** What an expectation looks at, which decides how it counts. */
    public enum Family {
        /** The table as a whole: its columns or its row count. */
        TABLE,
        /** Each value of one column: unexpected values counted, {@code mostly} honoured. */
        COLUMN_VALUES,
        /** One figure of a column (its observed value). */
        COLUMN_STATISTIC,
        /** Each row over several columns: unexpected rows counted, {@code mostly} honoured. */
        ROWS
    }

    private final Family family;
    private final List<String> required;
    private final List<String> optional;

    /** {@code arguments}: the required kwargs, then after a bar the optional ones, separated by spaces. */
    ExpectationType(Family family, String arguments) {
        this.family = family;
        String[] parts = arguments.split("\\|", -1);
        this.required = words(parts[0]);
        List<String> more = new ArrayList<>(parts.length > 1 ? words(parts[1]) : List.of());
        if (family == Family.COLUMN_VALUES || family == Family.ROWS) {
            more.add("mostly");
        }
        more.addAll(List.of("result_format", "include_config", "catch_exceptions")); // GE's switches of its output: no effect here
        this.optional = List.copyOf(more);
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split(" +"));
    }

    public Family family() {
        return family;
    }

    public List<String> requiredKwargs() {
        return required;
    }

    /** Every kwarg the type takes, required first. */
    public List<String> kwargs() {
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    /** The name used in suite files, e.g. {@code expect_column_values_to_be_unique}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ExpectationType> fromFileName(String name) {
        return Arrays.stream(values()).filter(t -> t.fileName().equals(name)).findFirst();
    }

    public static List<String> fileNames() {
        return Arrays.stream(values()).map(ExpectationType::fileName).toList();
    }
}
