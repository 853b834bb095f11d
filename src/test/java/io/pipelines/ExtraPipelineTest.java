package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * A pipeline of another shape, written by a user with YAML and SQL only, in a routes folder of its
 * own: the service started with it runs it to the end. Its steps: a SQL file that makes its tables,
 * an extract that sums orders by status (no quality suite), a load, and a SQL file that turns the
 * sums into shares. The expectations are literal, from orders the test adds itself. Beside it, a
 * pipeline of the sources' blocks (table-extract, warehouse-load in mode upsert) with no
 * pipelines.sources entry: a first load, then the changed row only.
 */
class ExtraPipelineTest extends ServiceProcessTest {

    @Autowired
    TestApi api;
    @Autowired
    ObjectMapper json;

    @TempDir
    Path folder;

    @Test
    void aPipelineFileInAnotherRoutesFolderIsScheduledListedAndRunToTheEnd() throws Exception {
        LocalDate date = TestDates.ExtraPipeline.ONE_RUN;
        try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, "
                    + "created_at) VALUES (7100000001, 1, 'books', 10.00, 'USD', 'shipped', '" + date + "T08:00:00Z'), "
                    + "(7100000002, 2, 'games', 20.00, 'USD', 'shipped', '" + date + "T23:59:59Z'), "
                    + "(7100000003, 3, 'tools', 5.50, 'USD', 'pending', '" + date + "T00:00:00Z'), "
                    + "(7100000004, 4, 'tools', 99.00, 'USD', 'pending', '" + date.plusDays(1) + "T00:00:00Z')");
        }
        Files.writeString(folder.resolve("prepare.sql"), """
                CREATE TABLE IF NOT EXISTS staging.test_orders_by_status (logical_date date NOT NULL,
                    run_id bigint NOT NULL, status text, orders bigint, total numeric(14,2));
                CREATE TABLE IF NOT EXISTS analytics.test_status_shares (day date NOT NULL, status text NOT NULL,
                    share numeric(5,4) NOT NULL, PRIMARY KEY (day, status));
                """);
        Files.writeString(folder.resolve("extract.sql"), """
                SELECT status, count(*)::bigint AS orders, sum(total)::numeric(14,2) AS total
                FROM public.orders
                WHERE created_at >= :window_start AND created_at < :window_end
                GROUP BY status
                ORDER BY status
                """);
        Files.writeString(folder.resolve("shares.sql"), """
                DELETE FROM analytics.test_status_shares WHERE day = :logical_date;
                INSERT INTO analytics.test_status_shares (day, status, share)
                SELECT logical_date, status, round(orders::numeric / sum(orders) OVER (), 4)
                FROM staging.test_orders_by_status
                WHERE logical_date = :logical_date AND run_id = :run_id;
                """);
        Files.writeString(folder.resolve("orders-by-status.camel.yaml"), """
                - route:
                    id: orders_by_status
                    group: pipelines
                    description: Orders of the day by status, and each status's share
                    routeConfigurationId: pipeline-steps
                    from:
                      uri: kamelet:pipeline-runs
                      parameters:
                        cron: "0 15 4 * * ?"
                        timeZone: UTC
                      steps:
                        - to:
                            uri: kamelet:sql-file/orders_by_status.prepare
                            parameters:
                              file: %1$s/prepare.sql
                        - to:
                            uri: kamelet:jdbc-extract/orders_by_status.sum_by_status
                            parameters:
                              connection: sales
                              query: %1$s/extract.sql
                              lakePrefix: raw/test/orders_by_status
                        - to:
                            uri: kamelet:warehouse-load/orders_by_status.load
                            parameters:
                              table: staging.test_orders_by_status
                              extract: sum_by_status
                        - to:
                            uri: kamelet:sql-file/orders_by_status.shares
                            parameters:
                              file: %1$s/shares.sql
                """.formatted(folder));
        // A second one of no configuration entry either: the blocks of the sources, in a route file of its own.
        try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
            st.execute("CREATE TABLE public.test_refunds (refund_id bigint PRIMARY KEY, amount numeric(10,2), "
                    + "updated_at timestamp NOT NULL)");
            st.executeUpdate("INSERT INTO public.test_refunds VALUES (1, 5.00, '2026-03-01 10:00'), (2, 7.50, '2026-03-01 11:00')");
        }
        Files.writeString(folder.resolve("refunds.camel.yaml"), """
                - route:
                    id: refunds
                    group: pipelines
                    routeConfigurationId: pipeline-steps
                    from:
                      uri: kamelet:pipeline-runs/refunds-runs
                      parameters:
                        cron: "0 15 4 * * ?"
                      steps:
                        - to:
                            uri: kamelet:table-extract/refunds.read_changes
                            parameters:
                              connection: sales
                              table: public.test_refunds
                              cursorColumn: updated_at
                              keyColumns: refund_id
                              lakePrefix: raw/test/refunds
                              load: upsert
                        - to:
                            uri: kamelet:warehouse-load/refunds.upsert
                            parameters:
                              table: staging.test_refunds
                              extract: read_changes
                              mode: upsert
                """);
        testServiceTakesNoRunsOver();
        try (ServiceProcess service = ServiceProcess.withRoutesOf(folder, "extra-pipeline", environment).start()) {
            HttpResponse<String> pipelines = service.get("/api/pipelines");
            assertThat(pipelines.body()).contains("\"name\":\"orders_by_status\"").contains("\"cron\":\"0 15 4 * * ?\"");

            HttpResponse<String> trigger = service.post("/api/pipelines/orders_by_status/runs",
                    "{\"logicalDate\":\"" + date + "\"}");
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(202);
            long runId = json.readTree(trigger.body()).get("runId").asLong();
            RunRecord run = api.awaitFinished(runId);

            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.tasks()).extracting(RunRecord.Task::task)
                    .containsExactly("prepare", "sum_by_status", "load", "shares");
            assertThat(run.tasks().get(1).rowsOut()).as("one row per status").isEqualTo(2);
            assertThat(run.tasks().get(1).lakeKeys())
                    .allMatch(key -> key.startsWith("raw/test/orders_by_status/dt=" + date + "/run=" + runId + "/"))
                    .anyMatch(key -> key.endsWith("_manifest.json"));
            assertThat(jdbc.queryForList("SELECT status, orders, total FROM staging.test_orders_by_status "
                    + "WHERE logical_date = ? ORDER BY status", date)).isEqualTo(List.of(
                    Map.of("status", "pending", "orders", 1L, "total", new BigDecimal("5.50")),
                    Map.of("status", "shipped", "orders", 2L, "total", new BigDecimal("30.00"))));
            assertThat(jdbc.queryForList("SELECT status, share FROM analytics.test_status_shares WHERE day = ? "
                    + "ORDER BY status", date)).isEqualTo(List.of(
                    Map.of("status", "pending", "share", new BigDecimal("0.3333")),
                    Map.of("status", "shipped", "share", new BigDecimal("0.6667"))));

            RunRecord first = run(service, "refunds", date);
            assertThat(first.tasks()).extracting(RunRecord.Task::task).containsExactly("read_changes", "upsert");
            assertThat(first.tasks().get(1).rowsOut()).isEqualTo(2);
            try (var sales = api.salesDatabase(); var st = sales.createStatement()) {
                st.executeUpdate("UPDATE public.test_refunds SET amount = 6.00, updated_at = '2026-03-02 09:00' WHERE refund_id = 1");
            }
            RunRecord second = run(service, "refunds", date.plusDays(1));
            assertThat(second.tasks().get(0).rowsOut()).as("the changed row only").isEqualTo(1);
            assertThat(jdbc.queryForList("SELECT refund_id, amount FROM staging.test_refunds ORDER BY refund_id"))
                    .isEqualTo(List.of(Map.of("refund_id", 1L, "amount", new BigDecimal("6.00")),
                            Map.of("refund_id", 2L, "amount", new BigDecimal("7.50"))));
            assertThat(jdbc.queryForObject("SELECT cursor_value || ' ' || key_values::text FROM etl.watermarks "
                    + "WHERE source = 'refunds'", String.class)).isEqualTo("2026-03-02T09:00 [\"1\"]");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.lineage WHERE source = 'refunds' "
                    + "AND target_table = 'staging.test_refunds'", Long.class)).isEqualTo(2);
        }
    }

    private RunRecord run(ServiceProcess service, String pipeline, LocalDate date) throws Exception {
        RunRecord run = api.awaitFinished(service.trigger(pipeline, date));
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }
}
