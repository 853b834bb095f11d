package io.pipelines.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;

/**
 * Sends the records of a batch that could not be parsed to the dead letter topic, with their
 * original key, bytes and headers, and headers that name the source topic, partition, offset and
 * the reason. Sent and acknowledged before the batch's offsets are committed.
 */
@Component("deadLetters")
public class DeadLetters implements DisposableBean {

    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String REASON = "dlq.reason";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final PipelinesProperties.Stream settings;
    private final StreamMetrics metrics;
    private volatile KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(PipelinesProperties properties, StreamMetrics metrics) {
        this.settings = properties.getStream();
        this.metrics = metrics;
    }

    public void publish(MicroBatch batch) throws Exception {
        List<MicroBatch.Entry> rejected = batch.rejected();
        if (rejected.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (MicroBatch.Entry e : rejected) {
            ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(settings.getDeadLetterTopic(), null,
                    e.record().key(), e.record().value());
            for (Header h : e.record().headers()) {
                dead.headers().add(h);
            }
            dead.headers().add(SOURCE_TOPIC, e.record().topic().getBytes(StandardCharsets.UTF_8));
            dead.headers().add(SOURCE_PARTITION, Integer.toString(e.partition()).getBytes(StandardCharsets.UTF_8));
            dead.headers().add(SOURCE_OFFSET, Long.toString(e.offset()).getBytes(StandardCharsets.UTF_8));
            dead.headers().add(REASON, e.rejection().getBytes(StandardCharsets.UTF_8));
            sent.add(producer().send(dead));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
        metrics.deadLettered(rejected.size());
        for (MicroBatch.Entry e : rejected) {
            log.warn("{}: record {}-{}@{} sent to {}: {}", settings.getName(), e.record().topic(), e.partition(),
                    e.offset(), settings.getDeadLetterTopic(), e.rejection());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> config = new HashMap<>(settings.getKafka());
                    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.getName() + "-dlq");
                    producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
                }
            }
        }
        return producer;
    }

    @Override
    public void destroy() {
        if (producer != null) {
            producer.close();
        }
    }
}
