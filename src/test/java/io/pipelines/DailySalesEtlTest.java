package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

import io.pipelines.local.LocalServers;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.run.RunLauncher;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.AlertReceiver;
import io.pipelines.support.AnotherService;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TableLock;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;
import io.pipelines.support.Warehouse;
import io.pipelines.support.Warehouse.Totals;

/** The daily_sales_etl pipeline end to end, on the embedded PostgreSQL and S3 servers. */
class DailySalesEtlTest extends PipelinesIntegrationTest {

    @Autowired
    RunLauncher launcher;
    @Autowired
    io.pipelines.schedule.ScheduledRuns scheduledRuns;
    @Autowired
    RunLedger ledger;
    @Autowired
    io.pipelines.run.PipelineCatalog catalog;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    private static final List<String> TASKS =
            List.of("extract_orders", "validate_data", "load_to_staging", "transform_data", "update_aggregates");

    @Test
    void aRunForADateWithDemoOrdersLoadsExactlyTheSourceIntoLakeStagingAndAnalytics() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.ONE_RUN;
        Totals source = warehouse.source(date);
        assertThat(source.rows()).as("demo orders on %s", date).isGreaterThan(300);
        Map<String, Double> timedBefore = metricPerTask("pipeline_task_duration_seconds_count");
        Map<String, Double> rowsBefore = metricPerTask("pipeline_rows_processed_total");

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        assertThat(run.tasks()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(t.durationMs()).isNotNull();
        });
        RunRecord.Task extract = run.tasks().get(0);
        assertThat(run.tasks().subList(1, 3)).as("validated and loaded in the extract's pass").allSatisfy(t -> {
            assertThat(t.startedAt()).isEqualTo(extract.startedAt());
            assertThat(t.finishedAt()).isAfterOrEqualTo(extract.finishedAt());
            assertThat(t.attempts()).isEqualTo(1);
        });
        assertThat(extract.rowsIn()).isEqualTo(source.rows());
        assertThat(extract.rowsOut()).isEqualTo(source.rows());
        // The lake layout, written out here: part-NNNNN.parquet of at most 150 rows (the tests' setting), then the manifest.
        String folder = "raw/sales/orders/dt=" + date + "/run=" + run.runId() + "/";
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i * 150L < source.rows(); i++) {
            parts.add(folder + String.format("part-%05d.parquet", i));
        }
        List<String> partsAndManifest = new java.util.ArrayList<>(parts);
        partsAndManifest.add(folder + "_manifest.json");
        assertThat(extract.lakeKeys()).containsExactlyElementsOf(partsAndManifest);
        assertThat(warehouse.lakeKeys(date)).containsExactlyInAnyOrderElementsOf(partsAndManifest);
        assertThat(warehouse.lakeReports(date)).as("the check's report beside the manifest").containsExactly(folder + "_quality.html");
        for (RunRecord.Task t : run.tasks().subList(1, 3)) {
            assertThat(t.rowsIn()).as("%s rows in", t.task()).isEqualTo(source.rows());
            assertThat(t.rowsOut()).as("%s rows out", t.task()).isEqualTo(source.rows());
            assertThat(t.lakeKeys()).as("%s lake keys", t.task()).containsExactlyElementsOf(parts);
        }
        assertThat(run.tasks().get(3).rowsIn()).isNull();
        assertThat(run.tasks().get(3).rowsOut()).as("analytics.orders rows").isEqualTo(source.rows());
        assertThat(run.tasks().get(4).rowsOut()).as("analytics.daily_sales rows: one per category")
                .isEqualTo(warehouse.sourceDailySales(date).size());
        for (String task : TASKS) {
            assertThat(metric("pipeline_task_duration_seconds_count", task) - timedBefore.get(task))
                    .as("%s timed once", task).isEqualTo(1.0);
        }
        assertThat(metric("pipeline_rows_processed_total", "extract_orders") - rowsBefore.get("extract_orders"))
                .isEqualTo(source.rows());
        assertThat(metric("pipeline_rows_processed_total", "validate_data") - rowsBefore.get("validate_data"))
                .isEqualTo(source.rows());
        assertThat(metric("pipeline_rows_processed_total", "load_to_staging") - rowsBefore.get("load_to_staging"))
                .isEqualTo(source.rows());

        assertThat(warehouse.staging(date)).isEqualTo(source);
        assertThat(warehouse.analytics(date)).isEqualTo(source);
        assertThat(warehouse.dailySales(date)).isEqualTo(warehouse.sourceDailySales(date)).isNotEmpty();

        List<GenericRecord> landed = warehouse.lakeRecords(date);
        BigDecimal landedTotal = landed.stream().map(r -> (BigDecimal) r.get("total")).reduce(BigDecimal.ZERO, BigDecimal::add);
        Set<Long> orderIds = new HashSet<>();
        landed.forEach(r -> orderIds.add((Long) r.get("order_id")));
        assertThat(new Totals(landed.size(), landedTotal)).isEqualTo(source);
        assertThat(orderIds).hasSize(landed.size());
        assertThat(warehouse.lakeKeys(date)).as("several Parquet objects (150 rows each in tests), then the manifest")
                .filteredOn(k -> k.endsWith(".parquet")).hasSize((int) Math.ceil(source.rows() / 150.0));
        assertThat(landed.get(0).get("created_at")).isInstanceOf(java.time.Instant.class);
    }

    @Test
    void withoutTheSinglePassValidateAndLoadReadTheLandedObjectsBackWithTheSameResult() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.SINGLE_AND_TWO_PASS;
        RunRecord single = api.awaitFinished(trigger(date));
        assertThat(single.status()).as("run error: %s", single.error()).isEqualTo(RunStatus.SUCCEEDED);
        List<Map<String, Object>> staging = warehouse.stagingRows(date);
        List<Map<String, Object>> analytics = warehouse.analyticsRows(date);

        // The step's singlePass is {{DAILY_SALES_ETL_SINGLE_PASS:true}}: read again with it false.
        System.setProperty("DAILY_SALES_ETL_SINGLE_PASS", "false");
        catalog.learn();
        RunRecord twoPass;
        try {
            assertThat(catalog.step("daily_sales_etl", "extract_orders").flag("singlePass")).isFalse();
            twoPass = api.awaitFinished(trigger(date));
        } finally {
            System.clearProperty("DAILY_SALES_ETL_SINGLE_PASS");
            catalog.learn();
        }

        assertThat(twoPass.status()).as("run error: %s", twoPass.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(twoPass.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        for (int i = 1; i < 3; i++) {
            assertThat(twoPass.tasks().get(i).startedAt()).as("%s after the extract", twoPass.tasks().get(i).task())
                    .isAfterOrEqualTo(twoPass.tasks().get(0).finishedAt());
        }
        assertThat(twoPass.tasks().get(2).rowsOut()).isEqualTo(warehouse.source(date).rows());
        assertThat(warehouse.stagingRows(date)).as("the same rows").isEqualTo(staging);
        assertThat(warehouse.analyticsRows(date)).isEqualTo(analytics);
        assertThat(jdbc.queryForList("SELECT DISTINCT run_id FROM staging.orders WHERE logical_date = ?", Long.class, date))
                .containsExactly(twoPass.runId());
        assertThat(warehouse.analytics(date)).isEqualTo(warehouse.source(date));
    }

    @Test
    void runningTheSameDateTwiceLeavesTheLakeAndWarehouseAsOneRunDoes() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.TWICE;
        RunRecord first = api.awaitFinished(trigger(date));
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        List<Map<String, Object>> staging = warehouse.stagingRows(date);
        List<Map<String, Object>> analytics = warehouse.analyticsRows(date);
        Map<String, List<Object>> dailySales = warehouse.dailySales(date);
        List<String> firstKeys = warehouse.lakeKeys(date);
        int firstLanded = warehouse.lakeRecords(date).size();

        RunRecord second = api.awaitFinished(trigger(date));

        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(warehouse.stagingRows(date)).isEqualTo(staging).hasSize((int) warehouse.source(date).rows());
        assertThat(warehouse.analyticsRows(date)).isEqualTo(analytics);
        assertThat(warehouse.dailySales(date)).isEqualTo(dailySales);
        List<String> secondKeys = warehouse.lakeKeys(date);
        assertThat(secondKeys).as("only the second run's objects remain").hasSameSizeAs(firstKeys)
                .allMatch(k -> k.contains("/run=" + second.runId() + "/"));
        assertThat(warehouse.lakeRecords(date)).hasSize(firstLanded);
    }

    @Test
    void aBackfillOfSevenDaysMakesSevenRunsWithEachDatesData() throws Exception {
        LocalDate from = TestDates.DailySalesEtl.BACKFILL.get(0);
        LocalDate to = TestDates.DailySalesEtl.BACKFILL.get(6);

        TestApi.Response response = api.post("/api/pipelines/daily_sales_etl/backfill",
                "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");

        assertThat(response.status()).isEqualTo(202);
        JsonNode ids = response.json().get("runIds");
        assertThat(ids).hasSize(7);
        for (int i = 0; i < 7; i++) {
            LocalDate date = from.plusDays(i);
            RunRecord run = api.awaitFinished(ids.get(i).asLong());
            assertThat(run.logicalDate()).isEqualTo(date);
            assertThat(run.status()).as("run %s: %s", run.runId(), run.error()).isEqualTo(RunStatus.SUCCEEDED);
            Totals source = warehouse.source(date);
            assertThat(source.rows()).isPositive();
            assertThat(warehouse.staging(date)).isEqualTo(source);
            assertThat(warehouse.analytics(date)).isEqualTo(source);
        }
    }

    @Test
    void aSecondRunOfADateThatIsQueuedOrRunningIsRefusedWith409AndQueuesNothing() throws Exception {
        List<LocalDate> dates = TestDates.DailySalesEtl.SECOND_RUN_REFUSED;
        LocalDate free = TestDates.DailySalesEtl.BACKFILL_REFUSED;
        List<Long> runs = new java.util.ArrayList<>();
        try (TableLock source = warehouse.lockSourceTable("public.orders")) {
            // The pipeline's two consumers (pipelines.runs.concurrency) wait in extract_orders for the source table:
            // two runs are RUNNING and the third stays QUEUED.
            for (LocalDate date : dates) {
                runs.add(trigger(date));
            }
            await("two runs extracting, one queued").atMost(Duration.ofSeconds(30)).until(() -> runs.stream()
                    .map(id -> ledger.find(id).orElseThrow().status()).sorted().toList(),
                    List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.RUNNING)::equals);

            for (int i = 0; i < dates.size(); i++) {
                TestApi.Response again = api.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + dates.get(i) + "\"}");
                assertThat(again.status()).as(again.body()).isEqualTo(409);
                assertThat(again.contentType()).startsWith("application/problem+json");
                assertThat(again.json().get("detail").asText()).isEqualTo("Pipeline 'daily_sales_etl' already has run "
                        + runs.get(i) + " queued or running for " + dates.get(i));
            }
            // A backfill over a date in progress queues none of its dates, the free one included.
            LocalDate busy = dates.get(2);
            TestApi.Response backfill = api.post("/api/pipelines/daily_sales_etl/backfill",
                    "{\"from\":\"" + free + "\",\"to\":\"" + busy + "\"}");
            assertThat(backfill.status()).as(backfill.body()).isEqualTo(409);
            assertThat(backfill.json().get("detail").asText()).isEqualTo("Pipeline 'daily_sales_etl' already has run "
                    + runs.get(2) + " queued or running for " + busy + "; no run of this backfill was queued");
        }
        for (int i = 0; i < dates.size(); i++) {
            RunRecord run = api.awaitFinished(runs.get(i));
            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                    + "AND logical_date = ?", Long.class, dates.get(i))).as("runs of %s", dates.get(i)).isOne();
            warehouse.assertLoadedExactlyOnce(dates.get(i));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date = ?", Long.class, free)).as("runs of the backfill's free date").isZero();
    }

    @Test
    void aDateWithoutOrdersSucceedsWithZeroRows() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.NO_ORDERS;
        assertThat(warehouse.source(date).rows()).isZero();

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        assertThat(run.tasks().get(0).rowsOut()).isZero();
        assertThat(run.tasks().get(2).rowsOut()).isZero();
        assertThat(warehouse.staging(date).rows()).isZero();
        assertThat(warehouse.dailySales(date)).isEmpty();
        assertThat(warehouse.lakeKeys(date)).singleElement().satisfies(k -> assertThat(k).endsWith("/_manifest.json"));
    }

    @Test
    void aNegativeTotalFailsTheRunAtValidateAndKeepsWhatWasLoadedBefore() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.NEGATIVE_TOTAL;
        api.insertOrders(date, 1, 20, new BigDecimal("12.50"));
        RunRecord good = api.awaitFinished(trigger(date));
        assertThat(good.status()).isEqualTo(RunStatus.SUCCEEDED);
        Totals loaded = warehouse.staging(date);
        assertThat(loaded.rows()).isEqualTo(20);

        api.insertOrders(date, 21, 1, new BigDecimal("-5.00"));
        RunRecord bad = api.awaitFinished(trigger(date));

        assertThat(bad.status()).isEqualTo(RunStatus.FAILED);
        assertThat(bad.error()).contains("validate_data").contains("expect_column_values_to_be_between(total)");
        assertThat(bad.tasks()).extracting(RunRecord.Task::task).containsExactly("extract_orders", "validate_data");
        assertThat(bad.tasks().get(1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(bad.tasks().get(1).attempts()).as("bad data is not retried").isEqualTo(1);
        ExpectationResult failed = bad.failedExpectations().stream()
                .filter(e -> e.expectationType().equals("expect_column_values_to_be_between")).findFirst().orElseThrow();
        assertThat(failed.unexpectedCount()).isEqualTo(1);
        assertThat(failed.elementCount()).isEqualTo(21);
        assertThat(failed.partialUnexpected()).containsExactly("-5");
        assertThat(warehouse.staging(date)).as("the earlier load is untouched").isEqualTo(loaded);
        assertThat(warehouse.analytics(date)).isEqualTo(loaded);
        assertThat(api.get("/api/runs/" + bad.runId()).json().get("failedExpectations").get(0).get("expectationType").asText())
                .isEqualTo("expect_column_values_to_be_between");
    }

    @Test
    void aFailedWarningExpectationIsRecordedCountedAndAlertedAndTheRunLoadsEverything() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.UNUSUAL_TOTAL;
        api.insertOrders(date, 1, 20, new BigDecimal("12.50"));
        api.insertOrders(date, 21, 1, new BigDecimal("25000.00"));
        double before = warnings();

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(warehouse.staging(date).rows()).as("every row loaded").isEqualTo(21);
        assertThat(run.failedExpectations()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo("warning");
            assertThat(w.expectationType()).isEqualTo("expect_column_values_to_be_between");
            assertThat(w.unexpectedCount()).isEqualTo(1);
            assertThat(w.partialUnexpected()).containsExactly("25000");
        });
        assertThat(api.get("/api/runs/" + run.runId()).json().get("failedExpectations").get(0).get("severity").asText())
                .isEqualTo("warning");
        assertThat(warnings() - before).isEqualTo(1.0);
        assertThat(AlertReceiver.received()).anySatisfy(alert -> assertThat(alert)
                .contains("\"kind\":\"quality-warning\"", "\"runId\":" + run.runId(), "\"suite\":\"orders_suite\"",
                        "expect_column_values_to_be_between(total): 1 of 21 rows unexpected"));
    }

    private double warnings() {
        io.micrometer.core.instrument.Counter counter = registry.find("pipeline.quality.warnings").tag("pipeline", "daily_sales_etl").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aReRunThatFindsNoRowsLeavesTheLoadedDateAsItWasUnlessForced() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.EMPTIED;
        api.insertOrders(date, 1, 20, new BigDecimal("2.50"));
        RunRecord good = api.awaitFinished(trigger(date));
        assertThat(good.status()).as("run error: %s", good.error()).isEqualTo(RunStatus.SUCCEEDED);
        Totals loaded = warehouse.staging(date);
        Map<String, List<Object>> dailySales = warehouse.dailySales(date);
        List<String> lake = warehouse.lakeKeys(date);
        double refusedBefore = api.metric("pipeline_task_failures_total", "pipeline", "daily_sales_etl",
                "task", "load_to_staging", "error_type", "LoadRefusedException");
        // The source purged (or a wrong connection, a replica behind): the re-run reads nothing.
        try (Connection c = api.salesDatabase(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM public.orders WHERE created_at >= ? AND created_at < ?")) {
            ps.setObject(1, date.atStartOfDay().atOffset(ZoneOffset.UTC));
            ps.setObject(2, date.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            assertThat(ps.executeUpdate()).isEqualTo(20);
        }

        RunRecord empty = api.awaitFinished(trigger(date));

        assertThat(empty.status()).isEqualTo(RunStatus.FAILED);
        assertThat(empty.error()).isEqualTo("task load_to_staging failed: LoadRefusedException: staging.orders for " + date
                + ": run " + empty.runId() + " would replace the 20 loaded row(s) with 0, fewer than 50 % of them "
                + "(minReplaceShare of daily_sales_etl's load step); refused: the earlier load and its lake objects "
                + "are kept. If the source really holds that few, run the date again with \"force\": true");
        assertThat(empty.tasks()).extracting(RunRecord.Task::task, RunRecord.Task::status, RunRecord.Task::attempts)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("extract_orders", RunStatus.SUCCEEDED, 1),
                        org.assertj.core.groups.Tuple.tuple("validate_data", RunStatus.SUCCEEDED, 1),
                        org.assertj.core.groups.Tuple.tuple("load_to_staging", RunStatus.FAILED, 1));
        assertThat(empty.force()).isFalse();
        assertThat(warehouse.staging(date)).as("the earlier load kept").isEqualTo(loaded);
        assertThat(jdbc.queryForList("SELECT DISTINCT run_id FROM staging.orders WHERE logical_date = ?", Long.class, date))
                .containsExactly(good.runId());
        assertThat(warehouse.analytics(date)).isEqualTo(loaded);
        assertThat(warehouse.dailySales(date)).isEqualTo(dailySales);
        assertThat(warehouse.lakeKeys(date)).as("the earlier run's lake objects kept").containsAll(lake);
        assertThat(api.metric("pipeline_task_failures_total", "pipeline", "daily_sales_etl", "task", "load_to_staging",
                "error_type", "LoadRefusedException") - refusedBefore).isEqualTo(1.0);

        // Forced (the source really is empty now): the run goes on from its load and replaces the date.
        TestApi.Response resumed = api.post("/api/runs/" + empty.runId() + "/resume", "{\"force\": true}");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
        RunRecord forced = api.awaitFinished(empty.runId());

        assertThat(forced.status()).as("run error: %s", forced.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(forced.force()).isTrue();
        assertThat(api.get("/api/runs/" + forced.runId()).json().get("force").asBoolean()).isTrue();
        assertThat(warehouse.staging(date).rows()).isZero();
        assertThat(warehouse.analytics(date).rows()).isZero();
        assertThat(warehouse.dailySales(date)).isEmpty();
        assertThat(warehouse.lakeKeys(date)).singleElement().satisfies(k -> assertThat(k)
                .isEqualTo("raw/sales/orders/dt=" + date + "/run=" + forced.runId() + "/_manifest.json"));
    }

    @Test
    void aReRunWithUnderHalfTheLoadedRowsIsRefusedAndOneWithHalfIsLoaded() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.SHRUNK;
        api.insertOrders(date, 1, 10, new BigDecimal("1.00"));
        assertThat(api.awaitFinished(trigger(date)).status()).isEqualTo(RunStatus.SUCCEEDED);
        deleteOrders(date, 5, 10); // 4 of the 10 left

        RunRecord four = api.awaitFinished(trigger(date));
        assertThat(four.status()).isEqualTo(RunStatus.FAILED);
        assertThat(four.error()).contains("would replace the 10 loaded row(s) with 4, fewer than 50 % of them");
        assertThat(warehouse.staging(date).rows()).isEqualTo(10);

        api.insertOrders(date, 5, 1, new BigDecimal("1.00")); // 5 of 10: exactly half
        RunRecord five = api.awaitFinished(trigger(date));
        assertThat(five.status()).as("run error: %s", five.error()).isEqualTo(RunStatus.SUCCEEDED);
        warehouse.assertLoadedExactlyOnce(date);
        assertThat(warehouse.staging(date).rows()).isEqualTo(5);
    }

    /** Deletes the date's orders numbered {@code from} to {@code to} (as {@link #insertOrders} numbers them). */
    private void deleteOrders(LocalDate date, int from, int to) throws Exception {
        try (Connection c = api.salesDatabase(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM public.orders WHERE order_id BETWEEN ? AND ?")) {
            ps.setLong(1, date.toEpochDay() * 1_000_000L + from);
            ps.setLong(2, date.toEpochDay() * 1_000_000L + to);
            ps.executeUpdate();
        }
    }

    @Test
    void aDuplicateOrderIdFailsTheRunAtValidateAndLoadsNothing() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.DUPLICATE_ORDER;
        api.insertOrders(date, 1, 10, new BigDecimal("3.00"));
        api.insertOrders(date, 5, 1, new BigDecimal("4.00"));

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("expect_column_values_to_be_unique(order_id)");
        assertThat(run.failedExpectations()).singleElement().satisfies(e -> {
            assertThat(e.expectationType()).isEqualTo("expect_column_values_to_be_unique");
            assertThat(e.unexpectedCount()).isEqualTo(2);
        });
        assertThat(run.tasks()).noneMatch(t -> t.task().equals("load_to_staging"));
        assertThat(warehouse.staging(date).rows()).isZero();
        assertThat(warehouse.analytics(date).rows()).isZero();
    }

    @Test
    void aFailedTaskIsRetriedAloneAndTheRunSucceedsOnceTheSourceIsBack() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.RETRIED;
        double retriesBefore = retries("extract_orders");
        try (Connection c = api.salesDatabase(); var st = c.createStatement()) {
            st.execute("ALTER TABLE public.orders RENAME TO orders_away");
            long runId;
            try {
                runId = trigger(date);
                await().atMost(Duration.ofSeconds(30)).until(() -> attempts(runId, "extract_orders") >= 3);
            } finally {
                st.execute("ALTER TABLE public.orders_away RENAME TO orders");
            }
            RunRecord run = api.awaitFinished(runId);

            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
            RunRecord.Task extract = run.tasks().get(0);
            // Two attempts failed at least; how many more depends on when the table came back.
            assertThat(extract.attempts()).isBetween(3, 4);
            assertThat(extract.error()).isNull();
            assertThat(run.tasks()).extracting(RunRecord.Task::attempts).containsExactly(extract.attempts(), 1, 1, 1, 1);
            assertThat(retries("extract_orders") - retriesBefore).as("each retry counted")
                    .isEqualTo(extract.attempts() - 1);
            warehouse.assertLoadedExactlyOnce(date);
        }
    }

    @Test
    void anS3OutageDuringARunIsRiddenOutByRetriesAndTheRetriesAreCounted() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.S3_OUTAGE;
        double retriesBefore = retries("extract_orders");
        LocalServers.stopS3();
        long runId;
        try {
            runId = trigger(date);
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts(runId, "extract_orders") >= 2);
        } finally {
            LocalServers.restartS3();
        }
        RunRecord run = api.awaitFinished(runId);

        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks().get(0).attempts()).isGreaterThanOrEqualTo(2);
        assertThat(run.tasks()).extracting(RunRecord.Task::attempts).containsExactly(run.tasks().get(0).attempts(), 1, 1, 1, 1);
        assertThat(retries("extract_orders") - retriesBefore).as("each retry counted")
                .isEqualTo(run.tasks().get(0).attempts() - 1);
        warehouse.assertLoadedExactlyOnce(date);
    }

    @Test
    void aServiceStoppedDuringARunLetsTheRunFinishBeforeItStops() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.STOPPED_DURING_RUN;
        try (Connection c = api.salesDatabase(); var st = c.createStatement()) {
            // Enough rows for the run to be in flight when the stop comes.
            st.executeUpdate("INSERT INTO public.orders SELECT " + date.toEpochDay() * 1_000_000L + " + 100000 + i, 1, 'books', 1.00, "
                    + "'USD', 'completed', '" + date + "T01:00:00Z'::timestamptz + i * interval '100 ms', NULL "
                    + "FROM generate_series(1, 300000) i");
        }
        long runId;
        try (ConfigurableApplicationContext other = AnotherService.start()) {
            runId = other.getBean(RunLauncher.class).launch("daily_sales_etl", date, "test");
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(runId).orElseThrow().status() == RunStatus.RUNNING);
        } // close() = what SIGTERM does: the run in flight finishes first

        RunRecord run = ledger.find(runId).orElseThrow();
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        assertThat(run.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.SUCCEEDED));
        warehouse.assertLoadedExactlyOnce(date);
    }

    private double retries(String task) {
        return metric("pipeline_task_retries_total", task);
    }

    private double metric(String name, String task) {
        return api.metric(name, "pipeline", "daily_sales_etl", "task", task);
    }

    private Map<String, Double> metricPerTask(String name) {
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        TASKS.forEach(task -> values.put(task, metric(name, task)));
        return values;
    }

    @Test
    void aTaskWhoseRetriesAreSpentFailsTheRunWithEveryAttemptCounted() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.RETRIES_SPENT;
        double retriesBefore = retries("extract_orders");
        RunRecord run;
        try (Connection c = api.salesDatabase(); var st = c.createStatement()) {
            st.execute("ALTER TABLE public.orders RENAME TO orders_away");
            try {
                run = api.awaitFinished(trigger(date));
            } finally {
                st.execute("ALTER TABLE public.orders_away RENAME TO orders");
            }
        }

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).startsWith("task extract_orders failed: PSQLException: ERROR: relation \"public.orders\" does not exist");
        assertThat(retries("extract_orders") - retriesBefore).isEqualTo(3.0);
        assertThat(run.tasks()).singleElement().satisfies(t -> {
            assertThat(t.task()).isEqualTo("extract_orders");
            assertThat(t.status()).isEqualTo(RunStatus.FAILED);
            assertThat(t.attempts()).as("the first attempt and 3 retries").isEqualTo(4);
        });
        assertThat(warehouse.staging(date).rows()).isZero();
    }

    @Test
    void aFailedRunResumesFromTheTaskThatFailedWithoutRedoingTheOthers() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.RESUMED;
        RunRecord failed;
        jdbc.execute("ALTER TABLE staging.orders RENAME TO orders_away");
        try {
            failed = api.awaitFinished(trigger(date));
        } finally {
            jdbc.execute("ALTER TABLE staging.orders_away RENAME TO orders");
        }
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.tasks()).extracting(RunRecord.Task::task, RunRecord.Task::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("extract_orders", RunStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("validate_data", RunStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("load_to_staging", RunStatus.FAILED));

        TestApi.Response resumed = api.post("/api/runs/" + failed.runId() + "/resume", "");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
        assertThat(resumed.json().get("resumedFrom").asText()).isEqualTo("load_to_staging");
        RunRecord run = api.awaitFinished(failed.runId());

        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        for (int i = 0; i < 2; i++) {
            assertThat(run.tasks().get(i).startedAt()).as("%s is not done again", run.tasks().get(i).task())
                    .isEqualTo(failed.tasks().get(i).startedAt());
            assertThat(run.tasks().get(i).attempts()).isEqualTo(1);
        }
        assertThat(run.tasks().get(2).attempts()).isEqualTo(failed.tasks().get(2).attempts() + 1);
        warehouse.assertLoadedExactlyOnce(date);

        TestApi.Response again = api.post("/api/runs/" + failed.runId() + "/resume", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText())
                .isEqualTo("Run " + failed.runId() + " is SUCCEEDED: only a FAILED run can be resumed");
    }

    private int attempts(long runId, String task) {
        return ledger.find(runId).orElseThrow().tasks().stream().filter(t -> t.task().equals(task))
                .mapToInt(RunRecord.Task::attempts).findFirst().orElse(0);
    }

    @Test
    void textWithTabsNewlinesBackslashesAndUnicodeArrivesUnchanged() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.SPECIAL_TEXT;
        List<String> categories = List.of("tab\there", "new\nline", "back\\slash", "it's \"quoted\"", "ünïcødé 日本", "\\N");
        try (Connection c = api.salesDatabase(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, created_at, "
                        + "updated_at) VALUES (?, 7, ?, 1.00, 'USD', 'completed', ?, NULL)")) {
            for (int i = 0; i < categories.size(); i++) {
                ps.setLong(1, date.toEpochDay() * 1_000_000L + i);
                ps.setString(2, categories.get(i));
                ps.setObject(3, date.atTime(8, i).atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }

        RunRecord run = api.awaitFinished(trigger(date));

        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(warehouse.stagingRows(date)).extracting(r -> r.get("product_category"))
                .containsExactlyElementsOf(categories);
        assertThat(warehouse.stagingRows(date)).allSatisfy(r -> assertThat(r.get("updated_at")).isNull());
    }

    @Test
    void aScheduledFireRunsThePreviousDayInThePipelinesTimeZone() throws Exception {
        LocalDate date = TestDates.DailySalesEtl.SCHEDULED;
        java.time.Instant slot = date.plusDays(1).atTime(6, 0).toInstant(ZoneOffset.UTC);

        scheduledRuns.launchScheduled("daily_sales_etl", java.util.Date.from(slot));

        Map<String, Object> fire = jdbc.queryForMap("SELECT logical_date, outcome, run_id FROM etl.schedule_fires "
                + "WHERE pipeline = 'daily_sales_etl' AND scheduled_at = ?", java.sql.Timestamp.from(slot));
        assertThat(fire.get("outcome")).isEqualTo("queued");
        assertThat(fire.get("logical_date").toString()).isEqualTo(date.toString());
        RunRecord run = api.awaitFinished((Long) fire.get("run_id"));
        assertThat(run.logicalDate()).isEqualTo(date);
        assertThat(run.triggeredBy()).isEqualTo("schedule");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        warehouse.assertLoadedExactlyOnce(date);
    }

    private long trigger(LocalDate date) {
        TestApi.Response response = api.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + date + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("runId").asLong();
    }

}
