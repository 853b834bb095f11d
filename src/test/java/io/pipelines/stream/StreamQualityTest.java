package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelines.quality.Expectation;
import io.pipelines.quality.ExpectationType;
import io.pipelines.quality.QualitySuite;

/** A stream's quality suite: each parsed event checked on its own. */
class StreamQualityTest {

    @TempDir
    Path spool;

    private final StreamDeclaration orders = OrdersDeclaration.ORDERS;

    @Test
    void anEventBreakingAnErrorBecomesARejectionAndOneBreakingOnlyAWarningIsKeptAndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        QualitySuite suite = new QualitySuite("orders_checks.json", "orders_checks", List.of(
                new Expectation(0, 3, ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_IN_SET,
                        Map.of("column", "customer_id", "value_set", List.of(666)), Expectation.ERROR),
                new Expectation(1, 5, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET,
                        Map.of("column", "product_category", "value_set", List.of("games")), Expectation.WARNING)));
        StreamLake lake = new StreamLake(null, null, orders, spool);
        try (StreamQuality quality = new StreamQuality(orders, suite, StreamLake.schema(orders), spool, registry)) {
            MicroBatch checked = quality.check(PoisonRecordsTest.batch(3, 1), lake::record);

            assertThat(checked.entries()).extracting(MicroBatch.Entry::rejection).containsExactly(null,
                    "quality suite orders_checks: expect_column_values_to_not_be_in_set(customer_id) not met", null);
            assertThat(checked.entries().get(1).event()).isNull();
            assertThat(checked.entries().get(1).stage()).as("a dead letter as a record that does not parse")
                    .isEqualTo(MicroBatch.Stage.PARSE);
            assertThat(registry.counter("pipeline.quality.warnings", "pipeline", "orders_stream", "suite", "orders_checks")
                    .count()).as("the two kept events of books, not games").isEqualTo(2.0);
        }
    }

    @Test
    void aSuiteOfExpectationsOnMoreThanOneEventIsRefusedNamingThem() {
        QualitySuite suite = new QualitySuite("orders_checks.json", "orders_checks", List.of(
                new Expectation(0, 3, ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN, Map.of("column", "total", "max_value", 5),
                        Expectation.ERROR),
                new Expectation(1, 4, ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE, Map.of("column", "event_id"),
                        Expectation.ERROR),
                new Expectation(2, 5, ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL, Map.of("column", "currency"),
                        Expectation.ERROR)));

        assertThatThrownBy(() -> new StreamQuality(orders, suite, StreamLake.schema(orders), spool, new SimpleMeterRegistry()))
                .isInstanceOf(StreamDeclarationException.class)
                .hasMessage("streams/orders-stream.yaml: quality.suite: orders_checks.json holds expectations[0] "
                        + "expect_column_mean_to_be_between(total), expectations[1] expect_column_values_to_be_unique(event_id), "
                        + "which a stream cannot check: each record is checked on its own, so only expectations on its "
                        + "values or columns (not on the table, a figure of a column, uniqueness or order) can be");
    }
}
