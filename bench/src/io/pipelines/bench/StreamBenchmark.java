package io.pipelines.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.stream.StreamConsumer;
import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.Streams;
import io.pipelines.stream.StreamMetrics;

/**
 * B2: N order events already in Kafka (3 partitions) drained by orders_stream into lake and
 * warehouse, against a bare KafkaConsumer loop that only reads them; then the latency from event
 * time to commit at a fixed offered rate of 10,000 events/s. The drain is measured on a service that
 * has drained events before (a warm-up of 200,000, reported, not counted), as B1 is measured on one
 * that has run its pipeline before: a stream runs for days, and its first seconds on a fresh JVM go
 * through code not yet compiled, with the JIT compiler sharing the two cores.
 */
public final class StreamBenchmark {

    private static final String TOPIC = "bench_orders";
    /** The consumer group of orders_stream (streams/orders-stream.yaml, ORDERS_STREAM_GROUP unset). */
    private static final String GROUP = "warehouse-loader";
    private static final int RATE = 10_000;
    private static final int RATE_SECONDS = 30;
    private static final int WARM_UP_EVENTS = 200_000;

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            // The embedded servers' threads would keep the JVM alive.
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    /** The stream the benchmark drains: orders_stream, on the benchmark's topic. */
    private static DeclaredStream orders(BenchService service) {
        DeclaredStream orders = service.bean(Streams.class).get("orders_stream");
        if (!orders.declaration().source().topic().equals(TOPIC) || !orders.declaration().source().group().equals(GROUP)) {
            throw new IllegalStateException("orders_stream reads " + orders.declaration().source() + ", not " + TOPIC
                    + " in group " + GROUP);
        }
        return orders;
    }

    private static void run(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        Report report = new Report(Path.of(args[1]));
        // "default": the shipped settings of application.yml; a number: that batch size.
        String batchSize = args[2];
        boolean latencyToo = Boolean.parseBoolean(args[3]);
        List<String> overrides = new java.util.ArrayList<>(List.of(
                "--ORDERS_TOPIC=" + TOPIC, "--ORDERS_DLQ_TOPIC=" + TOPIC + ".dlq"));
        for (int i = 4; i < args.length; i++) {
            overrides.add(args[i]); // more settings, e.g. --pipelines.stream.consumers=3
        }
        if (!batchSize.equals("default")) {
            overrides.add("--pipelines.stream.batch-size=" + Integer.parseInt(batchSize));
        }
        try (BenchService service = BenchService.start("target/bench-b2-" + batchSize, overrides.toArray(String[]::new))) {
            // The stream's route runs (its consumers hand their batches to it), but the service's own
            // consumers are stopped at once: the benchmark's consumers drain the topic, timed.
            orders(service).consumers().stop();
            PipelinesProperties.Stream settings = service.properties.getStream();
            Instant base = Instant.now().minus(Duration.ofDays(2));
            produce(settings, 0, WARM_UP_EVENTS, i -> base.plusMillis(i));
            long warmUp = drain(service, settings);
            Totals warm = totals(service);
            long produce = produce(settings, WARM_UP_EVENTS, events, i -> base.plusMillis(i));
            long bare = bareRead(settings, events);
            long drain = drain(service, settings);
            List<String> steps = steps(service, warm);

            report.line("### B2 stream: orders_stream draining " + String.format("%,d", events) + " events (3 partitions), "
                    + "micro-batches of " + settings.getBatchSize() + (batchSize.equals("default") ? " (the default)" : ""));
            report.line("");
            report.line("| measure | time | events/s |");
            report.line("| --- | --- | --- |");
            report.line("| warm-up: the fresh service's first " + String.format("%,d", WARM_UP_EVENTS) + " events drained "
                    + "(not counted) | " + Report.seconds(warmUp) + " | " + Report.rate(WARM_UP_EVENTS, warmUp) + " |");
            report.line("| producing them (not part of the figures) | " + Report.seconds(produce) + " | " + Report.rate(events, produce) + " |");
            report.line("| bare KafkaConsumer loop, reading only | " + Report.seconds(bare) + " | " + Report.rate(events, bare) + " |");
            report.line("| **orders_stream**: parse, Parquet to S3, warehouse upsert + windows, transactional commit (batch "
                    + settings.getBatchSize() + ") | " + Report.seconds(drain) + " | " + Report.rate(events, drain) + " |");
            report.line("");
            double rate = events / (drain / 1e9);
            report.line(String.format("Drained at **%,.0f events/s** (target at least 50,000: %s); the bare read is %.1f x faster.",
                    rate, rate >= 50_000 ? "met" : "missed", (double) drain / bare));
            report.line("");
            report.line("Where the drain's wall time went (Camel's statistics of the route's steps; the rest of a batch's time, "
                    + "from its close to its commit, is the Kafka transaction):");
            report.line("");
            report.line("| step | total | per batch |");
            report.line("| --- | --- | --- |");
            steps.forEach(report::line);
            report.line("");

            if (!latencyToo) {
                return;
            }
            Timer latency = latency(service, settings);
            double p50 = percentile(latency, 0.5);
            double p99 = percentile(latency, 0.99);
            report.line(String.format("At an offered %,d events/s for %d s (event_time = send time): event-to-commit latency "
                    + "p50 **%.2f s**, p99 **%.2f s**, max %.2f s over %,d events (target p99 under 10 s: %s).", RATE,
                    RATE_SECONDS, p50, p99, latency.max(TimeUnit.SECONDS), latency.count(), p99 < 10 ? "met" : "missed"));
            report.line("");
        }
    }

    private interface EventTime {
        Instant of(long i);
    }

    /** Sends events {@code first} to {@code first + events - 1} (ids, order ids and event times from the index). */
    private static long produce(PipelinesProperties.Stream settings, long first, int events, EventTime time) throws Exception {
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            for (long i = first; i < first + events; i++) {
                producer.send(record(i, time.of(i)));
            }
            producer.flush();
        }
        return System.nanoTime() - t0;
    }

    private static ProducerRecord<byte[], byte[]> record(long i, Instant time) {
        String json = "{\"event_id\":\"b-" + i + "\",\"order_id\":" + i + ",\"customer_id\":" + (1 + i % 5000)
                + ",\"product_category\":\"cat" + (i % 7) + "\",\"total\":" + (100 + i % 9900) / 100 + "." + (i % 100 < 10 ? "0" : "")
                + (i % 100) + ",\"currency\":\"USD\",\"event_time\":\"" + time + "\"}";
        return new ProducerRecord<>(TOPIC, Long.toString(i).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<byte[], byte[]> producer(PipelinesProperties.Stream settings) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static long bareRead(PipelinesProperties.Stream settings, int events) {
        long t0 = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-bare", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            while (read < events) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return System.nanoTime() - t0;
    }

    /** The time the stream's consumers (as many as the settings say) take to commit every event. */
    private static long drain(BenchService service, PipelinesProperties.Stream settings) throws Exception {
        List<StreamConsumer> consumers = new java.util.ArrayList<>();
        for (int i = 0; i < settings.getConsumers(); i++) {
            consumers.add(orders(service).consumers().newConsumer(i == 0 ? "bench-drain" : "bench-drain-" + i));
        }
        long t0 = System.nanoTime();
        consumers.forEach(StreamConsumer::start);
        try {
            awaitCommitted(settings);
            return System.nanoTime() - t0;
        } finally {
            for (StreamConsumer consumer : consumers) {
                consumer.stop(Duration.ofSeconds(60));
            }
        }
    }

    /**
     * What the stream's statistics held at one moment: the batches committed and their time from close
     * to commit, each route step's total time (Camel's JMX statistics, by position in the route) and each
     * step timer's (land, load), in milliseconds.
     */
    private record Totals(long batches, double batchMs, Map<Integer, String> stepNames, Map<Integer, Long> stepMs,
                          Map<String, Double> timerMs) {
    }

    private static Totals totals(BenchService service) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Timer batches = service.bean(MeterRegistry.class).get("pipeline.stream.batch.load.duration")
                .tag("pipeline", "orders_stream").timer();
        Map<Integer, String> names = new java.util.TreeMap<>();
        Map<Integer, Long> steps = new HashMap<>();
        for (ObjectName name : jmx.queryNames(new ObjectName("org.apache.camel:type=processors,*"), null)) {
            if (!orders(service).name().equals(jmx.getAttribute(name, "RouteId"))) {
                continue;
            }
            int index = (Integer) jmx.getAttribute(name, "Index");
            names.put(index, (String) jmx.getAttribute(name, "ProcessorId"));
            steps.put(index, (Long) jmx.getAttribute(name, "TotalProcessingTime"));
        }
        Map<String, Double> timers = new java.util.TreeMap<>();
        for (Timer step : service.bean(MeterRegistry.class).find("pipeline.stream.batch.step.duration")
                .tag("pipeline", "orders_stream").timers()) {
            timers.put(step.getId().getTag("step"), step.totalTime(TimeUnit.MILLISECONDS));
        }
        return new Totals(batches.count(), batches.totalTime(TimeUnit.MILLISECONDS), names, steps, timers);
    }

    /**
     * The wall time of each step of the stream route over the drain (its statistics now less those
     * {@code before} it, in route order), then the whole time from the close of a batch to its commit,
     * as table rows.
     */
    private static List<String> steps(BenchService service, Totals before) throws Exception {
        Totals now = totals(service);
        long count = Math.max(1, now.batches() - before.batches());
        List<String> rows = new java.util.ArrayList<>();
        now.stepNames().forEach((index, name) -> {
            long total = now.stepMs().get(index) - before.stepMs().getOrDefault(index, 0L);
            rows.add(String.format("| route step %s | %.2f s | %.1f ms |", name, total / 1e3, (double) total / count));
        });
        now.timerMs().forEach((step, ms) -> {
            double total = ms - before.timerMs().getOrDefault(step, 0.0);
            rows.add(String.format("| &nbsp;&nbsp;of which %s (land and load run at the same time) | %.2f s | %.1f ms |",
                    step, total / 1e3, total / count));
        });
        double all = now.batchMs() - before.batchMs();
        rows.add(String.format("| close of a batch to its commit (route + Kafka transaction), %,d batches | %.2f s | %.1f ms |",
                now.batches() - before.batches(), all / 1e3, all / count));
        return rows;
    }

    private static Timer latency(BenchService service, PipelinesProperties.Stream settings) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeclaredStream orders = orders(service);
        StreamMetrics metrics = new StreamMetrics(registry, orders.name());
        StreamConsumer consumer = new StreamConsumer(orders.declaration(), settings, "bench-latency",
                orders.consumers().newConsumerHandler(), orders.lake(), metrics, orders.deadLetters());
        consumer.start();
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            long start = System.nanoTime();
            long sent = 0;
            long total = (long) RATE * RATE_SECONDS;
            while (sent < total) {
                long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
                for (; sent < Math.min(due, total); sent++) {
                    producer.send(record(10_000_000_000L + sent, Instant.now()));
                }
                Thread.sleep(1);
            }
            producer.flush();
            awaitCommitted(settings);
        } finally {
            consumer.stop(Duration.ofSeconds(60));
        }
        return registry.get("pipeline.stream.event.latency").timer();
    }

    private static double percentile(Timer timer, double p) {
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            if (v.percentile() == p) {
                return v.value(TimeUnit.SECONDS);
            }
        }
        throw new IllegalStateException("no percentile " + p);
    }

    private static void awaitCommitted(PipelinesProperties.Stream settings) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers()))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
                }
                long lag = 0;
                for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    lag += end.getValue().offset() - (at == null ? 0 : at.offset());
                }
                if (lag == 0) {
                    return;
                }
                Thread.sleep(100);
            }
        }
    }
}
