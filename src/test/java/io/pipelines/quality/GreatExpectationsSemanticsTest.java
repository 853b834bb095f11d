package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantics of the suite's expectations pinned with numbers written by hand, taken from Great
 * Expectations' own test definitions (tests/test_definitions/column_map_expectations/*.json and
 * other_expectations/expect_table_row_count_to_be_between.json, GE 1.2.0): their data, their
 * arguments and their expected success, unexpected values and counts; and the percentages GE's
 * result format gives (unexpected_percent over the non-null values for column-map expectations,
 * over every row for not-null).
 */
class GreatExpectationsSemanticsTest {

    @TempDir
    Path spool;

    private static final Schema SCHEMA = SchemaBuilder.record("t").fields()
            .optionalLong("x").optionalLong("z").optionalLong("c").optionalString("a").optionalLong("n").optionalLong("nulls")
            .optionalString("s").endRecord();

    /** GE's datasets, column by column (null: a missing value). */
    private static final Map<String, List<Object>> DATA = new HashMap<>();

    static {
        DATA.put("x", Arrays.asList(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
        DATA.put("z", Arrays.asList(1L, 2L, 3L, 4L, 5L, null, null, null, null, null));
        DATA.put("c", Arrays.asList(1L, 1L, 2L, null));
        DATA.put("a", Arrays.asList("2", "2", "2", null));
        DATA.put("n", Arrays.asList(null, null, 2L, null));
        DATA.put("nulls", Arrays.asList(null, null, null, null));
        DATA.put("one_null", Arrays.asList(4L, 5L, null, 7L));
        DATA.put("s", Arrays.asList("AK", null, "zz", null));
    }

    @Test
    void betweenTakesMostlyOverTheNonNullValues() {
        // negative_/positive_test_to_verify_that_the_denominator_for_mostly_works_with_missing_values
        ExpectationResult strict = between("z", 1, 4, Map.of("mostly", 0.9));
        ExpectationResult lenient = between("z", 1, 4, Map.of("mostly", 0.8));

        assertThat(strict.success()).as("4 of 5 non-null values: 0.8 < 0.9").isFalse();
        assertThat(lenient.success()).as("0.8 >= 0.8").isTrue();
        for (ExpectationResult r : List.of(strict, lenient)) {
            assertThat(r.elementCount()).isEqualTo(10);
            assertThat(r.unexpectedCount()).isEqualTo(1);
            assertThat(r.unexpectedPercent()).as("over the 5 non-null values").isEqualTo(20.0);
            assertThat(r.partialUnexpected()).containsExactly("5");
        }
    }

    @Test
    void betweenIsInclusiveUnlessStrict() {
        // basic_positive_test, test_strict_min_failure/success, test_strict_max_failure/success
        assertThat(between("x", 1, 10, Map.of()).success()).isTrue();
        ExpectationResult strictMin = between("x", 1, 10, Map.of("strict_min", true));
        assertThat(strictMin.success()).isFalse();
        assertThat(strictMin.partialUnexpected()).containsExactly("1");
        assertThat(between("x", 1, 10, Map.of("strict_min", false)).success()).isTrue();
        ExpectationResult strictMax = between("x", 0, 10, Map.of("strict_max", true));
        assertThat(strictMax.success()).isFalse();
        assertThat(strictMax.partialUnexpected()).containsExactly("10");
        assertThat(between("x", 0, 10, Map.of("strict_max", false)).success()).isTrue();
        // 3rd_positive_test_with_mostly, negative_test_with_mostly
        assertThat(between("x", 1, 9, Map.of("mostly", 0.9)).success()).as("9 of 10").isTrue();
        ExpectationResult two = between("x", 3, 10, Map.of("mostly", 0.9));
        assertThat(two.success()).isFalse();
        assertThat(two.partialUnexpected()).containsExactly("1", "2");
        assertThat(two.unexpectedPercent()).isEqualTo(20.0);
    }

    @Test
    void uniqueCountsEveryCopyOfARepeatedValueAndNeverANull() {
        // negative_case_using_mostly / positive_case_using_mostly: c = [1, 1, 2, null]
        ExpectationResult lenient = run("c", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of("mostly", 0.3));
        ExpectationResult strict = run("c", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of("mostly", 0.4));
        assertThat(lenient.success()).as("1 of 3 non-null values unique: 0.33 >= 0.3").isTrue();
        assertThat(strict.success()).as("0.33 < 0.4 (over all 4 rows it would pass)").isFalse();
        for (ExpectationResult r : List.of(lenient, strict)) {
            assertThat(r.elementCount()).isEqualTo(4);
            assertThat(r.unexpectedCount()).isEqualTo(2);
            assertThat(r.unexpectedPercent()).isEqualTo(100.0 * 2 / 3);
            assertThat(r.partialUnexpected()).containsExactly("1", "1");
        }
        // basic_negative_case_all_non_unique_character_values: a = ["2", "2", "2", null]
        ExpectationResult text = run("a", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of());
        assertThat(text.success()).isFalse();
        assertThat(text.partialUnexpected()).containsExactly("2", "2", "2");
        assertThat(text.unexpectedPercent()).isEqualTo(100.0);
        // positive_case_multiple_null_values, positive_case_all_null_values
        assertThat(run("n", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of()).success()).isTrue();
        ExpectationResult allNull = run("nulls", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of());
        assertThat(allNull.success()).as("no value to check: vacuously true").isTrue();
        assertThat(allNull.unexpectedCount()).isZero();
        assertThat(allNull.unexpectedPercent()).isNull();
    }

    @Test
    void inSetSkipsNullsAndTakesMostlyOverTheOthers() {
        // GE drops nulls before the check (filter_column_isnull): s = ["AK", null, "zz", null]
        ExpectationResult half = run("s", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET,
                Map.of("value_set", List.of("AK", "HI"), "mostly", 0.5));
        assertThat(half.success()).as("1 of 2 non-null values: 0.5 >= 0.5").isTrue();
        assertThat(half.elementCount()).isEqualTo(4);
        assertThat(half.unexpectedCount()).as("the nulls are not unexpected").isEqualTo(1);
        assertThat(half.unexpectedPercent()).isEqualTo(50.0);
        assertThat(half.partialUnexpected()).containsExactly("zz");
        assertThat(run("s", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET,
                Map.of("value_set", List.of("AK", "HI"), "mostly", 0.51)).success()).isFalse();
        // test_empty_column_should_be_vacuously_true (here: a column of nulls only)
        assertThat(run("nulls", ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET,
                Map.of("value_set", List.of("cat", "dog"))).success()).isTrue();
    }

    @Test
    void notNullCountsOverEveryRow() {
        // positive_mostly / negative_mostly / negative_no_mostly_one_missing: one_null = [4, 5, null, 7]
        ExpectationResult lenient = run("one_null", ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of("mostly", 0.7));
        ExpectationResult strict = run("one_null", ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of("mostly", 0.8));
        ExpectationResult none = run("one_null", ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of());
        assertThat(lenient.success()).as("3 of 4: 0.75 >= 0.7").isTrue();
        assertThat(strict.success()).isFalse();
        assertThat(none.success()).isFalse();
        for (ExpectationResult r : List.of(lenient, strict, none)) {
            assertThat(r.elementCount()).isEqualTo(4);
            assertThat(r.unexpectedCount()).isEqualTo(1);
            assertThat(r.unexpectedPercent()).as("over every row").isEqualTo(25.0);
            assertThat(r.partialUnexpected()).containsExactly("null");
        }
        // negative_all_missing_values
        ExpectationResult all = run("nulls", ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of());
        assertThat(all.success()).isFalse();
        assertThat(all.unexpectedCount()).isEqualTo(4);
        assertThat(all.unexpectedPercent()).isEqualTo(100.0);
    }

    @Test
    void theRowCountBoundsAreInclusive() {
        // expect_table_row_count_to_be_between over 4 rows
        assertThat(rowCount(3L, 5L).success()).isTrue();
        assertThat(rowCount(null, 4L).success()).as("max_value equal to the count").isTrue();
        assertThat(rowCount(4L, null).success()).as("min_value equal to the count").isTrue();
        assertThat(rowCount(null, 10L).success()).isTrue();
        assertThat(rowCount(null, null).success()).as("vacuously true").isTrue();
        ExpectationResult tooMany = rowCount(0L, 1L);
        assertThat(tooMany.success()).isFalse();
        assertThat(tooMany.observedValue()).as("the observed value").isEqualTo(4L);
        assertThat(rowCount(5L, null).success()).isFalse();
    }

    private ExpectationResult between(String column, long min, long max, Map<String, Object> more) {
        Map<String, Object> kwargs = new HashMap<>(more);
        kwargs.put("min_value", min);
        kwargs.put("max_value", max);
        return run(column, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, kwargs);
    }

    private ExpectationResult rowCount(Long min, Long max) {
        Map<String, Object> kwargs = new HashMap<>();
        kwargs.put("min_value", min);
        kwargs.put("max_value", max);
        return run("one_null", ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN, kwargs, false);
    }

    private ExpectationResult run(String column, ExpectationType type, Map<String, Object> kwargs) {
        return run(column, type, kwargs, true);
    }

    /** The expectation over the rows of GE's dataset that holds {@code column} (as many rows as it has values). */
    private ExpectationResult run(String column, ExpectationType type, Map<String, Object> kwargs, boolean onColumn) {
        Map<String, Object> all = new HashMap<>(kwargs);
        String field = column.equals("one_null") ? "x" : column;
        if (onColumn) {
            all.put("column", field);
        }
        QualitySuite suite = new QualitySuite("ge.json", "ge", List.of(new Expectation(0, 1, type, all, Expectation.ERROR)));
        List<Object> values = DATA.get(column);
        try (SuiteRun run = new SuiteRun(suite, SCHEMA, spool)) {
            List<GenericData.Record> rows = new ArrayList<>();
            for (Object value : values) {
                GenericData.Record r = new GenericData.Record(SCHEMA);
                r.put(field, value);
                rows.add(r);
            }
            rows.forEach(run::accept);
            return run.results().get(0);
        }
    }
}
