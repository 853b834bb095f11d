package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The volume check: a load's row count against the same pipeline's earlier loads. */
class VolumeCheckTest {

    private static final Schema SCHEMA = SchemaBuilder.record("t").fields().optionalLong("id").endRecord();
    private static final List<Long> HISTORY = List.of(100L, 110L, 90L, 104L, 96L);

    @TempDir
    Path dir;

    @Test
    void aLoadFarBelowTheMedianOfTheEarlierLoadsFailsNamingThem() {
        ExpectationResult few = check(Map.of("max_change", 0.5), HISTORY, 40);
        ExpectationResult usual = check(Map.of("max_change", 0.5), HISTORY, 60);
        ExpectationResult many = check(Map.of("max_change", 0.5), HISTORY, 151);

        assertThat(few.success()).isFalse();
        assertThat(few.summary()).isEqualTo("expect_table_row_count_to_be_within_history: 40 rows; 5 earlier load(s) "
                + "[100, 110, 90, 104, 96] (median 100) allow 50 to 150");
        assertThat(usual.success()).isTrue();
        assertThat(many.success()).isFalse();
    }

    @Test
    void standardDeviationsFromTheMeanAndBothBoundsTogether() {
        // Mean 100, sample standard deviation 7.62: two of them allow 84.8 to 115.2.
        assertThat(check(Map.of("max_stdevs", 2), HISTORY, 85).success()).isTrue();
        assertThat(check(Map.of("max_stdevs", 2), HISTORY, 84).success()).isFalse();
        assertThat(check(Map.of("max_stdevs", 2), HISTORY, 116).success()).isFalse();
        assertThat(check(Map.of("max_stdevs", 2, "max_change", 0.1), HISTORY, 112).success()).as("beyond 10 %").isFalse();
    }

    @Test
    void aFirstLoadPassesSayingItHadNothingToCompareWith() {
        ExpectationResult first = check(Map.of("max_change", 0.5), List.of(), 3);

        assertThat(first.success()).isTrue();
        assertThat(first.partialUnexpected()).containsExactly("no earlier load to compare 3 rows with: passed");
    }

    @Test
    void theHistoryIsAskedForWithTheLookbackAndWeekdayOfTheExpectation() {
        List<String> asked = new ArrayList<>();
        check(Map.of("max_change", 0.5), (lookback, weekday) -> {
            asked.add(lookback + " " + weekday);
            return HISTORY;
        }, 100);
        check(Map.of("max_change", 0.5, "lookback", 4, "same_weekday", true), (lookback, weekday) -> {
            asked.add(lookback + " " + weekday);
            return HISTORY;
        }, 100);

        assertThat(asked).containsExactly("8 false", "4 true");
    }

    @Test
    void wrongArgumentsAreRefusedAtStartUpNamingThem() throws Exception {
        QualitySuiteParser parser = new QualitySuiteParser(new ObjectMapper());
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("{}", "expect_table_row_count_to_be_within_history needs kwargs.max_change (a share of the median of the "
                + "earlier loads) or kwargs.max_stdevs (standard deviations from their mean)");
        wrong.put("{\"max_change\": 0}", "kwargs.max_change must be a number above 0");
        wrong.put("{\"max_stdevs\": \"two\"}", "kwargs.max_stdevs must be a number above 0");
        wrong.put("{\"max_change\": 0.5, \"lookback\": 2.5}", "kwargs.lookback must be a whole number of loads from 1 to "
                + "1000, not 2.5");
        wrong.put("{\"max_change\": 0.5, \"same_weekday\": \"yes\"}", "kwargs.same_weekday must be true or false, not yes");
        for (Map.Entry<String, String> c : wrong.entrySet()) {
            Path file = dir.resolve("suite.json");
            Files.writeString(file, """
                    {"expectation_suite_name": "s", "expectations": [
                      {"expectation_type": "expect_table_row_count_to_be_within_history", "kwargs": %s}
                    ]}
                    """.formatted(c.getKey()));
            assertThatThrownBy(() -> parser.parse(file)).as(c.getKey())
                    .hasMessage(file + ":2: expectations[0]: " + c.getValue());
        }
    }

    @Test
    void aColumnsSumIsComparedWithTheSumsTheSameCheckObservedBefore() {
        // ids 0..39 sum to 780; the earlier sums' median is 2,000: half of it to half as much again allow 1,000 to 3,000.
        List<String> asked = new java.util.ArrayList<>();
        VolumeHistory history = new VolumeHistory() {
            @Override
            public List<Long> rowCounts(int lookback, boolean sameWeekday) {
                return List.of();
            }

            @Override
            public List<Double> columnSums(String column, int lookback, boolean sameWeekday) {
                asked.add(column + " " + lookback + " " + sameWeekday);
                return List.of(2000.0, 1900.0, 2100.5);
            }
        };
        Expectation e = new Expectation(0, 1, ExpectationType.EXPECT_COLUMN_SUM_TO_BE_WITHIN_HISTORY,
                Map.of("column", "id", "max_change", 0.5, "lookback", 3, "same_weekday", true), Expectation.ERROR);
        try (SuiteRun run = new SuiteRun(new QualitySuite("s.json", "s", List.of(e)), SCHEMA, dir, history)) {
            for (long i = 0; i < 40; i++) {
                GenericData.Record r = new GenericData.Record(SCHEMA);
                r.put("id", i);
                run.accept(r);
            }
            ExpectationResult sum = run.results().get(0);
            assertThat(sum.success()).isFalse();
            assertThat(sum.observedValue()).isEqualTo(new java.math.BigDecimal("780"));
            assertThat(sum.summary()).isEqualTo("expect_column_sum_to_be_within_history(id): sum 780; 3 earlier load(s) "
                    + "[2000, 1900, 2100.5] (median 2000) allow 1000 to 3000");
        }
        assertThat(asked).containsExactly("id 3 true");
    }

    private ExpectationResult check(Map<String, Object> kwargs, List<Long> history, int rows) {
        return check(kwargs, (lookback, weekday) -> history, rows);
    }

    private ExpectationResult check(Map<String, Object> kwargs, VolumeHistory history, int rows) {
        Expectation e = new Expectation(0, 1, ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY, kwargs,
                Expectation.ERROR);
        try (SuiteRun run = new SuiteRun(new QualitySuite("s.json", "s", List.of(e)), SCHEMA, dir, history)) {
            for (long i = 0; i < rows; i++) {
                GenericData.Record r = new GenericData.Record(SCHEMA);
                r.put("id", i);
                run.accept(r);
            }
            return run.results().get(0);
        }
    }
}
