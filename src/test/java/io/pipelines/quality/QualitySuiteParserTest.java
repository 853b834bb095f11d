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

        assertThatThrownBy(() -> parser.parse(file)).hasMessageContaining("expectation_suite_name is missing");
    }

    private Path write(String content) throws Exception {
        Path file = dir.resolve("suite.json");
        Files.writeString(file, content);
        return file;
    }
}
