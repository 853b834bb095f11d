package io.pipelines.deadletter;

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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * Sends dead letters and alerts as JSON to Kafka topics, when Kafka is configured
 * (pipelines.stream.bootstrap-servers); waits for the broker's acknowledgement.
 */
@Component
public class KafkaNotices implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaNotices.class);

    private final PipelinesProperties.Stream kafka;
    private final ObjectMapper json;
    private KafkaProducer<byte[], byte[]> producer;

    public KafkaNotices(PipelinesProperties properties, ObjectMapper json) {
        this.kafka = properties.getStream();
        this.json = json;
    }

    /**
     * Sends a notice (a dead letter, an alert) as JSON keyed by its pipeline, when Kafka is
     * configured and the topic is not blank. Best effort: what the broker does not take is logged,
     * the notice itself is kept elsewhere (the warehouse, the log).
     */
    public void publish(String topic, String pipeline, Object notice) {
        publishAll(topic, pipeline, List.of(notice));
    }

    public boolean configured() {
        return !kafka.getBootstrapServers().isBlank();
    }

    /** Several notices at once: all sent, then one wait for the broker's acknowledgements. Best effort, as {@link #publish}. */
    public void publishAll(String topic, String pipeline, List<?> notices) {
        if (topic.isBlank() || !configured() || notices.isEmpty()) {
            return;
        }
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Object notice : notices) {
                sent.add(producer().send(new ProducerRecord<>(topic, pipeline.getBytes(StandardCharsets.UTF_8),
                        json.writeValueAsBytes(notice))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("Could not send {} notice(s) to Kafka topic {} (they are kept in the warehouse and the log): {}",
                    notices.size(), topic, e.toString());
        }
    }

    /** Sends and waits for the acknowledgement; throws when the topic's name is not one Kafka takes, or the broker does not take it. */
    public void send(String topic, byte[] key, byte[] value) throws Exception {
        org.apache.kafka.common.internals.Topic.validate(topic);
        producer().send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(kafka.getKafka());
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "pipelines-notices");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close();
        }
    }
}
