package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import java.lang.management.ManagementFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.micrometer.core.instrument.MeterRegistry;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.stream.DeadLetters;
import io.pipelines.stream.MicroBatch;
import io.pipelines.stream.StreamConsumer;
import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.StreamConsumers;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;
import io.pipelines.stream.StreamLake;
import io.pipelines.stream.StreamMetrics;
import io.pipelines.support.AnotherService;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.StreamFixture.Expected;
import io.pipelines.support.StreamFixture.Sent;
import io.pipelines.support.TestApi;

/** orders_stream against a real Kafka broker, PostgreSQL and S3 (all embedded). */
class OrdersStreamTest extends PipelinesIntegrationTest {

    private static final Duration DRAIN = Duration.ofSeconds(90);

    @Autowired
    void ordersStream(Streams streams) {
        DeclaredStream s = streams.get("orders_stream");
        orders = s.declaration();
        consumers = s.consumers();
        streamLake = s.lake();
        streamMetrics = s.metrics();
        deadLetters = s.deadLetters();
    }

    @Autowired
    PipelinesProperties properties;
    /** The parts of orders_stream in the test's service. */
    StreamDeclaration orders;
    StreamConsumers consumers;
    StreamLake streamLake;
    StreamMetrics streamMetrics;
    DeadLetters deadLetters;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry registry;

    @Test
    void theRouteSuspendedInJmxPausesTheStreamWithoutAFailureAndResumedOverRestGoesOnWithTheTotalsExact() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("su", 1500, stream.freshHour(), 21);
        List<Sent> sent = new java.util.ArrayList<>(stream.send(planned.subList(0, 700)));
        await().atMost(DRAIN).until(() -> stream.loadedEvents("su").size() > 100);
        double failures = registry.get("pipeline.stream.batch.failures").tag("pipeline", "orders_stream").counter().count();
        // As Hawtio does it: the route's operation in JMX.
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName route = jmx.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"orders_stream\",*"), null)
                .iterator().next();

        jmx.invoke(route, "suspend", null, null);

        assertThat(jmx.getAttribute(route, "State")).isEqualTo("Suspended");
        assertThat(api.get("/api/pipelines").json().findValues("state").stream().map(v -> v.asText()).toList())
                .contains("suspended");
        long loaded = stream.loadedCount("su");
        sent.addAll(stream.send(planned.subList(700, planned.size())));
        await("nothing consumed while suspended").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> stream.loadedCount("su") == loaded && stream.lagOfGroup() > 0);
        assertThat(consumers.consumers()).as("the consumers stay in the group").allSatisfy(c -> {
            assertThat(c.isRunning()).isTrue();
            assertThat(c.isSuspended()).isTrue();
        });
        assertThat(consumers.consumers().stream().mapToInt(c -> c.assignment().size()).sum())
                .as("the partitions stay theirs").isEqualTo(3);

        // Resumed over REST (as an operator would from a script).
        TestApi.Response resumed = api.post("/api/pipelines/orders_stream/resume", "");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json().get("state").asText()).isEqualTo("started");
        stream.awaitAllCommitted(DRAIN);

        assertThat(jmx.getAttribute(route, "State")).isEqualTo("Started");
        assertThat(registry.get("pipeline.stream.batch.failures").tag("pipeline", "orders_stream").counter().count()).as("no batch failed")
                .isEqualTo(failures);
        stream.assertExactly("su", sent, before);
    }

    @AfterEach
    void serviceConsumersRunAgain() throws Exception {
        if (camel.getRouteController().getRouteStatus(orders.name()).isSuspended()) {
            camel.getRouteController().resumeRoute(orders.name());
        }
        if (consumers.consumers().isEmpty()) {
            consumers.start();
        }
    }

    @Test
    void duplicatesAndPoisonRecordsLeaveExactlyTheDistinctValidEventsInWarehouseLakeAndDlq() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("s1", 1500, stream.freshHour(), 1);

        List<Sent> sent = stream.send(planned);
        stream.awaitAllCommitted(DRAIN);

        stream.assertExactly("s1", sent, before);
    }

    @Test
    void recordsTheWarehouseRefusesAreDeadLettersWithItsReasonAndTheRecordsAroundThemLoad() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        Instant base = stream.freshHour();
        List<ProducerRecord<byte[], byte[]>> planned = new java.util.ArrayList<>(stream.plan("pz", 900, base, 13));
        planned.add(300, stream.refusedRecord(1, "pz", 1, base.plusSeconds(900)));
        planned.add(600, stream.refusedRecord(0, "pz", 2, base.plusSeconds(1_800)));
        stream.refuseCustomer666(true);
        try {
            List<Sent> sent = new java.util.ArrayList<>(stream.send(planned));
            stream.awaitAllCommitted(DRAIN);
            // Alone in its partition's batch: the object landed before the refusal is removed.
            sent.addAll(stream.send(List.of(stream.refusedRecord(2, "pz", 3, base.plusSeconds(60)))));
            stream.awaitAllCommitted(DRAIN);

            stream.assertExactly("pz", sent, before);
            assertThat(jdbc.queryForList("SELECT task || ' ' || error_class || ': ' || message FROM etl.dead_letters "
                    + "WHERE source_topic = ? AND payload->>'keyText' LIKE 'pz-poison-refused%'", String.class,
                    orders.source().topic()))
                    .hasSize(3).allSatisfy(letter -> assertThat(letter).startsWith("load RefusedByWarehouse: refused by the "
                            + "warehouse: ERROR: new row for relation \"order_events\" violates check constraint").endsWith(
                            "(SQLSTATE 23514)"));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.dead_letters WHERE source_topic = ? AND task = 'parse' "
                    + "AND payload->>'keyText' LIKE 'pz-poison%' AND payload->>'valueText' IS NULL", Long.class,
                    orders.source().topic())).as("bytes with a NUL kept in base64 only").isPositive();
        } finally {
            stream.refuseCustomer666(false);
        }
    }

    @Test
    void eventsWithinTheAllowedLatenessCorrectTheirWindowsAndAFoldAddsChosenLateEventsOnce() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        Instant base = stream.freshHour();
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        for (int p = 0; p < 3; p++) {
            // First on each partition, so in the first batch whichever partitions it holds: an event 3 minutes
            // into the hour, then one of the hour before, whose window ended 2.5 minutes before the watermark.
            records.add(stream.event(p, "al-c" + p + "a", "al-books", "1.00", base.plusSeconds(180)));
            records.add(stream.event(p, "al-c" + p + "b", "al-books", "2.00", base.minusSeconds(600)));
        }
        records.addAll(stream.plan("al", 1500, base, 17));
        List<Sent> sent = stream.send(records);
        Expected expected = stream.expected(sent, before, Duration.ofMinutes(5));
        assertThat(expected.corrections()).contains("al-c0b", "al-c1b", "al-c2b");
        assertThat(expected.corrections()).as("the plan has events within the allowed lateness").isNotEmpty();

        try (ConfigurableApplicationContext lenient = AnotherService.start("--ORDERS_STREAM_ALLOWED_LATENESS=5m")) {
            // First a consumer of that instance that crashes after its first load, before its commit: the
            // corrections it loaded must not be counted again when its batch is read again.
            DeclaredStream lenientOrders = lenient.getBean(Streams.class).get("orders_stream");
            assertThat(lenientOrders.declaration().window().allowedLateness()).isEqualTo(Duration.ofMinutes(5));
            StreamConsumers theirs = lenientOrders.consumers();
            theirs.stop();
            StreamConsumer crashing = new StreamConsumer(lenientOrders.declaration(), properties.getStream(),
                    "test-crashing-lenient", theirs.newConsumerHandler(), lenientOrders.lake(), lenientOrders.metrics(),
                    lenientOrders.deadLetters()) {
                @Override
                protected void commit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, MicroBatch loaded) {
                    throw new SimulatedCrash();
                }
            };
            crashing.start();
            await().dontCatchUncaughtExceptions().atMost(DRAIN).until(() -> !crashing.isRunning());
            assertThat(jdbc.queryForObject("SELECT coalesce(sum(corrections), 0) FROM analytics.hourly_sales "
                    + "WHERE product_category LIKE 'al-%'", Long.class)).as("the crashed batch loaded corrections").isPositive();
            theirs.start();
            stream.awaitAllCommitted(DRAIN);
        }

        stream.assertExactly("al", expected, sent);
        List<String> chosen = expected.late().stream().sorted().limit(3).toList();
        assertThat(chosen).hasSize(3);
        String body = "{\"eventIds\":[\"" + chosen.get(0) + "\",\"" + chosen.get(1) + "\",\"al-unknown\"]}";
        TestApi.Response first = api.post("/api/pipelines/orders_stream/late-events/fold", body);
        TestApi.Response again = api.post("/api/pipelines/orders_stream/late-events/fold", body);
        // The third over JMX, as from Hawtio.
        Object third = ManagementFactory.getPlatformMBeanServer().invoke(
                io.pipelines.api.PipelineJmx.streamObjectName("orders_stream"), "foldLateEvents",
                new Object[] {chosen.get(2) + ", " + chosen.get(0)}, new String[] {String.class.getName()});

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("folded").toString()).isEqualTo("[\"" + chosen.get(0) + "\",\"" + chosen.get(1) + "\"]");
        assertThat(first.json().get("notFolded").toString()).isEqualTo("[\"al-unknown\"]");
        assertThat(again.json().get("folded").toString()).as("folded once only").isEqualTo("[]");
        assertThat(third.toString()).contains("folded=[" + chosen.get(2) + "]", "notFolded=[" + chosen.get(0) + "]");
        Map<List<Object>, List<Object>> hourly = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        hourly.putAll(expected.hourly());
        for (String id : chosen) {
            Sent event = sent.stream().filter(s -> id.equals(s.eventId())).findFirst().orElseThrow();
            List<Object> window = List.of(event.category(), event.eventTime().truncatedTo(java.time.temporal.ChronoUnit.HOURS));
            List<Object> sums = hourly.getOrDefault(window, List.of(0L, java.math.BigDecimal.ZERO.setScale(2)));
            hourly.put(window, List.of((Long) sums.get(0) + 1, ((java.math.BigDecimal) sums.get(1)).add(event.total())));
        }
        assertThat(stream.hourlySales("al")).as("the folded events in their windows, once").isEqualTo(hourly);
        assertThat(jdbc.queryForObject("SELECT sum(corrections) FROM analytics.hourly_sales WHERE product_category LIKE 'al-%'",
                Long.class)).isEqualTo(expected.corrections().size() + 3L);
        assertThat(jdbc.queryForList("SELECT event_id FROM etl.late_events WHERE event_id LIKE 'al-%' AND folded_at IS NOT NULL "
                + "ORDER BY event_id", String.class)).isEqualTo(chosen);
        assertProblem(api.post("/api/pipelines/orders_stream/late-events/fold", "{\"eventIds\":[]}"), "eventIds");
        assertProblem(api.post("/api/pipelines/daily_sales_etl/late-events/fold", body), null);
    }

    private static void assertProblem(TestApi.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        if (field != null) {
            assertThat(response.json().get("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void handWrittenEventsGiveTheseHourlyWindowsAndLateEvents() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        Instant h = stream.freshHour(); // every partition's event time so far is before h
        Instant h1 = h.plus(Duration.ofHours(1));
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                stream.event(0, "hw-e1", "hw-books", "10.00", h.plusSeconds(600)),
                stream.event(0, "hw-e2", "hw-books", "5.50", h1.minusMillis(1)),
                // Exactly on the end of hour h: it opens the next window.
                stream.event(0, "hw-e3", "hw-toys", "1.00", h1),
                // Out of order; hour h is not final (watermark h+1h-30s < its end h+1h).
                stream.event(0, "hw-e4", "hw-books", "2.25", h.plusSeconds(1_800)),
                stream.event(0, "hw-e5", "hw-books", "3.00", h1.plusSeconds(30)),
                // The watermark is now exactly h+1h, the end of hour h: final, so this one is late.
                stream.event(0, "hw-e6", "hw-books", "7.00", h.plusSeconds(2_700)),
                // Sent twice: counted once.
                stream.event(0, "hw-e1", "hw-books", "10.00", h.plusSeconds(600)),
                stream.event(0, "hw-e7", "hw-toys", "4.00", h1.plusSeconds(3_599)),
                stream.event(0, "hw-e8", "hw-toys", "0.50", h1.plusSeconds(1_740)),
                // Another partition has its own watermark: hour h is still open there.
                stream.event(1, "hw-e9", "hw-books", "20.00", h.plusSeconds(300)),
                stream.poisonRecord(1, "hw", 0));

        List<Sent> sent = stream.send(records);
        stream.awaitAllCommitted(DRAIN);

        Map<List<Object>, List<Object>> hourly = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        hourly.put(List.of("hw-books", h), List.of(4L, new java.math.BigDecimal("37.75")));
        hourly.put(List.of("hw-books", h1), List.of(1L, new java.math.BigDecimal("3.00")));
        hourly.put(List.of("hw-toys", h1), List.of(3L, new java.math.BigDecimal("5.50")));
        assertThat(stream.hourlySales("hw")).isEqualTo(hourly);
        assertThat(stream.lateEvents("hw")).containsExactly("hw-e6");
        Map<String, Object> late = jdbc.queryForMap("SELECT kafka_partition, window_start, watermark, delay_ms "
                + "FROM etl.late_events WHERE event_id = 'hw-e6'");
        assertThat(late.get("kafka_partition")).isEqualTo(0);
        assertThat(((java.sql.Timestamp) late.get("window_start")).toInstant()).isEqualTo(h);
        assertThat(((java.sql.Timestamp) late.get("watermark")).toInstant()).isEqualTo(h1);
        assertThat(late.get("delay_ms")).as("the watermark's lead over the window's end").isEqualTo(0L);
        assertThat(stream.loadedEvents("hw")).containsExactlyInAnyOrder("hw-e1", "hw-e2", "hw-e3", "hw-e4", "hw-e5",
                "hw-e6", "hw-e7", "hw-e8", "hw-e9");
        assertThat(stream.loadedTotal("hw")).isEqualByComparingTo("53.25");
        assertThat(stream.deadLetters("hw").get("hw-poison0")).containsEntry("dlq.source.partition", "1")
                .containsEntry("dlq.source.offset", String.valueOf(sent.get(10).offset()));
        assertThat(stream.watermarks()).containsEntry(0, h1.plusSeconds(3_599)).containsEntry(1, h.plusSeconds(300));
        stream.assertExactly("hw", sent, before);
    }

    @Test
    void textWithTabsNewlinesBackslashesQuotesAndNonAsciiIsStoredAsSent() throws Exception {
        Instant hour = stream.freshHour();
        // In the records' JSON: a tab, a newline, a carriage return, a backslash, a quote, \N, non-ASCII.
        Map<String, String> categories = Map.of(
                "tx-1", "tx tab\\there", "tx-2", "tx line\\nnext\\r", "tx-3", "tx back\\\\slash \\\\N",
                "tx-4", "tx \\\"quoted\\\" caf\u00e9 \ud83d\ude00");
        Map<String, String> stored = Map.of(
                "tx-1", "tx tab\there", "tx-2", "tx line\nnext\r", "tx-3", "tx back\\slash \\N",
                "tx-4", "tx \"quoted\" caf\u00e9 \ud83d\ude00");
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        categories.forEach((id, json) -> records.add(stream.event(1, id, json, "1.50", hour.plusSeconds(60))));
        stream.send(records);
        stream.awaitAllCommitted(DRAIN);

        Map<String, String> loaded = new java.util.HashMap<>();
        jdbc.query("SELECT event_id, product_category FROM staging.order_events WHERE event_id LIKE 'tx-%'",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> loaded.put(rs.getString(1), rs.getString(2)));
        assertThat(loaded).isEqualTo(stored);
        assertThat(jdbc.queryForList("SELECT product_category FROM analytics.hourly_sales WHERE product_category LIKE 'tx %'",
                String.class)).containsExactlyInAnyOrderElementsOf(stored.values());
    }

    @Test
    void aPoisonRecordsDeadLetterIsReplayedOnceBySendingTheRecordAgain() throws Exception {
        List<Sent> sent = stream.send(stream.plan("s7", 600, stream.freshHour(), 7));
        stream.awaitAllCommitted(DRAIN);
        Map<String, Object> letter = jdbc.queryForMap("SELECT id, task, message, source_partition, source_offset, "
                + "payload->>'valueText' AS text, convert_from(decode(payload->>'key', 'base64'), 'UTF8') AS key "
                + "FROM etl.dead_letters WHERE source_topic = ? AND convert_from(decode(payload->>'key', 'base64'), 'UTF8') "
                + "LIKE 's7-%' ORDER BY id LIMIT 1", orders.source().topic());
        String key = (String) letter.get("key");
        Sent poison = sent.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
        assertThat(letter.get("task")).isEqualTo("parse");
        assertThat((String) letter.get("message")).startsWith(io.pipelines.support.StreamFixture.reason(key));
        assertThat(List.of(letter.get("source_partition"), letter.get("source_offset")))
                .as("where it was read").isEqualTo(List.of(poison.partition(), poison.offset()));
        assertThat(api.get("/api/dead-letters?pipeline=orders_stream&status=NEW").body()).contains(key);

        TestApi.Response replay = api.post("/api/dead-letters/" + letter.get("id") + "/replay", "");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().get("replayed").asBoolean()).isTrue();
        stream.awaitAllCommitted(DRAIN);
        // Still not an event: read again, it is a dead letter again, at its new offset.
        await().atMost(DRAIN).until(() -> stream.tableDeadLetters("s7").stream().filter(key::equals).count() == 2);
        TestApi.Response again = api.post("/api/dead-letters/" + letter.get("id") + "/replay", "");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("replayed").asBoolean()).as("replayed before: not sent again").isFalse();
        assertThat(stream.records(orders.source().topic()).stream()
                .filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).count())
                .as("the record in the topic: sent by the test, then by the replay").isEqualTo(2);
    }

    @Test
    void aServiceStoppedMidStreamAndStartedAgainLosesAndDoublesNothing() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("s2", 1500, stream.freshHour(), 2);
        List<Sent> sent = stream.send(planned.subList(0, 900));
        await().atMost(DRAIN).until(() -> stream.loadedEvents("s2").size() > 100);

        consumers.stop();
        assertThat(consumers.consumers()).isEmpty();
        sent.addAll(stream.send(planned.subList(900, planned.size())));
        consumers.start();
        stream.awaitAllCommitted(DRAIN);

        stream.assertExactly("s2", sent, before);
    }

    @Test
    void theWholeServiceClosedMidStreamAndStartedAgainLosesAndDoublesNothing() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("s6", 1500, stream.freshHour(), 6);
        List<Sent> sent;
        try (ConfigurableApplicationContext first = AnotherService.start()) {
            sent = stream.send(planned.subList(0, 900));
            await().atMost(DRAIN).until(() -> stream.loadedEvents("s6").size() > 100);
        }
        assertThat(stream.lagOfGroup()).as("closed before the end of the stream").isPositive();
        sent.addAll(stream.send(planned.subList(900, planned.size())));
        try (ConfigurableApplicationContext second = AnotherService.start()) {
            stream.awaitAllCommitted(DRAIN);
        }

        stream.assertExactly("s6", sent, before);
    }

    @Test
    void aConsumerKilledAfterTheLoadButBeforeTheCommitIsReplacedAndNothingIsDoubled() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        Map<TopicPartition, Long> committedBefore = stream.committedOffsets();
        List<Sent> sent = stream.send(stream.plan("s3", 900, stream.freshHour(), 3));
        CrashingConsumer crashing = new CrashingConsumer();
        crashing.start();
        await().dontCatchUncaughtExceptions().atMost(DRAIN).until(() -> !crashing.isRunning());
        assertThat(crashing.crashed).isTrue();
        assertThat(stream.loadedEvents("s3")).as("the batch was loaded before the crash").isNotEmpty();
        assertThat(stream.committedOffsets()).as("but not committed").isEqualTo(committedBefore);

        consumers.start();
        stream.awaitAllCommitted(DRAIN);

        stream.assertExactly("s3", sent, before);
    }

    @Test
    void anOffsetCommitThatFailsBesideTheNextBatchsLoadEndsTheConsumerAfterThatLoadAndBothAreReadAgain() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        List<String> steps = new CopyOnWriteArrayList<>();
        List<Set<List<Object>>> handled = new CopyOnWriteArrayList<>();
        CountDownLatch firstCommit = new CountDownLatch(1);
        StreamConsumer.BatchHandler load = consumers.newConsumerHandler();
        // The second batch handed over waits, in the route, for the first batch's commit to begin.
        StreamConsumer.BatchHandler recording = batch -> {
            handled.add(batch.entries().stream().map(e -> List.<Object>of(e.partition(), e.offset()))
                    .collect(Collectors.toSet()));
            int n = handled.size();
            steps.add("load " + n);
            if (n == 2 && !firstCommit.await(60, TimeUnit.SECONDS)) {
                steps.add("no commit while batch 2 was loaded");
            }
            MicroBatch loaded = load.handle(batch);
            steps.add("loaded " + n);
            return loaded;
        };
        StreamConsumer fenced = new StreamConsumer(orders, properties.getStream(), "test-fenced", recording, streamLake,
                streamMetrics, deadLetters) {
            @Override
            protected void commit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, MicroBatch loaded) {
                if (firstCommit.getCount() == 1) {
                    steps.add("commit 1 fails");
                    firstCommit.countDown();
                    throw new org.apache.kafka.common.errors.ProducerFencedException("simulated: fenced by a newer producer");
                }
                super.commit(c, p, loaded);
            }
        };
        try {
            fenced.start();
            List<Sent> sent = stream.send(stream.plan("s11", 900, stream.freshHour(), 11));
            stream.awaitAllCommitted(DRAIN);

            assertThat(handled.get(1)).as("the batch after the first was handed over before the first was committed")
                    .doesNotContainAnyElementsOf(handled.get(0));
            assertThat(steps).as("and loaded while the commit ran").startsWith("load 1", "loaded 1")
                    .doesNotContain("no commit while batch 2 was loaded");
            assertThat(steps.indexOf("loaded 2")).as("the consumer was made anew only once batch 2 was over")
                    .isGreaterThan(steps.indexOf("commit 1 fails")).isLessThan(steps.indexOf("load 3"));
            Set<List<Object>> readAgain = new HashSet<>();
            handled.subList(2, handled.size()).forEach(readAgain::addAll);
            assertThat(readAgain).as("both were read again").containsAll(handled.get(0)).containsAll(handled.get(1));
            stream.assertExactly("s11", sent, before);
        } finally {
            fenced.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void twoConsumersOfTheGroupSplitThePartitionsAndTheTotalsAreExact() throws Exception {
        consumers.stop();
        StreamConsumer a = consumers.newConsumer("test-a");
        StreamConsumer b = consumers.newConsumer("test-b");
        try {
            a.start();
            b.start();
            await().atMost(DRAIN).until(() -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
                    && a.assignment().size() + b.assignment().size() == 3);
            Set<TopicPartition> all = new HashSet<>(a.assignment());
            all.addAll(b.assignment());
            assertThat(all).hasSize(3);

            Map<Integer, Instant> before = stream.watermarks();
            List<Sent> sent = stream.send(stream.plan("s4", 1200, stream.freshHour(), 4));
            stream.awaitAllCommitted(DRAIN);

            stream.assertExactly("s4", sent, before);
        } finally {
            a.stop(Duration.ofSeconds(30));
            b.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void aRebalanceWhileABatchIsLoadedWaitsForItThenGivesItUpAndItIsReadAgainWithNothingLostOrDoubled() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        CountDownLatch release = new CountDownLatch(1);
        List<Set<List<Object>>> handled = new CopyOnWriteArrayList<>();
        StreamConsumer.BatchHandler load = consumers.newConsumerHandler();
        // Each batch is recorded once loaded (lake and warehouse); the first one is then held until a
        // second consumer has joined the group, so that the rebalance comes while it is in flight.
        StreamConsumer.BatchHandler recording = batch -> {
            MicroBatch loaded = load.handle(batch);
            handled.add(batch.entries().stream().map(e -> List.<Object>of(e.partition(), e.offset()))
                    .collect(Collectors.toSet()));
            if (handled.size() == 1) {
                release.await(60, TimeUnit.SECONDS);
            }
            return loaded;
        };
        StreamConsumer slow = new StreamConsumer(orders, properties.getStream(), "test-slow", recording, streamLake, streamMetrics,
                deadLetters);
        StreamConsumer joining = new StreamConsumer(orders, properties.getStream(), "test-joining", recording, streamLake,
                streamMetrics, deadLetters);
        try {
            slow.start();
            List<Sent> sent = stream.send(stream.plan("s8", 900, stream.freshHour(), 8));
            await().atMost(DRAIN).until(() -> handled.size() == 1);
            joining.start();
            // The slow consumer learns of the rebalance at its next heartbeat, and waits for its batch.
            await().atMost(DRAIN).until(() -> inRevocation("test-slow"));
            release.countDown();

            stream.awaitAllCommitted(DRAIN);

            Set<List<Object>> readAgain = new HashSet<>();
            handled.subList(1, handled.size()).forEach(readAgain::addAll);
            assertThat(readAgain).as("the batch in flight during the rebalance was not committed, but read again")
                    .containsAll(handled.get(0));
            stream.assertExactly("s8", sent, before);
        } finally {
            release.countDown();
            slow.stop(Duration.ofSeconds(30));
            joining.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void aBatchGivenUpInAnEagerRebalanceIsReadAgainWithOtherBoundariesAndEveryRowsLakeKeyHoldsItsRecord() throws Exception {
        batchGivenUpAndReadAgainWithOtherBoundaries("s9", 9, "org.apache.kafka.clients.consumer.RangeAssignor");
    }

    @Test
    void aBatchGivenUpInACooperativeRebalanceIsReadAgainWithOtherBoundariesAndEachRecordIsInOneLakeObject()
            throws Exception {
        batchGivenUpAndReadAgainWithOtherBoundaries("s10", 10, "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    }

    /**
     * A batch of 30 records is loaded (lake and warehouse) and held until a second consumer has joined the
     * group; it is then given up, and its records are read again in batches of 200: other lake keys. The
     * warehouse rows must name the objects that hold their records now, and no record may stay in the
     * first batch's object besides its new one (a cooperative rebalance keeps partitions without any
     * assignment callback).
     */
    private void batchGivenUpAndReadAgainWithOtherBoundaries(String prefix, long seed, String assignor) throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        PipelinesProperties.Stream slowSettings = settingsWith(assignor);
        PipelinesProperties.Stream joiningSettings = settingsWith(assignor);
        int batchSize = slowSettings.getBatchSize();
        slowSettings.setBatchSize(30);
        CountDownLatch release = new CountDownLatch(1);
        // Each batch handled: partition -> [first offset, last offset].
        List<Map<Integer, List<Long>>> handled = new CopyOnWriteArrayList<>();
        StreamConsumer.BatchHandler load = consumers.newConsumerHandler();
        StreamConsumer.BatchHandler recording = batch -> {
            MicroBatch loaded = load.handle(batch);
            Map<Integer, List<Long>> ranges = new java.util.TreeMap<>();
            batch.byPartition().forEach((p, entries) -> ranges.put(p,
                    List.of(entries.get(0).offset(), entries.get(entries.size() - 1).offset())));
            handled.add(ranges);
            if (handled.size() == 1) {
                slowSettings.setBatchSize(batchSize); // read again in larger batches
                release.await(60, TimeUnit.SECONDS);
            }
            return loaded;
        };
        StreamConsumer slow = new StreamConsumer(orders, slowSettings, "test-slow-" + prefix, recording, streamLake, streamMetrics,
                deadLetters);
        StreamConsumer joining = new StreamConsumer(orders, joiningSettings, "test-joining-" + prefix, recording, streamLake,
                streamMetrics, deadLetters);
        try {
            slow.start();
            List<Sent> sent = stream.send(stream.plan(prefix, 900, stream.freshHour(), seed));
            await().atMost(DRAIN).until(() -> handled.size() == 1);
            assertThat(stream.loadedEvents(prefix)).as("the first batch is loaded").isNotEmpty();
            joining.start();
            await().atMost(DRAIN).until(() -> inRevocation("test-slow-" + prefix));
            release.countDown();

            stream.awaitAllCommitted(DRAIN);

            Map<Integer, List<Long>> first = handled.get(0);
            assertThat(handled.subList(1, handled.size()).stream().flatMap(b -> b.entrySet().stream())
                    .anyMatch(e -> first.containsKey(e.getKey()) && e.getValue().get(0).equals(first.get(e.getKey()).get(0))
                            && !e.getValue().equals(first.get(e.getKey()))))
                    .as("the batch given up (%s) was read again with other boundaries: %s", first, handled).isTrue();
            stream.assertExactly(prefix, sent, before);
        } finally {
            release.countDown();
            slow.stop(Duration.ofSeconds(30));
            joining.stop(Duration.ofSeconds(30));
        }
    }

    /** The service's stream settings, with a partition assignor of the test's own. */
    private PipelinesProperties.Stream settingsWith(String assignor) {
        PipelinesProperties.Stream from = properties.getStream();
        PipelinesProperties.Stream s = new PipelinesProperties.Stream();
        s.setBootstrapServers(from.getBootstrapServers());
        s.setBatchSize(from.getBatchSize());
        s.setBatchInterval(from.getBatchInterval());
        s.setRetryInitialDelay(from.getRetryInitialDelay());
        s.setRetryMaxDelay(from.getRetryMaxDelay());
        Map<String, String> kafka = new java.util.LinkedHashMap<>(from.getKafka());
        kafka.put("partition.assignment.strategy", assignor);
        s.setKafka(kafka);
        return s;
    }

    @Test
    void aBatchWhoseLoadFailsIsNotCommittedAndIsTriedUntilTheWarehouseIsBack() throws Exception {
        Map<Integer, Instant> before = stream.watermarks();
        Map<TopicPartition, Long> committedBefore = stream.committedOffsets();
        double failuresBefore = failures();
        jdbc.execute("ALTER TABLE staging.order_events RENAME TO order_events_away");
        List<Sent> sent;
        try {
            sent = stream.send(stream.plan("s5", 600, stream.freshHour(), 5));
            await().atMost(DRAIN).until(() -> failures() >= failuresBefore + 3);
            assertThat(stream.committedOffsets()).as("nothing committed while the load fails").isEqualTo(committedBefore);
        } finally {
            jdbc.execute("ALTER TABLE staging.order_events_away RENAME TO order_events");
        }
        stream.awaitAllCommitted(DRAIN);

        stream.assertExactly("s5", sent, before);
    }

    /** Whether the consumer's thread is in its rebalance listener, giving up its partitions. */
    private static boolean inRevocation(String consumerThread) {
        return Thread.getAllStackTraces().entrySet().stream().filter(t -> t.getKey().getName().equals(consumerThread))
                .flatMap(t -> Arrays.stream(t.getValue())).anyMatch(f -> f.getMethodName().equals("onPartitionsRevoked"));
    }

    private double failures() {
        return api.metric("pipeline_stream_batch_failures_total", "pipeline", "orders_stream");
    }

    /** A consumer that dies right after its first load, before committing: what a crash does. */
    private final class CrashingConsumer extends StreamConsumer {
        volatile boolean crashed;

        CrashingConsumer() {
            super(orders, properties.getStream(), "test-crashing", consumers.newConsumerHandler(), streamLake, streamMetrics,
                    deadLetters);
        }

        @Override
        protected void commit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, MicroBatch loaded) {
            crashed = true;
            throw new SimulatedCrash();
        }
    }

    /** Ends the consumer's thread the way a crash would: nothing after it runs, nothing is committed. */
    private static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash before the commit");
        }
    }
}
