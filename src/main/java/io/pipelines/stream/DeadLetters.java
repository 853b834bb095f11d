package io.pipelines.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;


/**
 * The dead letter records of a batch: each record that could not be parsed, with its original
 * key, bytes and headers, plus headers that name the source topic, partition, offset and the
 * reason. The consumer sends them in the same Kafka transaction as the batch's offsets, so each
 * lands in the dead letter topic exactly once.
 */
public class DeadLetters {

    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String REASON = "dlq.reason";

    private final String topic;

    public DeadLetters(String topic) {
        this.topic = topic;
    }

    public List<ProducerRecord<byte[], byte[]>> records(MicroBatch batch) {
        return batch.rejected().stream().map(this::record).toList();
    }

    private ProducerRecord<byte[], byte[]> record(MicroBatch.Entry e) {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, null, e.record().key(), e.record().value());
        for (Header h : e.record().headers()) {
            dead.headers().add(h);
        }
        dead.headers().add(SOURCE_TOPIC, e.record().topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(SOURCE_PARTITION, Integer.toString(e.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(SOURCE_OFFSET, Long.toString(e.offset()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(REASON, e.rejection().getBytes(StandardCharsets.UTF_8));
        return dead;
    }
}
