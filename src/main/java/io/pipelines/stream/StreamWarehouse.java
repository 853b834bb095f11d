package io.pipelines.stream;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.config.PipelinesProperties;

/**
 * Loads a micro-batch into the warehouse in one transaction: new events into staging.order_events
 * (an event_id already there is a duplicate and changes nothing, except that a record read again
 * has its lake_key moved to this batch's object), each new event either added to
 * its hour of analytics.hourly_sales or, when its window is already final, recorded in
 * etl.late_events; and the partitions' event-time progress in etl.stream_watermarks.
 * <p>
 * Event time is tracked per partition: an event is late when its window ends at or before its
 * partition's watermark (the largest event time seen before it in that partition, minus the
 * bounded out-of-orderness) by more than the allowed lateness; within it, the event still goes
 * into its window and is counted as one of the window's corrections. Kafka keeps a partition's order, so the outcome does not depend on
 * how partitions interleave, how records are batched, or on restarts: a batch loaded again finds
 * its events already there and adds nothing.
 */
@Component("streamWarehouse")
public class StreamWarehouse {

    private static final Duration WINDOW = Duration.ofHours(1);
    /** Adds events to their windows: followed by a SELECT of (category, hour, events, revenue, corrections), then ADDED. */
    static final String ADD_TO_WINDOWS = "INSERT INTO analytics.hourly_sales (product_category, hour, order_count, revenue, "
            + "corrections)\n";
    static final String ADDED = """

            ON CONFLICT (product_category, hour) DO UPDATE
            SET order_count = hourly_sales.order_count + EXCLUDED.order_count,
                revenue = hourly_sales.revenue + EXCLUDED.revenue,
                corrections = hourly_sales.corrections + EXCLUDED.corrections,
                updated_at = now()""";

    private final DataSource warehouse;
    private final TransactionTemplate tx;
    private final StreamLake lake;
    private final StreamMetrics metrics;
    private final String stream;
    private final Duration outOfOrderness;
    private final Duration allowedLateness;

    public StreamWarehouse(DataSource warehouse, TransactionTemplate tx, StreamLake lake, StreamMetrics metrics,
                           PipelinesProperties properties) {
        this.warehouse = warehouse;
        this.tx = tx;
        this.lake = lake;
        this.metrics = metrics;
        this.stream = properties.getStream().getName();
        this.outOfOrderness = properties.getStream().getMaxOutOfOrderness();
        this.allowedLateness = properties.getStream().getAllowedLateness();
    }

    /** What a load did: events new, seen before, late (not in their window), and corrections (late but allowed). */
    public record Outcome(int inserted, int duplicates, int late, int corrections) {
    }

    public void load(MicroBatch batch) {
        metrics.loaded(inTransaction(batch, false));
    }

    /**
     * Loads the records in a transaction that is rolled back, whatever happens: the warehouse's reason
     * when it refuses their data (see {@link PoisonRecords}), null when it takes them. Any other failure
     * (the warehouse unreachable) is thrown.
     */
    public String refusal(MicroBatch records) {
        try {
            inTransaction(records, true);
            return null;
        } catch (RuntimeException e) {
            if (PoisonRecords.refusedData(e)) {
                return PoisonRecords.reason(e);
            }
            throw e;
        }
    }

    /** The batch loaded in one transaction, committed or, for a trial, rolled back. */
    private Outcome inTransaction(MicroBatch batch, boolean rollBack) {
        return tx.execute(status -> {
            if (rollBack) {
                status.setRollbackOnly();
            }
            try {
                return load(DataSourceUtils.getConnection(warehouse), batch);
            } catch (SQLException e) {
                throw new IllegalStateException("Loading " + batch.size() + " records of " + batch.topic()
                        + " into the warehouse failed: " + e.getMessage(), e);
            }
        });
    }

    private Outcome load(Connection c, MicroBatch batch) throws SQLException {
        Map<Integer, List<MicroBatch.Entry>> partitions = batch.byPartition();
        Map<Integer, Instant> maxSeen = lockWatermarks(c, partitions.keySet());

        // 1. Insert the events that are new; the database says which ones were.
        List<MicroBatch.Entry> candidates = new ArrayList<>();
        List<String> keys = new ArrayList<>(); // the lake object of each candidate
        Set<String> inBatch = new HashSet<>();
        for (Map.Entry<Integer, List<MicroBatch.Entry>> part : partitions.entrySet()) {
            StreamLake.Keys objects = lake.keys(part.getKey(), part.getValue());
            for (MicroBatch.Entry e : part.getValue()) {
                if (e.event() != null && inBatch.add(e.event().eventId())) {
                    candidates.add(e);
                    keys.add(objects.of(e.event().eventTime()));
                }
            }
        }
        Set<String> inserted = insertEvents(c, candidates, keys);
        relinkReadAgain(c, partitions, inserted);

        // 2. In each partition's order: the window of each new event, or its lateness.
        Map<List<Object>, long[]> counts = new LinkedHashMap<>(); // per window: events, of which corrections
        Map<List<Object>, BigDecimal> revenue = new HashMap<>();
        List<Object[]> late = new ArrayList<>();
        int corrections = 0;
        for (MicroBatch.Entry e : candidates) {
            OrderEvent event = e.event();
            if (!inserted.contains(event.eventId())) {
                continue;
            }
            Instant windowStart = event.eventTime().truncatedTo(ChronoUnit.HOURS);
            Instant seen = maxSeen.get(e.partition());
            Instant watermark = seen == null ? null : seen.minus(outOfOrderness);
            Instant windowEnd = windowStart.plus(WINDOW);
            boolean ended = watermark != null && !windowEnd.isAfter(watermark);
            if (ended && !windowEnd.plus(allowedLateness).isAfter(watermark)) {
                late.add(new Object[] {event.eventId(), e.partition(), e.offset(), event.eventTime(), windowStart,
                        watermark, Duration.between(windowEnd, watermark).toMillis()});
            } else {
                List<Object> window = List.of(event.productCategory(), windowStart);
                long[] count = counts.computeIfAbsent(window, w -> new long[2]);
                count[0]++;
                if (ended) {
                    count[1]++; // within the allowed lateness: a correction of a window that had ended
                    corrections++;
                }
                revenue.merge(window, event.total(), BigDecimal::add);
            }
            if (seen == null || event.eventTime().isAfter(seen)) {
                maxSeen.put(e.partition(), event.eventTime());
            }
        }
        addToWindows(c, counts, revenue);
        recordLate(c, late);
        saveWatermarks(c, maxSeen);
        return new Outcome(inserted.size(), batch.valid().size() - inserted.size(), late.size(), corrections);
    }

    private Map<Integer, Instant> lockWatermarks(Connection c, Set<Integer> partitions) throws SQLException {
        Map<Integer, Instant> maxSeen = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kafka_partition, max_event_time FROM etl.stream_watermarks "
                + "WHERE stream = ? AND kafka_partition = ANY (?) ORDER BY kafka_partition FOR UPDATE")) {
            ps.setString(1, stream);
            ps.setArray(2, c.createArrayOf("integer", partitions.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    maxSeen.put(rs.getInt(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return maxSeen;
    }

    private Set<String> insertEvents(Connection c, List<MicroBatch.Entry> events, List<String> keys)
            throws SQLException {
        Set<String> inserted = new HashSet<>();
        if (events.isEmpty()) {
            return inserted;
        }
        int n = events.size();
        String[] ids = new String[n];
        Long[] orders = new Long[n];
        Long[] customers = new Long[n];
        String[] categories = new String[n];
        String[] totals = new String[n];
        String[] currencies = new String[n];
        String[] times = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] lakeKeys = new String[n];
        for (int i = 0; i < n; i++) {
            MicroBatch.Entry e = events.get(i);
            OrderEvent event = e.event();
            ids[i] = event.eventId();
            orders[i] = event.orderId();
            customers[i] = event.customerId();
            categories[i] = event.productCategory();
            totals[i] = event.total().toPlainString();
            currencies[i] = event.currency();
            times[i] = event.eventTime().toString();
            partitions[i] = e.partition();
            offsets[i] = e.offset();
            lakeKeys[i] = keys.get(i);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO staging.order_events (event_id, order_id, customer_id, product_category, total, currency,
                                                  event_time, kafka_partition, kafka_offset, lake_key)
                SELECT id, o, cu, cat, t::numeric, cur, et::timestamptz, p, off, k
                FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::integer[], ?::bigint[], ?::text[]) AS u(id, o, cu, cat, t, cur, et, p, off, k)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id""")) {
            Object[][] columns = {ids, orders, customers, categories, totals, currencies, times, partitions, offsets, lakeKeys};
            String[] types = {"text", "bigint", "bigint", "text", "text", "text", "text", "integer", "bigint", "text"};
            for (int i = 0; i < columns.length; i++) {
                ps.setArray(i + 1, c.createArrayOf(types[i], columns[i]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /**
     * Points the rows of records loaded before (a batch loaded but not committed, read again maybe
     * with other boundaries) at this batch's lake object: the object they were loaded with is dropped
     * as uncommitted. Only the row of the same record (same event_id, partition and offset) is
     * changed, never that of an earlier copy of the event at another offset, and nothing else: the
     * row stays loaded, and is not counted again. Only events not inserted by this batch are looked
     * at, so a batch read once costs nothing more than its duplicates.
     */
    private void relinkReadAgain(Connection c, Map<Integer, List<MicroBatch.Entry>> partitions, Set<String> inserted)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<Integer> parts = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<String> lakeKeys = new ArrayList<>();
        for (Map.Entry<Integer, List<MicroBatch.Entry>> part : partitions.entrySet()) {
            StreamLake.Keys objects = lake.keys(part.getKey(), part.getValue());
            for (MicroBatch.Entry e : part.getValue()) {
                if (e.event() != null && !inserted.contains(e.event().eventId())) {
                    ids.add(e.event().eventId());
                    parts.add(e.partition());
                    offsets.add(e.offset());
                    lakeKeys.add(objects.of(e.event().eventTime()));
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE staging.order_events o SET lake_key = u.k
                FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::text[]) AS u(id, p, off, k)
                WHERE o.event_id = u.id AND o.kafka_partition = u.p AND o.kafka_offset = u.off
                  AND o.lake_key IS DISTINCT FROM u.k""")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            ps.setArray(2, c.createArrayOf("integer", parts.toArray()));
            ps.setArray(3, c.createArrayOf("bigint", offsets.toArray()));
            ps.setArray(4, c.createArrayOf("text", lakeKeys.toArray()));
            ps.executeUpdate();
        }
    }

    private void addToWindows(Connection c, Map<List<Object>, long[]> counts, Map<List<Object>, BigDecimal> revenue)
            throws SQLException {
        if (counts.isEmpty()) {
            return;
        }
        List<String> categories = new ArrayList<>();
        List<String> hours = new ArrayList<>();
        List<Long> orderCounts = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        List<Long> corrections = new ArrayList<>();
        counts.forEach((window, count) -> {
            categories.add((String) window.get(0));
            hours.add(window.get(1).toString());
            orderCounts.add(count[0]);
            sums.add(revenue.get(window).toPlainString());
            corrections.add(count[1]);
        });
        try (PreparedStatement ps = c.prepareStatement(ADD_TO_WINDOWS + """
                SELECT cat, h::timestamptz, n, r::numeric, k
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[]) AS u(cat, h, n, r, k)""" + ADDED)) {
            ps.setArray(1, c.createArrayOf("text", categories.toArray()));
            ps.setArray(2, c.createArrayOf("text", hours.toArray()));
            ps.setArray(3, c.createArrayOf("bigint", orderCounts.toArray()));
            ps.setArray(4, c.createArrayOf("text", sums.toArray()));
            ps.setArray(5, c.createArrayOf("bigint", corrections.toArray()));
            ps.executeUpdate();
        }
    }

    private void recordLate(Connection c, List<Object[]> late) throws SQLException {
        if (late.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.late_events (event_id, stream, kafka_partition, "
                + "kafka_offset, event_time, window_start, watermark, delay_ms) VALUES (?, ?, ?, ?, ?::timestamptz, "
                + "?::timestamptz, ?::timestamptz, ?) ON CONFLICT (event_id) DO NOTHING")) {
            for (Object[] row : late) {
                ps.setString(1, (String) row[0]);
                ps.setString(2, stream);
                ps.setInt(3, (Integer) row[1]);
                ps.setLong(4, (Long) row[2]);
                ps.setString(5, row[3].toString());
                ps.setString(6, row[4].toString());
                ps.setString(7, row[5].toString());
                ps.setLong(8, (Long) row[6]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void saveWatermarks(Connection c, Map<Integer, Instant> maxSeen) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.stream_watermarks (stream, kafka_partition, "
                + "max_event_time) VALUES (?, ?, ?::timestamptz) ON CONFLICT (stream, kafka_partition) DO UPDATE "
                + "SET max_event_time = GREATEST(etl.stream_watermarks.max_event_time, EXCLUDED.max_event_time), "
                + "updated_at = now()")) {
            for (Map.Entry<Integer, Instant> e : maxSeen.entrySet()) {
                ps.setString(1, stream);
                ps.setInt(2, e.getKey());
                ps.setString(3, e.getValue().toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
