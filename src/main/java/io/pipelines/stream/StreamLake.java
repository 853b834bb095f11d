package io.pipelines.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.lake.Lake;
import io.pipelines.lake.ParquetFiles;

/**
 * Lands each micro-batch in the lake: one Parquet object per partition with the batch's valid
 * events, at the deterministic key {@code <prefix>/partition=<p>/<first offset>-<last offset>.parquet}
 * (a batch tried again writes the same key). Objects of offsets never committed are removed when a
 * partition is taken over, and by the consumer itself when it gives a batch up but keeps its
 * partitions (it reads them again, maybe with other boundaries). Records the warehouse refused are
 * not in the lake either: the batch is landed again without them.
 */
@Component("streamLake")
public class StreamLake {

    static final Schema SCHEMA = schema();
    private static final Set<String> UNIQUE_COLUMNS = Set.of("event_id", "order_id", "event_time", "kafka_offset");

    private final Lake lake;
    private final String prefix;
    private final Path spoolDir;

    public StreamLake(Lake lake, PipelinesProperties properties) {
        this.lake = lake;
        this.prefix = properties.getStream().getLakePrefix().replaceAll("/+$", "");
        this.spoolDir = properties.getLake().getSpoolDir();
    }

    /** Writes the batch's objects, one per partition that has valid events. */
    public void land(MicroBatch batch) throws IOException {
        for (Map.Entry<Integer, List<MicroBatch.Entry>> part : batch.byPartition().entrySet()) {
            List<MicroBatch.Entry> records = part.getValue();
            List<MicroBatch.Entry> valid = records.stream().filter(e -> e.event() != null).toList();
            String key = key(part.getKey(), records);
            if (valid.isEmpty()) {
                if (records.stream().anyMatch(e -> e.stage() == MicroBatch.Stage.LOAD)) {
                    drop(List.of(key)); // written before the warehouse refused its records
                }
                continue;
            }
            Files.createDirectories(spoolDir);
            Path file = Files.createTempFile(spoolDir, "stream", ".parquet");
            try {
                try (ParquetWriter<GenericRecord> writer = writer(file)) {
                    for (MicroBatch.Entry e : valid) {
                        writer.write(record(e));
                    }
                }
                lake.put(key, file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The key of the object of one partition's records of a batch (records in offset order). */
    public String key(int partition, List<MicroBatch.Entry> records) {
        return key(partition, records.get(0).offset(), records.get(records.size() - 1).offset());
    }

    /** The key of the object of one partition's records from the first offset to the last. */
    public String key(int partition, long firstOffset, long lastOffset) {
        return partitionFolder(partition) + firstOffset + "-" + lastOffset + ".parquet";
    }

    /**
     * Deletes the objects of the given keys (those of a batch that will not be committed); keys
     * with no object are ignored.
     */
    public void drop(Collection<String> keys) {
        if (!keys.isEmpty()) {
            lake.delete(keys);
        }
    }

    /**
     * Deletes the partition's objects that start at or after the committed offset: they belong to
     * batches that were landed but never committed, and will be landed again.
     */
    public List<String> dropUncommitted(int partition, long committedOffset) {
        List<String> stale = lake.list(partitionFolder(partition)).stream()
                .filter(k -> firstOffset(k) >= committedOffset).toList();
        lake.delete(stale);
        return stale;
    }

    private String partitionFolder(int partition) {
        return prefix + "/partition=" + partition + "/";
    }

    private static long firstOffset(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dash = name.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(name.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1; // not an object of ours: left alone
        }
    }

    /** The lake's one Parquet writer; the columns whose values hardly repeat without a dictionary. */
    private static ParquetWriter<GenericRecord> writer(Path file) throws IOException {
        return ParquetFiles.writer(file, SCHEMA, Map.of(), UNIQUE_COLUMNS);
    }

    private static GenericRecord record(MicroBatch.Entry e) {
        OrderEvent event = e.event();
        // By position, in SCHEMA's order (a name costs a lookup per field).
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put(0, event.eventId());
        r.put(1, event.orderId());
        r.put(2, event.customerId());
        r.put(3, event.productCategory());
        r.put(4, event.total());
        r.put(5, event.currency());
        r.put(6, event.eventTime());
        r.put(7, e.partition());
        r.put(8, e.offset());
        return r;
    }

    private static Schema schema() {
        Schema decimal = LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES));
        Schema timestamp = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        return SchemaBuilder.record("order_event").namespace("pipelines").fields()
                .requiredString("event_id")
                .requiredLong("order_id")
                .requiredLong("customer_id")
                .requiredString("product_category")
                .name("total").type(decimal).noDefault()
                .requiredString("currency")
                .name("event_time").type(timestamp).noDefault()
                .requiredInt("kafka_partition")
                .requiredLong("kafka_offset")
                .endRecord();
    }
}
