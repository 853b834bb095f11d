package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

class QualitySuiteParserTest {

    @TempDir
    Path dir;

    private final QualitySuiteParser parser = new QualitySuiteParser(new ObjectMapper());

    @Test
    void readsTheProjectsOrdersSuite() {
        QualitySuite suite = parser.parse(Path.of("quality/orders_suite.json"));

        assertThat(suite.name()).isEqualTo("orders_suite");
        assertThat(suite.expectations()).extracting(Expectation::type).contains(
                ExpectationType.EXPECT_COLUMN_TO_EXIST, ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL,
                ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN);
        Expectation between = suite.expectations().stream()
                .filter(e -> e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN).findFirst().orElseThrow();
        assertThat(between.kwargs()).containsEntry("min_value", 0).containsEntry("max_value", 1000000);
    }

    @Test
    void anUnknownExpectationTypeIsNamedWithFileAndLine() throws Exception {
        Path file = write("""
                {
                  "expectation_suite_name": "s",
                  "expectations": [
                    {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}},
                    {"expectation_type": "expect_column_values_to_be_purple", "kwargs": {"column": "a"}}
                  ]
                }
                """);

        assertThatThrownBy(() -> parser.parse(file)).isInstanceOf(QualitySuiteException.class)
                .hasMessageStartingWith(file + ":5: expectations[1]: unknown expectation_type 'expect_column_values_to_be_purple'")
                .hasMessageContaining("expect_column_values_to_be_unique");
    }

    @Test
    void invalidJsonIsReportedWithItsLine() throws Exception {
        Path file = write("{\n  \"expectation_suite_name\": \"s\",\n  \"expectations\": [ { ]\n}\n");

        assertThatThrownBy(() -> parser.parse(file)).hasMessageStartingWith(file + ":3: not valid JSON");
    }

    @Test
    void aMissingArgumentIsNamed() throws Exception {
        Path file = write("""
                {"expectation_suite_name": "s", "expectations": [
                  {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "total"}}
                ]}
                """);

        assertThatThrownBy(() -> parser.parse(file))
                .hasMessageStartingWith(file + ":2: expectations[0]: expect_column_values_to_be_between needs kwargs.min_value or kwargs.max_value");
    }

    @Test
    void mostlyOutsideZeroToOneIsRefused() throws Exception {
        Path file = write("""
                {"expectation_suite_name": "s", "expectations": [
                  {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "mostly": 1.5}}
                ]}
                """);

        assertThatThrownBy(() -> parser.parse(file)).hasMessageContaining(":2: expectations[0]: kwargs.mostly must be a number from 0 to 1");
    }

    @Test
    void anExpectationsSeverityIsErrorUnlessItsMetaSaysWarning() throws Exception {
        Path file = write("""
                {"expectation_suite_name": "s", "expectations": [
                  {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}},
                  {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "b"}, "meta": {"severity": "warning"}},
                  {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "c"}, "meta": {"notes": "x"}}
                ]}
                """);

        assertThat(parser.parse(file).expectations()).extracting(Expectation::severity)
                .containsExactly(Expectation.ERROR, Expectation.WARNING, Expectation.ERROR);
        Path wrong = write("""
                {"expectation_suite_name": "s", "expectations": [
                  {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}, "meta": {"severity": "info"}}
                ]}
                """);
        assertThatThrownBy(() -> parser.parse(wrong)).hasMessageStartingWith(wrong + ":2: expectations[0]: meta.severity "
                + "must be \"error\" (the default: a failure fails the run) or \"warning\"");
        assertThat(parser.parse(Path.of("quality/orders_suite.json")).expectations())
                .as("the demo suite has a warning").extracting(Expectation::severity).contains(Expectation.WARNING);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> parser.parse(dir.resolve("nope.json"))).hasMessageContaining("nope.json: file not found");
    }

    @Test
    void aSuiteWithoutNameIsRefused() throws Exception {
        Path file = write("{\"expectations\": []}");

        assertThatThrownBy(() -> parser.parse(file)).hasMessageContaining("the suite's name is missing");
    }

    @Test
    void readsGreatExpectations1xSuitesToo() throws Exception {
        Path file = write("""
                {
                  "name": "orders_1x",
                  "id": "2b5e1f6e-0000-4000-8000-000000000000",
                  "expectations": [
                    {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "currency", "regex": "^[A-Z]{3}$"},
                     "meta": {"severity": "warning"}, "id": "e1"},
                    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["order_id", "currency"]}}
                  ],
                  "meta": {"great_expectations_version": "1.2.0"}, "notes": null
                }
                """);

        QualitySuite suite = parser.parse(file);

        assertThat(suite.name()).isEqualTo("orders_1x");
        assertThat(suite.expectations()).extracting(Expectation::type).containsExactly(
                ExpectationType.EXPECT_COLUMN_VALUES_TO_MATCH_REGEX, ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE);
        assertThat(suite.expectations().get(0).severity()).isEqualTo(Expectation.WARNING);
    }

    @Test
    void aWrongArgumentIsRefusedNamingTheFileTheLineAndTheArgument() throws Exception {
        java.util.Map<String, String> wrong = new java.util.LinkedHashMap<>();
        wrong.put("{\"type\": \"expect_column_values_to_match_regex\", \"kwargs\": {\"column\": \"a\", \"regex\": \"([a-z\"}}",
                "kwargs.regex: '([a-z' is not a valid regular expression");
        wrong.put("{\"type\": \"expect_column_values_to_be_in_set\", \"kwargs\": {\"column\": \"a\", \"value_set\": [1], \"mostyl\": 0.9}}",
                "kwargs.mostyl is not an argument of expect_column_values_to_be_in_set (it takes: column, value_set, "
                        + "parse_strings_as_datetimes, mostly, result_format, include_config, catch_exceptions)");
        wrong.put("{\"type\": \"expect_column_values_to_match_strftime_format\", \"kwargs\": {\"column\": \"a\", \"strftime_format\": \"%Y-%D\"}}",
                "kwargs.strftime_format: '%D' is not a strftime directive Python reads");
        wrong.put("{\"type\": \"expect_column_pair_values_to_be_equal\", \"kwargs\": {\"column_A\": \"a\", \"column_B\": \"b\", \"ignore_row_if\": \"any_value_is_missing\"}}",
                "kwargs.ignore_row_if must be one of [both_values_are_missing, either_value_is_missing, neither], not any_value_is_missing");
        wrong.put("{\"type\": \"expect_column_values_to_be_between\", \"kwargs\": {\"column\": \"a\", \"min_value\": 10, \"max_value\": 1}}",
                "kwargs.min_value (10) is greater than kwargs.max_value (1)");
        wrong.put("{\"type\": \"expect_column_mean_to_be_between\", \"kwargs\": {\"column\": \"a\", \"min_value\": \"low\"}}",
                "kwargs.min_value must be a number, not low");
        wrong.put("{\"type\": \"expect_column_quantile_values_to_be_between\", \"kwargs\": {\"column\": \"a\", \"quantile_ranges\": "
                        + "{\"quantiles\": [0.5, 0.9], \"value_ranges\": [[1, 2]]}}}",
                "kwargs.quantile_ranges: quantiles and value_ranges must be as long as each other, and not empty");
        wrong.put("{\"type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"a\", \"row_condition\": \"a > 1\"}}",
                "kwargs.row_condition is not supported here");
        wrong.put("{\"type\": \"expect_table_row_count_to_equal\", \"kwargs\": {\"value\": \"hello\"}}",
                "kwargs.value must be a whole number from 0, not hello");
        wrong.put("{\"type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"a\", \"result_format\": \"COMPLETE\"}}",
                "kwargs.result_format COMPLETE names each failing row as it is read, and a uniqueness check finds its "
                        + "repeats only once every row is read");
        wrong.put("{\"type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"a\", \"result_format\": \"FULL\"}}",
                "kwargs.result_format must be one of [BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE]");
        wrong.put("{\"type\": \"unexpected_rows_expectation\", \"kwargs\": {\"unexpected_rows_query\": \"SELECT * FROM orders\"}}",
                "kwargs.unexpected_rows_query must read the rows checked as {batch}");
        wrong.put("{\"type\": \"unexpected_rows_expectation\", \"kwargs\": {\"unexpected_rows_query\": "
                        + "\"SELECT * FROM {batch}; DROP TABLE staging.orders\"}}",
                "kwargs.unexpected_rows_query must be one SELECT statement");
        for (java.util.Map.Entry<String, String> c : wrong.entrySet()) {
            Path file = write("{\"name\": \"s\", \"expectations\": [\n" + c.getKey() + "\n]}");
            assertThatThrownBy(() -> parser.parse(file)).as(c.getKey()).isInstanceOf(QualitySuiteException.class)
                    .hasMessageStartingWith(file + ":2: expectations[0]: " + c.getValue());
        }
    }

    private Path write(String content) throws Exception {
        Path file = dir.resolve("suite.json");
        Files.writeString(file, content);
        return file;
    }
}
