package io.pipelines.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one micro-batch in the order they were consumed (per partition, in offset order),
 * each with its parsed event or the reason it was rejected. The stream route's beans work on it;
 * the consumer commits its offsets once the route has succeeded.
 */
public class MicroBatch {

    /** Where a record was refused: by the parser, or by the warehouse when it was loaded. */
    public enum Stage { PARSE, LOAD }

    /**
     * One record of the batch: its event, or the reason it was refused and at which stage (a record the
     * parser took may still be refused by the warehouse, and is then a dead letter like one it did not).
     */
    public record Entry(ConsumerRecord<byte[], byte[]> record, StreamEvent event, String rejection, Stage stage) {

        public Entry(ConsumerRecord<byte[], byte[]> record, StreamEvent event, String rejection) {
            this(record, event, rejection, rejection == null ? null : Stage.PARSE);
        }

        /** This record refused by the warehouse, for the reason it gave. */
        public Entry refusedOnLoad(String reason) {
            return new Entry(record, null, reason, Stage.LOAD);
        }

        public int partition() {
            return record.partition();
        }

        public long offset() {
            return record.offset();
        }
    }

    private final String stream;
    private final String topic;
    private final List<Entry> entries;

    public MicroBatch(String stream, String topic, List<Entry> entries) {
        this.stream = stream;
        this.topic = topic;
        this.entries = List.copyOf(entries);
    }

    /** The stream (its declaration's name, the pipeline) whose records these are. */
    public String stream() {
        return stream;
    }

    public String topic() {
        return topic;
    }

    /** Other records of the same stream and topic. */
    public MicroBatch with(List<Entry> entries) {
        return new MicroBatch(stream, topic, entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> valid() {
        return entries.stream().filter(e -> e.event() != null).toList();
    }

    public List<Entry> rejected() {
        return entries.stream().filter(e -> e.event() == null).toList();
    }

    /** The same records, those of the given offsets refused by the warehouse with the reason given for each. */
    public MicroBatch refusedOnLoad(Map<Entry, String> refused) {
        return with(entries.stream()
                .map(e -> refused.containsKey(e) ? e.refusedOnLoad(refused.get(e)) : e).toList());
    }

    /** The entries of each partition, in offset order, partitions in ascending order. */
    public Map<Integer, List<Entry>> byPartition() {
        Map<Integer, List<Entry>> parts = new java.util.TreeMap<>();
        for (Entry e : entries) {
            parts.computeIfAbsent(e.partition(), p -> new ArrayList<>()).add(e);
        }
        return parts;
    }

    /** What to commit once the batch is loaded: for each partition, the offset after its last record. */
    public Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
        for (Entry e : entries) {
            next.put(new TopicPartition(topic, e.partition()), new OffsetAndMetadata(e.offset() + 1));
        }
        return next;
    }
}
