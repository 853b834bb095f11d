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
import io.pipelines.stream.StreamDeclarations;

/**
 * Local profile: sends order events to the stream's topic at {@code pipelines.local.demo.rate} per
 * second, with what a real feed has: events out of order by up to 20 s, a few late by minutes, a
 * few duplicates (the same event_id again) and now and then a record that is not JSON; and as many
 * page views to the demo stream page_views when it is declared.
 */
@Component
@Profile(LocalServersEnvironmentPostProcessor.LOCAL_PROFILE)
public class DemoEventProducer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DemoEventProducer.class);
    private static final List<String> CATEGORIES = List.of("books", "electronics", "garden", "grocery", "home", "sports", "toys");
    private static final int TICKS_PER_SECOND = 10;
    private static final List<String> PAGES = List.of("/", "/products", "/products/42", "/cart", "/checkout", "/help");

    private final PipelinesProperties.Stream stream;
    private final String topic;
    /** The topic of the demo stream page_views, when it is declared (streams/local/). */
    private final String pageViewsTopic;
    private final double rate;
    private final ObjectMapper json;
    private final Random random;
    private final List<String> recent = new ArrayList<>();
    private ScheduledExecutorService timer;
    private KafkaProducer<String, String> producer;
    private double owed;
    private long nextOrderId;

    public DemoEventProducer(PipelinesProperties properties, StreamDeclarations declarations, LocalServersProperties local,
                             ObjectMapper json) {
        this.stream = properties.getStream();
        this.topic = declarations.get("orders_stream").source().topic();
        this.pageViewsTopic = declarations.has("page_views") ? declarations.get("page_views").source().topic() : null;
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
        log.info("Demo producer: {} order events/s to {}{}", rate, topic,
                pageViewsTopic == null ? "" : " and as many page views to " + pageViewsTopic);
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
        if (pageViewsTopic != null) {
            sendPageView();
        }
        double dice = random.nextDouble();
        if (dice < 0.002) {
            producer.send(new ProducerRecord<>(topic, "poison", "{\"event_id\": \"broken"));
            return;
        }
        if (dice < 0.012 && !recent.isEmpty()) {
            String again = recent.get(random.nextInt(recent.size()));
            producer.send(new ProducerRecord<>(topic, key(again), again));
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
        producer.send(new ProducerRecord<>(topic, Long.toString(orderId), event));
        recent.add(event);
        if (recent.size() > 100) {
            recent.remove(0);
        }
    }

    /** A page view of a few pages, some anonymous, a few late by a minute or two, now and then one without its page. */
    private void sendPageView() {
        double dice = random.nextDouble();
        if (dice < 0.002) {
            producer.send(new ProducerRecord<>(pageViewsTopic, "broken", "{\"view_id\":\"" + UUID.randomUUID()
                    + "\",\"duration_ms\":10,\"viewed_at\":\"" + Instant.now() + "\"}"));
            return;
        }
        Instant viewedAt = dice < 0.01 ? Instant.now().minusSeconds(60 + random.nextInt(120))
                : Instant.now().minusMillis(random.nextInt(5_000));
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("view_id", UUID.randomUUID().toString());
        view.put("page", PAGES.get(random.nextInt(PAGES.size())));
        view.put("user_id", random.nextInt(4) == 0 ? null : "u-" + random.nextInt(2_000));
        view.put("referrer", random.nextBoolean() ? null : "https://search.example/?q=" + random.nextInt(100));
        view.put("duration_ms", random.nextInt(120_000));
        view.put("viewed_at", viewedAt.truncatedTo(ChronoUnit.MILLIS).toString());
        try {
            producer.send(new ProducerRecord<>(pageViewsTopic, (String) view.get("page"), json.writeValueAsString(view)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
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
