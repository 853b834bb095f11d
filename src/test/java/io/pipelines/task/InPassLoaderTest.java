package io.pipelines.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.lake.Manifest;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunLedger;
import io.pipelines.run.TaskResult;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestDates;

/**
 * The load done in the extract's pass commits only what the two-pass load would: every expectation
 * met, the manifest's count, the run still this instance's; and it records the three tasks with
 * the load, in its transaction. Against the warehouse, with daily_sales_etl's settings and suite.
 */
class InPassLoaderTest extends PipelinesIntegrationTest {

    /** What daily_sales_etl's extract feeds in its pass (routes/daily-sales-etl.camel.yaml). */
    private static final InPassLoader.Target TARGET = new InPassLoader.Target("daily_sales_etl", "validate_data",
            "quality/orders_suite.json", false, "load_to_staging", "staging.orders", 0.5);
    private static final Schema SCHEMA = SchemaBuilder.record("orders").namespace("pipelines").fields()
            .name("order_id").type(nullable(Schema.create(Schema.Type.LONG))).withDefault(null)
            .name("customer_id").type(nullable(Schema.create(Schema.Type.LONG))).withDefault(null)
            .name("product_category").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
            .name("total").type(nullable(LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES)))).withDefault(null)
            .name("currency").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
            .name("status").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
            .name("created_at").type(nullable(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
            .name("updated_at").type(nullable(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
            .endRecord();

    @Autowired
    InPassLoader loader;
    @Autowired
    RunLedger ledger;
    @Autowired
    PipelineCatalog catalog;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    io.pipelines.quality.QualitySuiteParser suite;

    @Test
    void aPassThatMetEveryExpectationReplacesTheDateAndRecordsTheThreeTasksWithIt() throws Exception {
        LocalDate date = TestDates.InPassLoader.COMMITTED;
        long earlier = earlierLoad(date);
        long runId = runExtracting(date);

        List<TaskResult.Folded> done = pass(runId, date, orders(5_000, false), 5_000);

        assertThat(done).extracting(TaskResult.Folded::task).containsExactly("validate_data", "load_to_staging");
        assertThat(jdbc.queryForList("SELECT run_id, count(*) AS n FROM staging.orders WHERE logical_date = ? GROUP BY run_id",
                date)).containsExactly(Map.of("run_id", runId, "n", 5_000L));
        List<Map<String, Object>> tasks = jdbc.queryForList("SELECT task, status, started_at, rows_out FROM etl.task_runs "
                + "WHERE run_id = ? ORDER BY started_at, finished_at", runId);
        assertThat(tasks).extracting(t -> t.get("task") + " " + t.get("status") + " " + t.get("rows_out")).containsExactly(
                "extract_orders SUCCEEDED 5000", "validate_data SUCCEEDED 5000", "load_to_staging SUCCEEDED 5000");
        assertThat(tasks).extracting(t -> t.get("started_at")).containsOnly(tasks.get(0).get("started_at"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.quality_results WHERE run_id = ? AND success", Long.class, runId))
                .as("every expectation of the suite met").isEqualTo((long) suite.parse(java.nio.file.Path.of(
                        "quality/orders_suite.json")).expectations().size());
        assertThat(earlier).isNotEqualTo(runId);
    }

    @Test
    void aFailedExpectationLoadsNothingAndLeavesTheTasksToRunOnTheirOwn() throws Exception {
        LocalDate date = TestDates.InPassLoader.FAILED_EXPECTATION;
        long earlier = earlierLoad(date);
        long runId = runExtracting(date);

        assertThat(pass(runId, date, orders(3_000, true), 3_000)).isEmpty();

        assertThat(stagingRuns(date)).containsExactly(earlier);
        assertThat(extractStatus(runId)).as("the extract's own record is left to its route").isEqualTo("RUNNING");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.task_runs WHERE run_id = ?", Long.class, runId)).isOne();
    }

    @Test
    void aCountOtherThanTheManifestsLoadsNothing() throws Exception {
        LocalDate date = TestDates.InPassLoader.COUNT_MISMATCH;
        long earlier = earlierLoad(date);
        long runId = runExtracting(date);

        assertThat(pass(runId, date, orders(2_000, false), 2_001)).isEmpty();

        assertThat(stagingRuns(date)).containsExactly(earlier);
        assertThat(extractStatus(runId)).isEqualTo("RUNNING");
    }

    @Test
    void aRunTakenOverDuringThePassIsNotLoadedByTheInstanceThatLostIt() throws Exception {
        LocalDate date = TestDates.InPassLoader.TAKEN_OVER;
        long earlier = earlierLoad(date);
        long runId = runExtracting(date);
        List<GenericRecord> rows = orders(1_000, false);

        try (InPassLoader.Load load = loader.open(TARGET, runId, date, SCHEMA, false)) {
            assertThat(load).isNotNull();
            load.accept(rows);
            // While this instance reads, another one (alive: the test's own service does not take the run back) takes it over.
            jdbc.update("UPDATE etl.pipeline_runs SET owner = ? WHERE run_id = ?", warehouse.liveOtherInstance(), runId);
            assertThatThrownBy(() -> load.finish(manifest(runId, date, 1_000), folder(runId, date), "extract_orders", result(1_000)))
                    .isInstanceOf(RunTakenOverException.class);
        }

        assertThat(stagingRuns(date)).containsExactly(earlier);
        assertThat(extractStatus(runId)).isEqualTo("RUNNING");
    }

    /** One pass over the rows; the manifest counts {@code manifestRows}. */
    private List<TaskResult.Folded> pass(long runId, LocalDate date, List<GenericRecord> rows, long manifestRows)
            throws Exception {
        try (InPassLoader.Load load = loader.open(TARGET, runId, date, SCHEMA, false)) {
            assertThat(load).as("the pass's load started").isNotNull();
            for (int from = 0; from < rows.size(); from += 700) {
                load.accept(rows.subList(from, Math.min(rows.size(), from + 700)));
            }
            return load.finish(manifest(runId, date, manifestRows), folder(runId, date), "extract_orders", result(manifestRows));
        }
    }

    /** The run's folder in the lake, where the pass's quality report goes. */
    private static String folder(long runId, LocalDate date) {
        return io.pipelines.lake.LakeKeys.runFolder("raw/sales/orders", date, runId);
    }

    /** A run of the date as its extract starts: queued by this instance, its extract task running. */
    private long runExtracting(LocalDate date) {
        long runId = ledger.enqueue("daily_sales_etl", List.of(date), "test").get(0);
        ledger.startTask(runId, "extract_orders");
        return runId;
    }

    /** Rows of the date loaded by an earlier (finished) run. */
    private long earlierLoad(LocalDate date) {
        long runId = ledger.enqueue("daily_sales_etl", List.of(date), "test").get(0);
        jdbc.update("UPDATE etl.pipeline_runs SET status = 'SUCCEEDED' WHERE run_id = ?", runId);
        jdbc.update("INSERT INTO staging.orders (logical_date, run_id, order_id, total) VALUES (?, ?, 1, 1.00), (?, ?, 2, 2.00)",
                date, runId, date, runId);
        return runId;
    }

    private List<Long> stagingRuns(LocalDate date) {
        return jdbc.queryForList("SELECT DISTINCT run_id FROM staging.orders WHERE logical_date = ?", Long.class, date);
    }

    private String extractStatus(long runId) {
        return jdbc.queryForObject("SELECT status FROM etl.task_runs WHERE run_id = ? AND task = 'extract_orders'",
                String.class, runId);
    }

    private static Manifest manifest(long runId, LocalDate date, long rows) {
        return new Manifest("daily_sales_etl", runId, date, rows, SCHEMA.toString(),
                List.of(new Manifest.LakeObject("raw/test/part-00000.parquet", rows, 1, "0")), Instant.now());
    }

    private static TaskResult result(long rows) {
        return new TaskResult(rows, rows, List.of("raw/test/part-00000.parquet", "raw/test/_manifest.json"));
    }

    private static List<GenericRecord> orders(int n, boolean oneNegative) {
        List<GenericRecord> rows = new ArrayList<>();
        Instant t = Instant.parse("2023-01-01T10:00:00Z");
        for (int i = 0; i < n; i++) {
            GenericData.Record r = new GenericData.Record(SCHEMA);
            r.put("order_id", 7_000_000_000L + i);
            r.put("customer_id", (long) (i % 50));
            r.put("product_category", "books");
            r.put("total", BigDecimal.valueOf(oneNegative && i == n / 2 ? -100 : 100 + i, 2));
            r.put("currency", "USD");
            r.put("status", "completed");
            r.put("created_at", t.plusSeconds(i));
            r.put("updated_at", t.plusSeconds(i + 60));
            rows.add(r);
        }
        return rows;
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }
}
