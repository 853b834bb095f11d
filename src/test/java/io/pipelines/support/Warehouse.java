package io.pipelines.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.generic.GenericRecord;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.lake.Lake;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.lake.LakeKeys;
import io.pipelines.task.DataDocs;

/** Reads what a run left in the source, the warehouse and the lake, to compare them. */
@TestComponent
public class Warehouse {

    /** A row count with the sum of total. */
    public record Totals(long rows, BigDecimal total) {
        public Totals {
            total = total == null ? BigDecimal.ZERO.setScale(2) : total.setScale(2);
        }
    }

    private final JdbcTemplate jdbc;
    private final TestApi api;
    private final Lake lake;

    private final LandedRuns landed;

    public Warehouse(JdbcTemplate jdbc, TestApi api, Lake lake, LandedRuns landed) {
        this.jdbc = jdbc;
        this.api = api;
        this.lake = lake;
        this.landed = landed;
    }

    /** Orders of one day into the source: {@code count} of them, order ids from {@code firstId}, totals 1.00, 2.00, ... */
    public void addSourceOrders(LocalDate date, long firstId, int count) throws Exception {
        try (Connection c = api.salesDatabase(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO public.orders SELECT " + firstId + " + i, 1 + i % 97, "
                    + "(ARRAY['books','games','garden','tools'])[1 + i % 4], (1 + i % 500)::numeric(12,2), 'USD', "
                    + "'completed', '" + date + "T00:00:00Z'::timestamptz + (i % 86000) * interval '1 second', NULL "
                    + "FROM generate_series(0, " + (count - 1) + ") i");
        }
    }

    /**
     * The date is in the warehouse and the lake exactly once, as in the source: staging, analytics
     * and the daily aggregate equal the source (counts and sums), no order twice, every row loaded
     * by one run whose manifest is in the lake and counts those rows, that run's Parquet objects
     * read back hold exactly the source's orders (count, sum of totals, the set of order ids), and
     * nothing else is left in the date's lake partition.
     */
    public void assertLoadedExactlyOnce(LocalDate date) throws Exception {
        assertThat(staging(date)).as("staging.orders of %s", date).isEqualTo(source(date));
        assertThat(analytics(date)).as("analytics.orders of %s", date).isEqualTo(source(date));
        assertThat(dailySales(date)).as("analytics.daily_sales of %s", date).isEqualTo(sourceDailySales(date));
        assertThat(jdbc.queryForObject("SELECT count(*) - count(DISTINCT order_id) FROM staging.orders WHERE logical_date = ?",
                Long.class, date)).as("orders loaded twice on %s", date).isZero();
        List<Long> runs = jdbc.queryForList("SELECT DISTINCT run_id FROM staging.orders WHERE logical_date = ?", Long.class, date);
        assertThat(runs).as("runs whose rows are in staging for %s", date).hasSize(1);
        String folder = LakeKeys.runFolder("raw/sales/orders", date, runs.get(0));
        Manifest manifest = landed.manifest(folder);
        assertThat(manifest.rows()).as("rows of the loaded run's manifest").isEqualTo(staging(date).rows());
        List<String> expected = new ArrayList<>(manifest.keys());
        expected.add(LakeKeys.manifest(folder));
        assertThat(lakeKeys(date)).as("the date's lake partition holds the loaded run's objects and manifest only")
                .containsExactlyInAnyOrderElementsOf(expected);
        List<GenericRecord> landed = new ArrayList<>();
        for (String key : manifest.keys()) {
            LakeReader.forEachRecord(lake, key, landed::add);
        }
        BigDecimal total = landed.stream().map(r -> (BigDecimal) r.get("total")).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(new Totals(landed.size(), total)).as("the loaded run's Parquet objects of %s, read back", date)
                .isEqualTo(source(date));
        assertThat(landed.stream().map(r -> (Long) r.get("order_id")).collect(java.util.stream.Collectors.toSet()))
                .as("the order ids in the lake for %s", date).hasSize(landed.size()).isEqualTo(sourceOrderIds(date));
    }

    /** The ids of the date's orders in the source. */
    public java.util.Set<Long> sourceOrderIds(LocalDate date) throws Exception {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (List<Object> r : sourceQuery("SELECT order_id FROM public.orders WHERE created_at >= ? AND created_at < ?", date)) {
            ids.add(((Number) r.get(0)).longValue());
        }
        return ids;
    }

    /**
     * Another instance of the service that is alive (a lease renewed, as far as this test's service can
     * tell, for a day): its runs are not taken over by the test's own service. Returns its id.
     */
    public String liveOtherInstance() {
        String id = "live-other-instance:" + java.util.UUID.randomUUID();
        jdbc.update("INSERT INTO etl.instances (instance_id, host, pid, heartbeat_at) VALUES (?, 'test', 0, now() + interval '1 day')",
                id);
        return id;
    }

    /** A lock on a table of the warehouse, held until closed (see {@link TableLock}). */
    public TableLock lockWarehouseTable(String table) throws Exception {
        return TableLock.on(jdbc.getDataSource().getConnection(), table);
    }

    /** A lock on a table of the sales source database, held until closed. */
    public TableLock lockSourceTable(String table) throws Exception {
        return TableLock.on(api.salesDatabase(), table);
    }

    public Totals source(LocalDate date) throws Exception {
        return sourceQuery("SELECT count(*), sum(total) FROM public.orders WHERE created_at >= ? AND created_at < ?", date)
                .stream().map(r -> new Totals(((Number) r.get(0)).longValue(), (BigDecimal) r.get(1))).findFirst().orElseThrow();
    }

    /** category -> [order count, revenue] over the source, as a GROUP BY computes it. */
    public Map<String, List<Object>> sourceDailySales(LocalDate date) throws Exception {
        Map<String, List<Object>> sales = new TreeMap<>();
        for (List<Object> r : sourceQuery("SELECT product_category, count(*), sum(total) FROM public.orders "
                + "WHERE created_at >= ? AND created_at < ? GROUP BY product_category", date)) {
            sales.put((String) r.get(0), List.of(((Number) r.get(1)).longValue(), ((BigDecimal) r.get(2)).setScale(2)));
        }
        return sales;
    }

    public Map<String, List<Object>> dailySales(LocalDate date) {
        Map<String, List<Object>> sales = new TreeMap<>();
        jdbc.query("SELECT product_category, order_count, revenue FROM analytics.daily_sales WHERE sale_date = ?",
                rs -> {
                    sales.put(rs.getString(1), List.of(rs.getLong(2), rs.getBigDecimal(3).setScale(2)));
                }, date);
        return sales;
    }

    public Totals staging(LocalDate date) {
        return jdbc.queryForObject("SELECT count(*), sum(total) FROM staging.orders WHERE logical_date = ?",
                (rs, n) -> new Totals(rs.getLong(1), rs.getBigDecimal(2)), date);
    }

    public Totals analytics(LocalDate date) {
        return jdbc.queryForObject("SELECT count(*), sum(total) FROM analytics.orders WHERE order_date = ?",
                (rs, n) -> new Totals(rs.getLong(1), rs.getBigDecimal(2)), date);
    }

    /** The staging rows of a date, without the columns that name the run (for comparing two runs). */
    public List<Map<String, Object>> stagingRows(LocalDate date) {
        return jdbc.queryForList("SELECT order_id, customer_id, product_category, total, currency, status, created_at, "
                + "updated_at FROM staging.orders WHERE logical_date = ? ORDER BY order_id", date);
    }

    public List<Map<String, Object>> analyticsRows(LocalDate date) {
        return jdbc.queryForList("SELECT order_id, customer_id, product_category, total, currency, status, created_at, "
                + "updated_at FROM analytics.orders WHERE order_date = ? ORDER BY order_id", date);
    }

    /** Every object key of the date's lake partition but the quality reports (those are {@link #lakeReports}). */
    public List<String> lakeKeys(LocalDate date) {
        return lake.list(LakeKeys.datePartition("raw/sales/orders", date)).stream()
                .filter(key -> !key.endsWith("/" + DataDocs.FILE)).toList();
    }

    /** The quality reports (Data Docs) in the date's lake partition. */
    public List<String> lakeReports(LocalDate date) {
        return lake.list(LakeKeys.datePartition("raw/sales/orders", date)).stream()
                .filter(key -> key.endsWith("/" + DataDocs.FILE)).toList();
    }

    /** Every record of the date's Parquet objects, read back from the lake. */
    public List<GenericRecord> lakeRecords(LocalDate date) throws Exception {
        List<GenericRecord> records = new ArrayList<>();
        for (String key : lakeKeys(date)) {
            if (key.endsWith(".parquet")) {
                LakeReader.forEachRecord(lake, key, records::add);
            }
        }
        return records;
    }

    private List<List<Object>> sourceQuery(String sql, LocalDate date) throws Exception {
        try (Connection c = api.salesDatabase(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, date.atStartOfDay().atOffset(ZoneOffset.UTC));
            ps.setObject(2, date.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
