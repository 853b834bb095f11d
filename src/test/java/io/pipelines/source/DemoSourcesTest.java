package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;

import org.junit.jupiter.api.Test;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;

/** The sources configured out of the box load the local profile's demo data: sales orders and the products API. */
class DemoSourcesTest extends SourceTestSupport {

    @Override
    protected java.time.LocalDate logicalDate() {
        return io.pipelines.support.TestDates.Sources.DEMO;
    }

    @Test
    void postgresOrdersLoadsTheSalesOrdersThenOnlyTheChangedOnes() throws Exception {
        RunRecord first = run("postgres_orders");
        assertThat(first.status()).as("run error: %s", first.error()).isEqualTo(RunStatus.SUCCEEDED);
        // Distinct ids: a test elsewhere adds an order whose id a demo order already has (staging keeps one per key).
        // Orders without updated_at (other tests add some) are not loaded, and are not among those changed below.
        long orders = salesCount("SELECT count(DISTINCT order_id) FROM public.orders WHERE updated_at IS NOT NULL");
        assertThat(orders).isPositive();
        assertThat(count("staging.postgres_orders")).isEqualTo(orders);
        assertThat(task(first, "extract").lakeKeys()).filteredOn(k -> k.endsWith(".parquet")).hasSizeGreaterThan(1);

        source("sales", "UPDATE public.orders SET status = 'refunded', updated_at = now() + interval '1 day' "
                + "WHERE order_id IN (SELECT DISTINCT order_id FROM public.orders WHERE updated_at IS NOT NULL ORDER BY order_id LIMIT 3)");
        RunRecord second = run("postgres_orders");
        assertThat(second.status()).as("run error: %s", second.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(second, "load").rowsOut()).as("the three changed orders").isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM staging.postgres_orders WHERE status = 'refunded'", Long.class))
                .isEqualTo(3);
        assertThat(count("staging.postgres_orders")).isEqualTo(orders);
    }

    @Test
    void apiProductsReadsEveryPageOfTheDemoProductsApi() {
        RunRecord run = run("api_products");
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(count("staging.api_products")).isEqualTo(250);
        assertThat(jdbc.queryForObject("SELECT pages_read FROM etl.lineage WHERE source = 'api_products' ORDER BY lineage_id DESC "
                + "LIMIT 1", Integer.class)).as("3 pages of products, then an empty one").isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT sku) FROM staging.api_products", Long.class)).isEqualTo(250);
    }

    private long salesCount(String sql) throws Exception {
        PipelinesProperties.Connection c = properties.getConnections().get("sales");
        try (var db = DriverManager.getConnection(c.getUrl(), c.getUsername(), c.getPassword());
             var rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
