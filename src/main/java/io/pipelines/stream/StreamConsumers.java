package io.pipelines.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pipelines.config.PipelinesProperties;

/**
 * The stream's consumers in this instance: started, suspended, resumed and stopped by the consumer of
 * the stream's route ({@link StreamEndpoint}, {@code pipelines-stream:<pipeline>}), so that Camel
 * (Hawtio, JMX, the REST API) controls them as it controls any route. Each consumer hands its batches
 * to that route. Tests stop and start the consumers alone, keeping the route.
 */
public class StreamConsumers {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumers.class);

    /** How the route's consumer runs the stream: its batches, and where they go. */
    record Plan(int batchSize, Duration batchInterval, int consumers, StreamConsumer.BatchHandler handler) {
    }

    private final StreamDeclaration declaration;
    private final String name;
    private final PipelinesProperties.Stream settings;
    private final StreamLake lake;
    private final StreamMetrics metrics;
    private final DeadLetters deadLetters;
    private final List<StreamConsumer> consumers = new ArrayList<>();
    private Plan plan;
    private boolean suspended;

    public StreamConsumers(StreamDeclaration declaration, PipelinesProperties.Stream settings, StreamLake lake,
                           StreamMetrics metrics, DeadLetters deadLetters) {
        this.declaration = declaration;
        this.name = declaration.name();
        this.settings = settings;
        this.lake = lake;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** Called by the route's consumer when it starts. */
    synchronized void start(Plan plan) {
        this.plan = plan;
        this.suspended = false;
        start();
    }

    /** Starts the consumers of the route's plan again (after {@link #stop()}); nothing when they run. */
    public synchronized void start() {
        if (plan == null) {
            throw new IllegalStateException("The route of stream " + name + " has not started");
        }
        if (!consumers.isEmpty()) {
            return;
        }
        if (settings.getBootstrapServers().isBlank()) {
            throw new IllegalStateException("pipelines.stream.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS) is empty: "
                    + "set it, or set pipelines.stream.enabled=false");
        }
        for (int i = 0; i < plan.consumers(); i++) {
            StreamConsumer consumer = newConsumer(name + "-" + i);
            if (suspended) {
                consumer.suspend();
            }
            consumer.start();
            consumers.add(consumer);
        }
        log.info("Stream {}: {} consumer(s) of {} in group {}, batches of {} records or {}", name, consumers.size(),
                declaration.source().topic(), declaration.source().group(), plan.batchSize(), plan.batchInterval());
    }

    /**
     * Stops the consumers, each after its batch in flight is committed (or, while it waits for a
     * retry, left uncommitted); they leave the group.
     */
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

    /** Pauses consumption (each consumer commits its batch in flight, then fetches nothing), staying in the group. */
    synchronized void suspend() {
        suspended = true;
        consumers.forEach(StreamConsumer::suspend);
        log.info("Stream {} suspended: its consumers stay in group {} and fetch nothing", name,
                declaration.source().group());
    }

    synchronized void resume() {
        suspended = false;
        consumers.forEach(StreamConsumer::resume);
        log.info("Stream {} resumed", name);
    }

    /** A consumer of the stream's group whose batches go through the stream route, batched as the route says. */
    public synchronized StreamConsumer newConsumer(String clientId) {
        Plan p = routePlan();
        return new StreamConsumer(declaration, settings, p.batchSize(), p.batchInterval(), clientId, p.handler(), lake,
                metrics, deadLetters);
    }

    /** Hands a batch to the stream route and returns it loaded, or throws what failed it. */
    public synchronized StreamConsumer.BatchHandler newConsumerHandler() {
        return routePlan().handler();
    }

    private Plan routePlan() {
        if (plan == null) {
            throw new IllegalStateException("The route of stream " + name + " has not started");
        }
        return plan;
    }

    /** The consumers this instance runs (tests stop and start them). */
    public synchronized List<StreamConsumer> consumers() {
        return List.copyOf(consumers);
    }

    public synchronized boolean isRunning() {
        return consumers.stream().anyMatch(StreamConsumer::isRunning);
    }

    /** started, suspended or stopped. */
    public synchronized String state() {
        return !isRunning() ? "stopped" : suspended ? "suspended" : "started";
    }
}
