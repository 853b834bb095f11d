package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator's semantics, which follow Great Expectations'. */
class SuiteRunTest {

    @TempDir
    Path spool;

    private static final Schema SCHEMA = SchemaBuilder.record("t").fields()
            .optionalLong("id").optionalString("status").optionalDouble("amount").endRecord();

    @Test
    void notNullCountsNullsOverAllRowsAndHonoursMostly() {
        List<ExpectationResult> results = run(List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, "status", Map.of()),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, "status", Map.of("mostly", 0.5))),
                row(1L, "a", 1.0), row(2L, null, 1.0), row(3L, "b", 1.0), row(4L, null, 1.0));

        assertThat(results.get(0).success()).isFalse();
        assertThat(results.get(0).unexpectedCount()).isEqualTo(2);
        assertThat(results.get(0).unexpectedPercent()).isEqualTo(50.0);
        assertThat(results.get(1).success()).isTrue();
    }

    @Test
    void uniqueCountsEveryRowOfARepeatedValueAndSkipsNulls() {
        ExpectationResult result = run(List.of(expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "id", Map.of())),
                row(1L, "a", 1.0), row(2L, "a", 1.0), row(2L, "a", 1.0), row(null, "a", 1.0), row(null, "a", 1.0)).get(0);

        assertThat(result.success()).isFalse();
        assertThat(result.unexpectedCount()).isEqualTo(2);
        assertThat(result.partialUnexpected()).containsExactly("2", "2");
    }

    @Test
    void uniqueOverManyIdsCountsEveryRowOfEachRepeatedIdAndLeavesNoFileBehind() throws Exception {
        List<GenericData.Record> rows = new ArrayList<>();
        for (long id = 1; id <= 300_000; id++) {
            rows.add(row(id, "a", 1.0));
        }
        rows.add(row(77L, "a", 1.0));
        rows.add(row(77L, "a", 1.0));
        rows.add(row(123_456L, "a", 1.0));

        ExpectationResult result = run(List.of(expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "id", Map.of())),
                rows.toArray(GenericData.Record[]::new)).get(0);

        assertThat(result.unexpectedCount()).isEqualTo(5);
        assertThat(result.partialUnexpected()).containsExactlyInAnyOrder("77", "77", "77", "123456", "123456");
        try (var left = java.nio.file.Files.list(spool)) {
            assertThat(left.flatMap(d -> {
                try {
                    return java.nio.file.Files.list(d);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).isEmpty();
        }
    }

    @Test
    void uniqueOverManyTextsIsCheckedOnDiskWithEveryRepeatAndSamplesInRowOrder() throws Exception {
        List<GenericData.Record> rows = new ArrayList<>();
        rows.add(row(0L, "zeta", 1.0));
        for (int i = 1; i <= 200_000; i++) {
            rows.add(row((long) i, "customer-" + i, 1.0));
        }
        rows.add(row(-1L, "customer-77", 1.0));
        rows.add(row(-2L, "zeta", 1.0));
        rows.add(row(-3L, "customer-77", 1.0));
        for (int i = 0; i < 15; i++) {
            rows.add(row(-10L - i, "repeat-" + i, 1.0));
            rows.add(row(-100L - i, "repeat-" + i, 1.0));
        }

        ExpectationResult result = run(List.of(expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "status", Map.of())),
                rows.toArray(GenericData.Record[]::new)).get(0);

        assertThat(result.unexpectedCount()).as("every occurrence of each repeated text").isEqualTo(3 + 2 + 30);
        assertThat(result.partialUnexpected()).as("the first twenty occurrences, in row order").containsExactly("zeta",
                "customer-77", "customer-77", "zeta", "customer-77", "repeat-0", "repeat-0", "repeat-1", "repeat-1", "repeat-2",
                "repeat-2", "repeat-3", "repeat-3", "repeat-4", "repeat-4", "repeat-5", "repeat-5", "repeat-6", "repeat-6", "repeat-7");
        try (var left = java.nio.file.Files.list(spool)) {
            assertThat(left.flatMap(d -> {
                try {
                    return java.nio.file.Files.list(d);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).as("no spooled file left").isEmpty();
        }
    }

    @Test
    void uniqueOnTextKeepsRowOrderInItsSamples() {
        ExpectationResult result = run(List.of(expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "status", Map.of())),
                row(1L, "x", 1.0), row(2L, "y", 1.0), row(3L, "x", 1.0)).get(0);

        assertThat(result.unexpectedCount()).isEqualTo(2);
        assertThat(result.partialUnexpected()).containsExactly("x", "x");
    }

    @Test
    void betweenIsInclusiveUnlessStrictAndSkipsNulls() {
        List<ExpectationResult> results = run(List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, "amount", Map.of("min_value", 0, "max_value", 10)),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, "amount",
                        Map.of("min_value", 0, "max_value", 10, "strict_max", true)),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, "amount", Map.of("min_value", 0.5))),
                row(1L, "a", 0.0), row(2L, "a", 10.0), row(3L, "a", null), row(4L, "a", 3.25));

        assertThat(results.get(0).success()).isTrue();
        assertThat(results.get(1).unexpectedCount()).isEqualTo(1);
        assertThat(results.get(1).partialUnexpected()).containsExactly("10");
        assertThat(results.get(2).unexpectedCount()).isEqualTo(1);
        assertThat(results.get(2).partialUnexpected()).containsExactly("0");
    }

    @Test
    void inSetComparesTextAndHonoursMostly() {
        List<ExpectationResult> results = run(List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, "status", Map.of("value_set", List.of("a", "b"))),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, "status",
                        Map.of("value_set", List.of("a", "b"), "mostly", 0.6))),
                row(1L, "a", 1.0), row(2L, "b", 1.0), row(3L, "zz", 1.0));

        assertThat(results.get(0).success()).isFalse();
        assertThat(results.get(0).partialUnexpected()).containsExactly("zz");
        assertThat(results.get(1).success()).isTrue();
    }

    @Test
    void aMissingColumnFailsItsExpectations() {
        List<ExpectationResult> results = run(List.of(
                expectation(ExpectationType.EXPECT_COLUMN_TO_EXIST, "nope", Map.of()),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, "nope", Map.of())),
                row(1L, "a", 1.0));

        assertThat(results).allSatisfy(r -> assertThat(r.success()).isFalse());
    }

    @Test
    void noRowsPassColumnExpectationsAndRowCountIsChecked() {
        List<ExpectationResult> results = run(List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "id", Map.of()),
                expectation(ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN, null, Map.of("min_value", 1))));

        assertThat(results.get(0).success()).isTrue();
        assertThat(results.get(1).success()).isFalse();
    }

    @Test
    void decimalsCompareByValueWithIntegerBoundsAndSamplesArePlainNumbers() {
        Schema decimals = SchemaBuilder.record("d").fields().name("total").type().nullable().bytesType().noDefault()
                .endRecord();
        QualitySuite suite = new QualitySuite("s.json", "s", List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, "total", Map.of("min_value", 0, "max_value", 100))));
        SuiteRun run = new SuiteRun(suite, decimals, spool);
        for (String total : List.of("0.00", "100.00", "-5.00", "100.01", "12.34")) {
            GenericData.Record r = new GenericData.Record(decimals);
            r.put("total", new BigDecimal(total));
            run.accept(r);
        }

        ExpectationResult result = run.results().get(0);
        assertThat(result.elementCount()).isEqualTo(5);
        assertThat(result.unexpectedCount()).isEqualTo(2);
        assertThat(result.partialUnexpected()).containsExactly("-5", "100.01");
    }

    @Test
    void theRowRulesGiveTheExpectationsARowBreaksOnItsOwn() {
        List<Expectation> written = List.of(
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, "amount", Map.of("min_value", 0, "mostly", 0.9)),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, "status", Map.of("value_set", List.of("a"))),
                expectation(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, "id", Map.of()),
                expectation(ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN, "amount", Map.of("max_value", 0)),
                new Expectation(4, 1, ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of("column", "id"), Expectation.WARNING));
        List<Expectation> suite = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            Expectation e = written.get(i);
            suite.add(new Expectation(i, e.line(), e.type(), e.kwargs(), e.severity()));
        }
        try (SuiteRun rules = SuiteRun.rowRules(new QualitySuite("s.json", "s", suite), SCHEMA, spool)) {
            assertThat(rules.expectations()).extracting(Expectation::index).as("uniqueness and the mean left out")
                    .containsExactly(0, 1, 4);
            assertThat(rules.accept(row(1L, "a", 1.0))).isEmpty();
            assertThat(rules.accept(row(1L, "a", 1.0))).as("a repeated id is not the row's fault alone").isEmpty();
            assertThat(rules.accept(row(null, "b", -1.0))).extracting(Expectation::label).containsExactly(
                    "expect_column_values_to_be_between(amount)", "expect_column_values_to_be_in_set(status)",
                    "expect_column_values_to_not_be_null(id)");
            assertThat(rules.accept(row(2L, null, null))).as("nulls are not judged by them").isEmpty();
        }
    }

    @Test
    void resultFormatsTellFromSuccessAloneToEveryFailingRowByKeyUpToACap() {
        Map<String, Object> complete = new LinkedHashMap<>();
        complete.put("result_format", Map.of("result_format", "COMPLETE", "unexpected_index_column_names", List.of("id")));
        complete.put("value_set", List.of("a"));
        Map<String, Object> summary = new LinkedHashMap<>(Map.of("value_set", List.of("a"), "result_format", "SUMMARY"));
        Map<String, Object> byRow = new LinkedHashMap<>(Map.of("value_set", List.of("a"), "result_format", "COMPLETE"));
        List<Expectation> suite = List.of(
                new Expectation(0, 1, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET,
                        withColumn(Map.of("value_set", List.of("a"), "result_format", "BOOLEAN_ONLY")), Expectation.ERROR),
                new Expectation(1, 1, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, withColumn(summary), Expectation.ERROR),
                new Expectation(2, 1, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, withColumn(complete), Expectation.ERROR),
                new Expectation(3, 1, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, withColumn(byRow), Expectation.ERROR));
        try (SuiteRun run = new SuiteRun(new QualitySuite("s.json", "s", suite), SCHEMA, spool, VolumeHistory.NONE, 2)) {
            for (GenericData.Record r : List.of(row(1L, "a", 1.0), row(2L, "b", 1.0), row(3L, "c", 1.0), row(4L, "b", 1.0))) {
                run.accept(r);
            }
            List<ExpectationResult> results = run.results();
            assertThat(results).extracting(ExpectationResult::unexpectedCount).as("every row counted").containsOnly(3L);
            assertThat(results.get(0).partialUnexpected()).as("BOOLEAN_ONLY").isEmpty();
            assertThat(results.get(0).details()).isNull();
            assertThat(results.get(1).partialUnexpected()).containsExactly("b", "c", "b");
            assertThat(results.get(1).details().get("partial_unexpected_counts")).isEqualTo(List.of(
                    Map.of("value", "b", "count", 2L), Map.of("value", "c", "count", 1L)));
            assertThat(results.get(2).details()).containsEntry("unexpected_rows_kept", 2).containsEntry("unexpected_rows_capped", true)
                    .containsEntry("unexpected_index_column_names", List.of("id"));
            assertThat(run.unexpectedRows().get(2)).as("the first two failing rows, by key: the cap")
                    .containsExactly(new UnexpectedRow("{\"id\":2}", "b"), new UnexpectedRow("{\"id\":3}", "c"));
            assertThat(run.unexpectedRows().get(3)).as("no key columns: their place in the data")
                    .containsExactly(new UnexpectedRow("{\"row\":2}", "b"), new UnexpectedRow("{\"row\":3}", "c"));
            assertThat(run.unexpectedRows()).doesNotContainKeys(0, 1);
        }
        Expectation noSuchKey = new Expectation(0, 7, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, withColumn(Map.of(
                "value_set", List.of("a"), "result_format", Map.of("result_format", "COMPLETE",
                        "unexpected_index_column_names", List.of("order_id")))), Expectation.ERROR);
        assertThatThrownBy(() -> new SuiteRun(new QualitySuite("s.json", "s", List.of(noSuchKey)), SCHEMA, spool))
                .hasMessage("s.json:7: expectations[0]: kwargs.result_format.unexpected_index_column_names: the data has "
                        + "no column order_id");
    }

    private static Map<String, Object> withColumn(Map<String, Object> kwargs) {
        Map<String, Object> all = new LinkedHashMap<>(kwargs);
        all.put("column", "status");
        return all;
    }

    private static Expectation expectation(ExpectationType type, String column, Map<String, Object> kwargs) {
        Map<String, Object> all = new LinkedHashMap<>(kwargs);
        if (column != null) {
            all.put("column", column);
        }
        return new Expectation(0, 1, type, all, Expectation.ERROR);
    }

    private static GenericData.Record row(Long id, String status, Double amount) {
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put("id", id);
        r.put("status", status);
        r.put("amount", amount);
        return r;
    }

    private List<ExpectationResult> run(List<Expectation> expectations, GenericData.Record... rows) {
        List<Expectation> indexed = new ArrayList<>();
        for (int i = 0; i < expectations.size(); i++) {
            Expectation e = expectations.get(i);
            indexed.add(new Expectation(i, e.line(), e.type(), e.kwargs(), e.severity()));
        }
        try (SuiteRun run = new SuiteRun(new QualitySuite("s.json", "s", indexed), SCHEMA, spool)) {
            Arrays.stream(rows).forEach(run::accept);
            return run.results();
        }
    }
}
