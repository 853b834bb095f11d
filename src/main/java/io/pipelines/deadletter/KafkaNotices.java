package io.pipelines.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;

/**
 * Sends dead letters and alerts as JSON to Kafka topics, when Kafka is configured
 * (pipelines.stream.bootstrap-servers); waits for the broker's acknowledgement.
 */
@Component
public class KafkaNotices implements DisposableBean {

    private final PipelinesProperties.Stream kafka;
    private KafkaProducer<byte[], byte[]> producer;

    public KafkaNotices(PipelinesProperties properties) {
        this.kafka = properties.getStream();
    }

    public boolean configured() {
        return !kafka.getBootstrapServers().isBlank();
    }

    /** Sends and waits for the acknowledgement; throws when the broker does not take it. */
    public void send(String topic, String key, byte[] json) throws Exception {
        producer().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json)).get(10, TimeUnit.SECONDS);
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
