package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Row-level quarantine (issue 15, item 3), as a user writes it: a pipeline whose check step says
 * quarantine: true over a suite with mostly 0.99, in a routes folder of its own, once validating and
 * loading in the extract's pass and once through the check and load steps. A date with 3 bad rows of
 * 400 loads the 397 others and holds exactly the 3 back, named by the expectations they broke; a date
 * with 8 bad totals of 400 (2 %, beyond its mostly) fails and loads nothing; once the source is fixed,
 * the date run again loads all 400 and holds none back.
 */
class QuarantineTest extends ServiceProcessTest {

    private static final String BETWEEN = "expect_column_values_to_be_between(total)";
    private static final String IN_SET = "expect_column_values_to_be_in_set(status)";

    @Autowired
    TestApi api;
    @Autowired
    ObjectMapper json;

    @TempDir
    Path folder;

    @Test
    void badRowsWithinMostlyAreHeldBackAndTheRestLoads() throws Exception {
        orders(TestDates.Quarantine.IN_PASS, 7_210_000_000L);
        orders(TestDates.Quarantine.BEYOND_MOSTLY, 7_220_000_000L);
        orders(TestDates.Quarantine.TWO_PASS, 7_230_000_000L);
        long a = 7_210_000_000L;
        long c = 7_230_000_000L;
        try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
            for (long first : new long[] {a, c}) {
                st.executeUpdate("UPDATE public.orders SET total = -5.00 WHERE order_id = " + (first + 17));
                st.executeUpdate("UPDATE public.orders SET status = 'lost' WHERE order_id = " + (first + 200));
                st.executeUpdate("UPDATE public.orders SET total = -1.00, status = 'unknown' WHERE order_id = " + (first + 399));
            }
            st.executeUpdate("UPDATE public.orders SET total = -2.00 WHERE order_id BETWEEN 7220000001 AND 7220000008");
        }
        Files.writeString(folder.resolve("prepare.sql"), """
                CREATE TABLE IF NOT EXISTS staging.test_held_orders (logical_date date NOT NULL, run_id bigint NOT NULL,
                    order_id bigint NOT NULL, total numeric(12,2), status text);
                CREATE TABLE IF NOT EXISTS staging.test_held_orders_2 (LIKE staging.test_held_orders);
                """);
        Files.writeString(folder.resolve("extract.sql"), """
                SELECT order_id, total, status FROM public.orders
                WHERE created_at >= :window_start AND created_at < :window_end AND order_id BETWEEN 7200000000 AND 7299999999
                ORDER BY order_id
                """);
        Files.writeString(folder.resolve("suite.json"), """
                {"name": "held_orders_suite", "expectations": [
                  {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "order_id"}},
                  {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "order_id"}},
                  {"type": "expect_column_values_to_be_between", "kwargs": {"column": "total", "min_value": 0, "mostly": 0.99,
                   "result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["order_id"]}}},
                  {"type": "expect_column_values_to_be_in_set",
                   "kwargs": {"column": "status", "value_set": ["pending", "shipped"], "mostly": 0.99}}
                ]}
                """);
        pipeline("held_orders", "staging.test_held_orders", true);
        pipeline("held_orders_two_pass", "staging.test_held_orders_2", false);
        testServiceTakesNoRunsOver();
        try (ServiceProcess service = ServiceProcess.withRoutesOf(folder, "quarantine", environment,
                "pipelines.quality.max-unexpected-rows=1").start()) {
            RunRecord inPass = run(service, "held_orders", TestDates.Quarantine.IN_PASS);
            assertThat(inPass.status()).as("run error: %s", inPass.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(inPass.tasks()).extracting(RunRecord.Task::task).containsExactly("prepare", "extract", "check", "load");
            assertThat(inPass.tasks().get(3).rowsIn()).isEqualTo(400L);
            assertThat(inPass.tasks().get(3).rowsOut()).as("loaded").isEqualTo(397L);
            heldBack(service, inPass, "staging.test_held_orders", a);
            // The between check's result format COMPLETE keeps its failing rows by order_id, one at most here: capped.
            assertThat(jdbc.queryForList("SELECT row_key::text || ' ' || value FROM etl.quality_unexpected_rows "
                    + "WHERE run_id = ? AND expectation_index = 2", String.class, inPass.runId()))
                    .containsExactly("{\"order_id\": " + (a + 17) + "} -5");
            assertThat(jdbc.queryForObject("SELECT details::text FROM etl.quality_results WHERE run_id = ? "
                    + "AND expectation_index = 2", String.class, inPass.runId()))
                    .contains("\"unexpected_rows_kept\": 1", "\"unexpected_rows_capped\": true");

            RunRecord beyond = run(service, "held_orders", TestDates.Quarantine.BEYOND_MOSTLY);
            assertThat(beyond.status()).isEqualTo(RunStatus.FAILED);
            assertThat(beyond.error()).contains(BETWEEN);
            assertThat(loaded("staging.test_held_orders", TestDates.Quarantine.BEYOND_MOSTLY)).as("nothing loaded").isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM quarantine.test_held_orders WHERE run_id = ?", Long.class,
                    beyond.runId())).as("nothing held back either").isZero();

            RunRecord twoPass = run(service, "held_orders_two_pass", TestDates.Quarantine.TWO_PASS);
            assertThat(twoPass.status()).as("run error: %s", twoPass.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(twoPass.tasks().get(3).rowsOut()).as("loaded by the load step").isEqualTo(397L);
            heldBack(service, twoPass, "staging.test_held_orders_2", c);
            assertThat(jdbc.queryForList("SELECT row_key::text FROM etl.quality_unexpected_rows WHERE run_id = ?",
                    String.class, twoPass.runId())).as("kept by the check step too").containsExactly("{\"order_id\": " + (c + 17) + "}");

            try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
                st.executeUpdate("UPDATE public.orders SET total = 5.00, status = 'shipped' WHERE order_id BETWEEN "
                        + a + " AND " + (a + 400));
            }
            RunRecord fixed = run(service, "held_orders", TestDates.Quarantine.IN_PASS);
            assertThat(fixed.status()).as("run error: %s", fixed.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(loaded("staging.test_held_orders", TestDates.Quarantine.IN_PASS)).hasSize(400);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM quarantine.test_held_orders WHERE logical_date = ?",
                    Long.class, TestDates.Quarantine.IN_PASS)).as("the date's quarantine replaced like its rows").isZero();
            assertThat(json.readTree(service.get("/api/runs/" + fixed.runId() + "/quarantine").body()).get("count").asLong())
                    .isZero();
        }
    }

    /** The run loaded all but the three bad rows, and holds exactly those back, each with what it broke. */
    private void heldBack(ServiceProcess service, RunRecord run, String table, long first) throws Exception {
        LocalDate date = run.logicalDate();
        List<Long> ids = loaded(table, date);
        assertThat(ids).hasSize(397).doesNotContain(first + 17, first + 200, first + 399);
        HttpResponse<String> answer = service.get("/api/runs/" + run.runId() + "/quarantine");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode held = json.readTree(answer.body());
        assertThat(held.get("table").asText()).isEqualTo("quarantine." + table.substring(table.indexOf('.') + 1));
        assertThat(held.get("count").asLong()).isEqualTo(3);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode row : held.get("rows")) {
            List<String> failed = new ArrayList<>();
            row.get("failedExpectations").forEach(f -> failed.add(f.asText()));
            rows.add(Map.of("order_id", row.get("record").get("order_id").asLong(), "failed", failed));
        }
        assertThat(rows).containsExactly(
                Map.of("order_id", first + 17, "failed", List.of(BETWEEN)),
                Map.of("order_id", first + 200, "failed", List.of(IN_SET)),
                Map.of("order_id", first + 399, "failed", List.of(BETWEEN, IN_SET)));
        assertThat(held.get("rows").get(0).get("record").get("total").decimalValue()).isEqualByComparingTo("-5.00");
        assertThat(held.get("rows").get(0).get("rowNumber").asLong()).as("its place in the extract").isEqualTo(18);
    }

    private List<Long> loaded(String table, LocalDate date) {
        return jdbc.queryForList("SELECT order_id FROM " + table + " WHERE logical_date = ? ORDER BY order_id", Long.class, date);
    }

    /** 400 good orders of the date, ids first + 0 to first + 399. */
    private void orders(LocalDate date, long first) throws Exception {
        try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, "
                    + "created_at) SELECT " + first + " + g, 1, 'books', 10.00, 'USD', 'shipped', TIMESTAMPTZ '" + date
                    + " 00:00:00+00' + g * INTERVAL '1 minute' FROM generate_series(0, 399) g");
        }
    }

    private void pipeline(String name, String table, boolean singlePass) throws Exception {
        Files.writeString(folder.resolve(name + ".camel.yaml"), """
                - route:
                    id: %1$s
                    group: pipelines
                    routeConfigurationId: pipeline-steps
                    from:
                      uri: kamelet:pipeline-runs/%1$s-runs
                      parameters:
                        cron: "0 15 4 * * ?"
                      steps:
                        - to:
                            uri: kamelet:sql-file/%1$s.prepare
                            parameters:
                              file: %2$s/prepare.sql
                        - to:
                            uri: kamelet:jdbc-extract/%1$s.extract
                            parameters:
                              connection: sales
                              query: %2$s/extract.sql
                              lakePrefix: raw/test/%1$s
                              check: check
                              load: load
                              singlePass: %4$s
                        - to:
                            uri: kamelet:quality-check/%1$s.check
                            parameters:
                              suite: %2$s/suite.json
                              extract: extract
                              quarantine: true
                        - to:
                            uri: kamelet:warehouse-load/%1$s.load
                            parameters:
                              table: %3$s
                              extract: extract
                """.formatted(name, folder, table, singlePass));
    }

    private RunRecord run(ServiceProcess service, String pipeline, LocalDate date) throws Exception {
        return api.awaitFinished(service.trigger(pipeline, date));
    }
}
