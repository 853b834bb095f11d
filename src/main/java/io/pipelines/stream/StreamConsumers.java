package io.pipelines.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;

/**
 * Runs the stream's consumers once Camel has started (each hands its batches to the route
 * {@code direct:<pipeline>}), and stops them first on shutdown, letting a batch in flight finish.
 */
@Component
public class StreamConsumers implements CamelContextConfiguration, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumers.class);

    private final PipelinesProperties.Stream settings;
    private final ProducerTemplate producer;
    private final StreamLake lake;
    private final StreamMetrics metrics;
    private final DeadLetters deadLetters;
    private final List<StreamConsumer> consumers = new ArrayList<>();

    public StreamConsumers(PipelinesProperties properties, ProducerTemplate producer, StreamLake lake,
                           StreamMetrics metrics, DeadLetters deadLetters) {
        this.settings = properties.getStream();
        this.producer = producer;
        this.lake = lake;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** A consumer of the stream's group whose batches go through the stream route. */
    public StreamConsumer newConsumer(String clientId) {
        return new StreamConsumer(settings, clientId, newConsumerHandler(), lake, metrics, deadLetters);
    }

    /** Hands a batch to the stream route {@code direct:<pipeline>} and returns it parsed. */
    public StreamConsumer.BatchHandler newConsumerHandler() {
        String route = "direct:" + settings.getName();
        return batch -> producer.requestBody(route, batch, MicroBatch.class);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public synchronized void afterApplicationStart(CamelContext camelContext) {
        if (!settings.isEnabled()) {
            log.info("Stream {} is disabled (pipelines.stream.enabled=false)", settings.getName());
            return;
        }
        if (settings.getBootstrapServers().isBlank()) {
            throw new IllegalStateException("pipelines.stream.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS) is empty: "
                    + "set it, or set pipelines.stream.enabled=false");
        }
        for (int i = 0; i < settings.getConsumers(); i++) {
            StreamConsumer consumer = newConsumer(settings.getName() + "-" + i);
            consumer.start();
            consumers.add(consumer);
        }
        log.info("Stream {}: {} consumer(s) of {} in group {}", settings.getName(), consumers.size(), settings.getTopic(),
                settings.getGroupId());
    }

    /** The consumers this instance runs (tests stop and start them). */
    public synchronized List<StreamConsumer> consumers() {
        return List.copyOf(consumers);
    }

    @Override
    public void start() {
        // Started with Camel, in afterApplicationStart.
    }

    @Override
    public synchronized void stop() {
        for (StreamConsumer consumer : consumers) {
            try {
                consumer.stop(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumers.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return consumers.stream().anyMatch(StreamConsumer::isRunning);
    }

    @Override
    public int getPhase() {
        // Stop before Camel (and everything else), so that the batch in flight can finish.
        return Integer.MAX_VALUE;
    }
}
