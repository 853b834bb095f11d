package io.pipelines.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.lake.Lake;
import io.pipelines.lake.ParquetFiles;

/**
 * Lands each micro-batch in the lake: for each partition, one Parquet object per event hour of its
 * valid events, at the deterministic key
 * {@code <prefix>/dt=<date>/hour=<hour>/<partition>-<first offset>-<last offset>.parquet} (the batch's
 * offsets of that partition, in UTC event time, like Kafka Connect's time-based partitioner; a batch
 * tried again writes the same keys). Each key is recorded in etl.stream_lake_objects before its object
 * is put, so that the objects of a batch never committed are found without listing the lake: they
 * are removed when a partition is taken over, and by the consumer itself when it gives a batch up but
 * keeps its partitions (it reads them again, maybe with other boundaries). Records the warehouse
 * refused are not in the lake either: the batch's objects are dropped and it is landed again without them.
 */
public class StreamLake {

    private static final DateTimeFormatter HOUR_FOLDER = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH")
            .withZone(ZoneOffset.UTC);

    private final Lake lake;
    private final JdbcTemplate jdbc;
    private final String stream;
    private final String prefix;
    private final Path spoolDir;
    private final Schema schema;
    private final Set<String> unique;

    public StreamLake(Lake lake, JdbcTemplate jdbc, StreamDeclaration declaration, Path spoolDir) {
        this.lake = lake;
        this.jdbc = jdbc;
        this.stream = declaration.name();
        this.prefix = declaration.lakePrefix();
        this.spoolDir = spoolDir;
        this.schema = schema(declaration);
        // Columns whose values hardly repeat, written without a dictionary.
        this.unique = Set.of(declaration.record().key().name(), declaration.record().eventTime().name(), "kafka_offset");
    }

    /** Writes the batch's objects: per partition, one for each event hour of its valid events. */
    public void land(MicroBatch batch) throws IOException {
        boolean refusedOnLoad = batch.entries().stream().anyMatch(e -> e.stage() == MicroBatch.Stage.LOAD);
        for (Map.Entry<Integer, List<MicroBatch.Entry>> part : batch.byPartition().entrySet()) {
            int partition = part.getKey();
            List<MicroBatch.Entry> records = part.getValue();
            Keys keys = keys(partition, records);
            if (refusedOnLoad) {
                dropBatch(partition, keys.first); // landed before the warehouse refused some of its records
            }
            Map<Long, List<MicroBatch.Entry>> byHour = new TreeMap<>();
            for (MicroBatch.Entry e : records) {
                if (e.event() != null) {
                    byHour.computeIfAbsent(hour(e.event().eventTime()), h -> new ArrayList<>()).add(e);
                }
            }
            if (byHour.isEmpty()) {
                continue;
            }
            List<String> objectKeys = byHour.keySet().stream().map(keys::ofHour).toList();
            record(partition, keys, objectKeys);
            for (Map.Entry<Long, List<MicroBatch.Entry>> hour : byHour.entrySet()) {
                put(keys.ofHour(hour.getKey()), hour.getValue());
            }
        }
    }

    private void put(String key, List<MicroBatch.Entry> events) throws IOException {
        Files.createDirectories(spoolDir);
        Path file = Files.createTempFile(spoolDir, "stream", ".parquet");
        try {
            try (ParquetWriter<GenericRecord> writer = writer(file)) {
                for (MicroBatch.Entry e : events) {
                    writer.write(record(e));
                }
            }
            lake.put(key, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Records the partition's keys of this batch before their objects are put, and forgets the objects of
     * the batches before the one before it: a consumer hands a partition's next batch over once the one
     * before is loaded, and commits that one meanwhile (see {@link StreamConsumer}), so only the batches
     * before that one are surely committed.
     */
    private void record(int partition, Keys keys, List<String> objectKeys) {
        jdbc.update("""
                WITH committed AS (
                    DELETE FROM etl.stream_lake_objects
                    WHERE stream = ? AND kafka_partition = ? AND last_offset < (
                        SELECT max(first_offset) FROM etl.stream_lake_objects
                        WHERE stream = ? AND kafka_partition = ? AND first_offset < ?))
                INSERT INTO etl.stream_lake_objects (stream, kafka_partition, first_offset, last_offset, lake_key)
                SELECT ?, ?, ?, ?, k FROM unnest(?::text[]) AS u(k)
                ON CONFLICT (stream, lake_key) DO NOTHING""",
                stream, partition, stream, partition, keys.first, stream, partition, keys.first, keys.last,
                objectKeys.toArray(String[]::new));
    }

    /** The keys of the objects of one partition's records of a batch (records in offset order), by event hour. */
    public Keys keys(int partition, List<MicroBatch.Entry> records) {
        return new Keys(partition, records.get(0).offset(), records.get(records.size() - 1).offset());
    }

    /** The keys of one partition's objects of a batch, from its first offset to its last. */
    public final class Keys {
        private final int partition;
        private final long first;
        private final long last;
        private final Map<Long, String> byHour = new HashMap<>();

        Keys(int partition, long first, long last) {
            this.partition = partition;
            this.first = first;
            this.last = last;
        }

        /** The key of the object that holds an event of this time. */
        public String of(Instant eventTime) {
            return ofHour(hour(eventTime));
        }

        String ofHour(long hour) {
            return byHour.computeIfAbsent(hour, h -> prefix + "/" + HOUR_FOLDER.format(Instant.ofEpochSecond(h * 3600))
                    + "/" + partition + "-" + first + "-" + last + ".parquet");
        }
    }

    private static long hour(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), 3600);
    }

    /** Deletes the objects of the partition's batch that starts at this offset (one that will not be committed). */
    public void dropBatch(int partition, long firstOffset) {
        List<String> keys = jdbc.queryForList("SELECT lake_key FROM etl.stream_lake_objects WHERE stream = ? "
                + "AND kafka_partition = ? AND first_offset = ?", String.class, stream, partition, firstOffset);
        forget(keys);
    }

    /**
     * Deletes the partition's objects that start at or after the committed offset: they belong to
     * batches that were landed but never committed, and will be landed again.
     */
    public List<String> dropUncommitted(int partition, long committedOffset) {
        List<String> stale = jdbc.queryForList("SELECT lake_key FROM etl.stream_lake_objects WHERE stream = ? "
                + "AND kafka_partition = ? AND first_offset >= ?", String.class, stream, partition, committedOffset);
        forget(stale);
        return stale;
    }

    /** The objects deleted (keys with none are ignored), then their rows: a failure in between leaves the rows. */
    private void forget(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        lake.delete(keys);
        jdbc.update("DELETE FROM etl.stream_lake_objects WHERE stream = ? AND lake_key = ANY (?)", stream,
                keys.toArray(String[]::new));
    }

    /** The lake's one Parquet writer; the columns whose values hardly repeat without a dictionary. */
    private ParquetWriter<GenericRecord> writer(Path file) throws IOException {
        return ParquetFiles.writer(file, schema, Map.of(), unique);
    }

    /** The schema of the lake's records (see {@link #schema(StreamDeclaration)}). */
    Schema schema() {
        return schema;
    }

    /** A parsed record as the lake holds it: its fields by position, in the declaration's order, then its partition and offset. */
    GenericRecord record(MicroBatch.Entry e) {
        StreamEvent event = e.event();
        GenericData.Record r = new GenericData.Record(schema);
        int n = schema.getFields().size() - 2;
        for (int i = 0; i < n; i++) {
            r.put(i, event.get(i));
        }
        r.put(n, e.partition());
        r.put(n + 1, e.offset());
        return r;
    }

    /** The Avro schema of the stream's objects: a column per field (optional ones nullable), kafka_partition, kafka_offset. */
    static Schema schema(StreamDeclaration declaration) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(declaration.name()).namespace("pipelines").fields();
        for (StreamDeclaration.Field f : declaration.record().fields()) {
            Schema type = switch (f.type()) {
                case TEXT -> Schema.create(Schema.Type.STRING);
                case BIGINT -> Schema.create(Schema.Type.LONG);
                case INTEGER -> Schema.create(Schema.Type.INT);
                case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
                case NUMERIC -> LogicalTypes.decimal(f.precision(), f.scale()).addToSchema(Schema.create(Schema.Type.BYTES));
                case TIMESTAMPTZ -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            };
            fields = f.required() ? fields.name(f.name()).type(type).noDefault()
                    : fields.name(f.name()).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null);
        }
        return fields.requiredInt("kafka_partition").requiredLong("kafka_offset").endRecord();
    }
}
