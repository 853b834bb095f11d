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
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.warehouse.CopyRows;


/**
 * Loads a micro-batch into the warehouse in one transaction, as the stream's declaration says
 * ({@link StreamSql}): new events into its staging table (a key already there is a duplicate and
 * changes nothing, except that a record read again has its lake_key moved to this batch's object),
 * each new event either added to its window's row or, when its window is already final, recorded in
 * etl.late_events; and the partitions' event-time progress in etl.stream_watermarks. New events go in
 * with COPY, in PostgreSQL's binary format when the table's types allow, one per lake object (the
 * database's share of a batch about a third smaller than with an INSERT of the batch's arrays and ON
 * CONFLICT, bench/README.md); the loads of a stream take its lock, so that no other adds a key between
 * the look-up of the keys stored and the copy.
 * <p>
 * Event time is tracked per partition: an event is late when its window ends at or before its
 * partition's watermark (the largest event time seen before it in that partition, minus the
 * bounded out-of-orderness) by more than the allowed lateness; within it, the event still goes
 * into its window and is counted as one of the window's corrections. Kafka keeps a partition's order, so the outcome does not depend on
 * how partitions interleave, how records are batched, or on restarts: a batch loaded again finds
 * its events already there and adds nothing.
 */
public class StreamWarehouse {

    private final DataSource warehouse;
    private final TransactionTemplate tx;
    private final StreamLake lake;
    private final StreamMetrics metrics;
    private final String stream;
    private final Duration outOfOrderness;
    private final Duration allowedLateness;
    private final StreamDeclaration declaration;
    private final StreamSql sql;
    private final long windowSeconds;
    private final String storedKeys;
    private final String relinkReadAgain;
    private final String addToWindows;
    private final int[] groupPositions;
    private final int[] summedPositions;

    public StreamWarehouse(DataSource warehouse, TransactionTemplate tx, StreamLake lake, StreamMetrics metrics,
                           StreamDeclaration declaration) {
        this.warehouse = warehouse;
        this.tx = tx;
        this.lake = lake;
        this.metrics = metrics;
        this.declaration = declaration;
        this.sql = new StreamSql(declaration);
        this.windowSeconds = declaration.window().size().toSeconds();
        this.stream = declaration.name();
        this.storedKeys = sql.storedKeys();
        this.relinkReadAgain = sql.relinkReadAgain();
        this.addToWindows = sql.addToWindows();
        this.groupPositions = sql.groupBy().stream().mapToInt(f -> declaration.record().position(f.name())).toArray();
        this.summedPositions = sql.summed().stream().mapToInt(f -> declaration.record().position(f.name())).toArray();
        this.outOfOrderness = declaration.window().maxOutOfOrderness();
        this.allowedLateness = declaration.window().allowedLateness();
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
        lockStream(c);
        Map<Integer, Instant> maxSeen = lockWatermarks(c, partitions.keySet());

        // 1. Copy the events that are new (their keys not stored yet).
        List<MicroBatch.Entry> candidates = new ArrayList<>();
        List<String> keys = new ArrayList<>(); // the lake object of each candidate
        Set<String> inBatch = new HashSet<>();
        for (Map.Entry<Integer, List<MicroBatch.Entry>> part : partitions.entrySet()) {
            StreamLake.Keys objects = lake.keys(part.getKey(), part.getValue());
            for (MicroBatch.Entry e : part.getValue()) {
                if (e.event() != null && inBatch.add(e.event().key())) {
                    candidates.add(e);
                    keys.add(objects.of(e.event().eventTime()));
                }
            }
        }
        Set<String> inserted = insertEvents(c, candidates, keys);
        relinkReadAgain(c, partitions, inserted);

        // 2. In each partition's order: the window of each new event, or its lateness.
        Map<List<Object>, Window> windows = new LinkedHashMap<>();
        List<Object[]> late = new ArrayList<>();
        int corrections = 0;
        for (MicroBatch.Entry e : candidates) {
            StreamEvent event = e.event();
            if (!inserted.contains(event.key())) {
                continue;
            }
            Instant windowStart = windowStart(event.eventTime());
            Instant seen = maxSeen.get(e.partition());
            Instant watermark = seen == null ? null : seen.minus(outOfOrderness);
            Instant windowEnd = windowStart.plusSeconds(windowSeconds);
            boolean ended = watermark != null && !windowEnd.isAfter(watermark);
            if (ended && !windowEnd.plus(allowedLateness).isAfter(watermark)) {
                late.add(new Object[] {event.key(), e.partition(), e.offset(), event.eventTime(), windowStart,
                        watermark, Duration.between(windowEnd, watermark).toMillis()});
            } else {
                List<Object> group = new ArrayList<>(groupPositions.length + 1);
                for (int position : groupPositions) {
                    group.add(event.get(position));
                }
                group.add(windowStart);
                windows.computeIfAbsent(group, w -> new Window(sql.summed().size())).add(event, ended);
                if (ended) {
                    corrections++; // within the allowed lateness: a correction of a window that had ended
                }
            }
            if (seen == null || event.eventTime().isAfter(seen)) {
                maxSeen.put(e.partition(), event.eventTime());
            }
        }
        addToWindows(c, windows);
        recordLate(c, late);
        saveWatermarks(c, maxSeen);
        return new Outcome(inserted.size(), batch.valid().size() - inserted.size(), late.size(), corrections);
    }

    /** The start of the tumbling window of an event time (windows aligned to the epoch). */
    private Instant windowStart(Instant time) {
        return Instant.ofEpochSecond(Math.floorDiv(time.getEpochSecond(), windowSeconds) * windowSeconds);
    }

    /** What a batch adds to one window: events, of which corrections, and each sum. */
    private final class Window {
        long events;
        long corrections;
        final BigDecimal[] sums;

        Window(int measures) {
            sums = new BigDecimal[measures];
            java.util.Arrays.fill(sums, BigDecimal.ZERO);
        }

        void add(StreamEvent event, boolean correction) {
            events++;
            if (correction) {
                corrections++;
            }
            for (int i = 0; i < sums.length; i++) {
                Object v = event.get(summedPositions[i]);
                if (v != null) {
                    sums[i] = sums[i].add(v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue()));
                }
            }
        }
    }

    private Map<Integer, Instant> lockWatermarks(Connection c, Set<Integer> partitions) throws SQLException {
        Map<Integer, Instant> maxSeen = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kafka_partition, max_event_time FROM etl.stream_watermarks "
                + "WHERE stream = ? AND kafka_partition = ANY (?) ORDER BY kafka_partition FOR UPDATE")) {
            ps.setString(1, stream);
            ps.setArray(2, c.createArrayOf("integer", partitions.toArray(Integer[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    maxSeen.put(rs.getInt(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return maxSeen;
    }

    /**
     * Copies the events whose keys the staging table does not hold yet, and returns those keys. No other
     * transaction adds keys of this stream meanwhile: each load holds the stream's lock (see {@link #lockStream}).
     */
    private Set<String> insertEvents(Connection c, List<MicroBatch.Entry> events, List<String> keys)
            throws SQLException {
        Set<String> inserted = new HashSet<>();
        if (events.isEmpty()) {
            return inserted;
        }
        Set<String> stored = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(storedKeys)) {
            ps.setArray(1, c.createArrayOf("text", events.stream().map(e -> e.event().key()).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        Map<String, List<MicroBatch.Entry>> byObject = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            MicroBatch.Entry e = events.get(i);
            if (!stored.contains(e.event().key())) {
                byObject.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(e);
                inserted.add(e.event().key());
            }
        }
        for (Map.Entry<String, List<MicroBatch.Entry>> object : byObject.entrySet()) {
            copy(c, object.getKey(), object.getValue());
        }
        return inserted;
    }

    /**
     * Copies events into the staging table with the warehouse's {@link CopyRows}, as the lake holds them
     * (their fields, partition and offset) and with the key of their lake object: in PostgreSQL's binary
     * format when the table's column types take the values as they are.
     */
    private void copy(Connection c, String lakeKey, List<MicroBatch.Entry> events) throws SQLException {
        try (CopyRows rows = CopyRows.open(c, declaration.staging(), List.of("lake_key"), lake.schema(), lakeKey)) {
            for (MicroBatch.Entry e : events) {
                rows.row(lake.record(e));
            }
            rows.finish();
        }
    }

    /**
     * Takes the stream's lock for this transaction: the loads of a stream (by several consumers, or
     * instances) follow one another, so that the keys found stored stay so until the copy.
     */
    private void lockStream(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "pipelines stream " + stream);
            ps.execute();
        }
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
                if (e.event() != null && !inserted.contains(e.event().key())) {
                    ids.add(e.event().key());
                    parts.add(e.partition());
                    offsets.add(e.offset());
                    lakeKeys.add(objects.of(e.event().eventTime()));
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(relinkReadAgain)) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray(String[]::new)));
            ps.setArray(2, c.createArrayOf("integer", parts.toArray(Integer[]::new)));
            ps.setArray(3, c.createArrayOf("bigint", offsets.toArray(Long[]::new)));
            ps.setArray(4, c.createArrayOf("text", lakeKeys.toArray(String[]::new)));
            ps.executeUpdate();
        }
    }

    private void addToWindows(Connection c, Map<List<Object>, Window> windows) throws SQLException {
        if (windows.isEmpty()) {
            return;
        }
        int groups = sql.groupBy().size();
        int n = windows.size();
        List<Object[]> arrays = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            arrays.add(StreamSql.newArray(sql.groupBy().get(g), n));
            types.add(StreamSql.arrayType(sql.groupBy().get(g)));
        }
        String[] starts = new String[n];
        Long[] counts = new Long[n];
        List<String[]> sums = new ArrayList<>();
        for (int m = 0; m < sql.summed().size(); m++) {
            sums.add(new String[n]);
        }
        Long[] corrections = new Long[n];
        int i = 0;
        for (Map.Entry<List<Object>, Window> w : windows.entrySet()) {
            for (int g = 0; g < groups; g++) {
                arrays.get(g)[i] = StreamSql.arrayValue(w.getKey().get(g));
            }
            starts[i] = w.getKey().get(groups).toString();
            counts[i] = w.getValue().events;
            for (int m = 0; m < sums.size(); m++) {
                sums.get(m)[i] = w.getValue().sums[m].toPlainString();
            }
            corrections[i] = w.getValue().corrections;
            i++;
        }
        arrays.add(starts);
        types.add("text");
        arrays.add(counts);
        types.add("bigint");
        for (String[] sum : sums) {
            arrays.add(sum);
            types.add("text");
        }
        arrays.add(corrections);
        types.add("bigint");
        try (PreparedStatement ps = c.prepareStatement(addToWindows)) {
            StreamSql.bind(c, ps, types, arrays);
            ps.executeUpdate();
        }
    }

    private void recordLate(Connection c, List<Object[]> late) throws SQLException {
        if (late.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.late_events (event_id, stream, kafka_partition, "
                + "kafka_offset, event_time, window_start, watermark, delay_ms) VALUES (?, ?, ?, ?, ?::timestamptz, "
                + "?::timestamptz, ?::timestamptz, ?) ON CONFLICT (stream, event_id) DO NOTHING")) {
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
