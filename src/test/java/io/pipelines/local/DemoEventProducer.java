package io.pipelines.local;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * Local profile: sends order events to the stream's topic at {@code pipelines.local.demo.rate} per
 * second, with what a real feed has: events out of order by up to 20 s, a few late by minutes, a
 * few duplicates (the same event_id again) and now and then a record that is not JSON.
 */
@Component
@Profile(LocalServersEnvironmentPostProcessor.LOCAL_PROFILE)
public class DemoEventProducer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DemoEventProducer.class);
    private static final List<String> CATEGORIES = List.of("books", "electronics", "garden", "grocery", "home", "sports", "toys");
    private static final int TICKS_PER_SECOND = 10;

    private final PipelinesProperties.Stream stream;
    private final double rate;
    private final ObjectMapper json;
    private final Random random;
    private final List<String> recent = new ArrayList<>();
    private ScheduledExecutorService timer;
    private KafkaProducer<String, String> producer;
    private double owed;
    private long nextOrderId;

    public DemoEventProducer(PipelinesProperties properties, LocalServersProperties local, ObjectMapper json) {
        this.stream = properties.getStream();
        this.rate = local.getDemo().getRate();
        this.json = json;
        this.random = new Random(local.getDemo().getSeed() ^ System.nanoTime());
        this.nextOrderId = Instant.now().getEpochSecond() * 1000;
    }

    @Override
    public synchronized void start() {
        if (rate <= 0 || !stream.isEnabled()) {
            return;
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stream.getBootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "demo-producer", ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new StringSerializer());
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-producer"));
        timer.scheduleAtFixedRate(this::tick, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
        log.info("Demo producer: {} order events/s to {}", rate, stream.getTopic());
    }

    private void tick() {
        try {
            owed += rate / TICKS_PER_SECOND;
            for (; owed >= 1; owed--) {
                send();
            }
        } catch (RuntimeException e) {
            log.warn("Demo producer: {}", e.toString());
        }
    }

    private void send() {
        double dice = random.nextDouble();
        if (dice < 0.002) {
            producer.send(new ProducerRecord<>(stream.getTopic(), "poison", "{\"event_id\": \"broken"));
            return;
        }
        if (dice < 0.012 && !recent.isEmpty()) {
            String again = recent.get(random.nextInt(recent.size()));
            producer.send(new ProducerRecord<>(stream.getTopic(), key(again), again));
            return;
        }
        Instant now = Instant.now();
        Instant eventTime = dice < 0.017
                ? now.minusSeconds(120 + random.nextInt(480))       // late by minutes
                : now.minusMillis(random.nextInt(20_000));         // out of order by up to 20 s
        long orderId = nextOrderId++;
        String event;
        try {
            event = json.writeValueAsString(Map.of(
                    // Random, not from the seed: a restart must not send the ids of the previous run again.
                    "event_id", UUID.randomUUID().toString(),
                    "order_id", orderId,
                    "customer_id", 1 + random.nextInt(5_000),
                    "product_category", CATEGORIES.get(random.nextInt(CATEGORIES.size())),
                    "total", BigDecimal.valueOf(500 + random.nextInt(49_500), 2),
                    "currency", "USD",
                    "event_time", eventTime.truncatedTo(ChronoUnit.MILLIS).toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        producer.send(new ProducerRecord<>(stream.getTopic(), Long.toString(orderId), event));
        recent.add(event);
        if (recent.size() > 100) {
            recent.remove(0);
        }
    }

    private String key(String event) {
        try {
            return json.readTree(event).get("order_id").asText();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            producer.close();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
