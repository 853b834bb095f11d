package io.pipelines.support;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.lake.Lake;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.StreamDeclarations;

/**
 * Order events for the stream tests: made from a seed, sent to known partitions, and the result the
 * stream must reach, computed here independently with the same lateness rule (per partition, in
 * offset order: an event is late when its hour ends at or before the largest event time seen
 * before it in its partition minus 30 s). Each test uses a prefix of its own for event ids, keys
 * and categories.
 */
@TestComponent
public class StreamFixture {

    private static final int PARTITIONS = 3;
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final List<String> CATEGORIES = List.of("books", "garden", "toys", "home");
    /** Kinds of poison records (see {@link #poison}). */
    private static final int KINDS = 9;

    /** A record as sent: where it went, and its event when it is a valid one. */
    public record Sent(int partition, long offset, String key, String eventId, String category, BigDecimal total,
                       Instant eventTime, boolean valid) {
    }

    /** What the warehouse must hold for one test. */
    public record Expected(Set<String> distinctEvents, BigDecimal distinctTotal, Map<List<Object>, List<Object>> hourly,
                           Set<String> late, Set<String> poisonKeys, Set<List<Object>> validPositions,
                           Set<String> corrections) {
    }

    private final PipelinesProperties.Stream settings;
    private final JdbcTemplate jdbc;
    private final Lake lake;

    private final StreamDeclaration orders;
    private final String lakePrefix;

    public StreamFixture(PipelinesProperties properties, JdbcTemplate jdbc, Lake lake, StreamDeclarations declarations) {
        this.settings = properties.getStream();
        this.orders = declarations.get("orders_stream");
        this.lakePrefix = orders.lakePrefix();
        this.jdbc = jdbc;
        this.lake = lake;
    }

    /** The start of the first hour after every event time the stream has seen, so a test's events begin afresh. */
    public Instant freshHour() {
        Instant seen = jdbc.queryForObject("SELECT max(max_event_time) FROM etl.stream_watermarks", Instant.class);
        Instant latest = seen == null || seen.isBefore(Instant.now()) ? Instant.now() : seen;
        return latest.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    /**
     * Plans {@code count} events from {@code base}, 7.2 s apart (so about 500 an hour), round robin over
     * the partitions, out of order by up to 20 s, some late by 10 minutes, some sent twice, some poison
     * (from 900 events on, each kind of poison is there whatever the seed).
     */
    public List<ProducerRecord<byte[], byte[]>> plan(String prefix, int count, Instant base, long seed) {
        Random random = new Random(seed);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> sentAgain = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int partition = i % PARTITIONS;
            Instant time = base.plusMillis(7_200L * i - random.nextInt(20_000));
            // Some 10 minutes late; those early in an hour are late for a window already final. Event 520 of
            // each 500 always is (its partition has seen events past the hour's end plus the 30 s allowed).
            if (random.nextDouble() < 0.03 || (i >= 500 && i % 500 == 20)) {
                time = time.minus(Duration.ofMinutes(10));
            }
            String id = prefix + "-e" + i;
            String json = "{\"event_id\":\"" + id + "\",\"order_id\":" + i + ",\"customer_id\":" + (1 + random.nextInt(99))
                    + ",\"product_category\":\"" + prefix + "-" + CATEGORIES.get(random.nextInt(CATEGORIES.size()))
                    + "\",\"total\":" + BigDecimal.valueOf(100 + random.nextInt(9_900), 2) + ",\"currency\":\"USD\","
                    + "\"event_time\":\"" + time + "\"}";
            ProducerRecord<byte[], byte[]> record = record(partition, prefix + "-k" + i, json);
            records.add(record);
            if (random.nextDouble() < 0.05 || i % 100 == 50) {
                sentAgain.add(record(partition, prefix + "-k" + i, json));
            }
            if (!sentAgain.isEmpty() && random.nextDouble() < 0.2) {
                records.add(sentAgain.remove(0));
            }
            if (random.nextDouble() < 0.02 || i % 100 == 99) {
                records.add(record(partition, prefix + "-poison" + i, poison(i, prefix)));
            }
        }
        records.addAll(sentAgain);
        return records;
    }

    /** One valid order event to a partition, written by hand: key {@code <id>-k}, customer 1, order 1, USD. */
    public ProducerRecord<byte[], byte[]> event(int partition, String id, String category, String total, Instant time) {
        return record(partition, id + "-k", "{\"event_id\":\"" + id + "\",\"order_id\":1,\"customer_id\":1,"
                + "\"product_category\":\"" + category + "\",\"total\":" + total + ",\"currency\":\"USD\","
                + "\"event_time\":\"" + time + "\"}");
    }

    /** The poison record number {@code i} of a prefix, as {@link #plan} makes them (its kind: i % 4). */
    public ProducerRecord<byte[], byte[]> poisonRecord(int partition, String prefix, int i) {
        return record(partition, prefix + "-poison" + i, poison(i, prefix));
    }

    /** Why the stream must reject the poison record of this key (a key of {@link #plan}), or the start of it. */
    public static String reason(String poisonKey) {
        if (poisonKey.contains("-poison-refused")) {
            return "refused by the warehouse: ERROR: new row for relation \"order_events\" violates check constraint \""
                    + REFUSING_CONSTRAINT + "\"";
        }
        int i = Integer.parseInt(poisonKey.substring(poisonKey.lastIndexOf("-poison") + "-poison".length()));
        return switch (i % KINDS) {
            case 0 -> "not valid JSON: Unexpected end-of-input";
            case 1 -> "missing field event_time";
            case 2 -> "field order_id must be a whole number";
            case 3 -> "not a JSON object";
            case 4 -> "field product_category holds a NUL character (U+0000) at position 1";
            case 5 -> "field event_id holds half of a surrogate pair (U+D800)";
            case 6 -> "field event_time 2996-01-01T00:00:00Z is more than";
            case 7 -> "field event_time +300000-01-01T00:00:00Z is more than";
            default -> "not valid JSON: Illegal character ((CTRL-CHAR, code ";
        };
    }

    /** A check constraint {@link #refusedRecord}s fail: add it before sending them, drop it after. */
    public static final String REFUSING_CONSTRAINT = "test_refuses_customer_666";

    public void refuseCustomer666(boolean refuse) {
        jdbc.execute(refuse
                ? "ALTER TABLE staging.order_events ADD CONSTRAINT " + REFUSING_CONSTRAINT + " CHECK (customer_id <> 666) NOT VALID"
                : "ALTER TABLE staging.order_events DROP CONSTRAINT IF EXISTS " + REFUSING_CONSTRAINT);
    }

    /**
     * A valid order event that the warehouse refuses while {@link #refuseCustomer666} is on (customer 666),
     * as a constraint a team adds to its table would: it passes parsing and fails the load. Key
     * {@code <prefix>-poison-refused<n>}.
     */
    public ProducerRecord<byte[], byte[]> refusedRecord(int partition, String prefix, int n, Instant time) {
        return record(partition, prefix + "-poison-refused" + n, "{\"event_id\":\"" + prefix + "-refused" + n
                + "\",\"order_id\":1,\"customer_id\":666,\"product_category\":\"" + prefix + "-books\",\"total\":1.00,"
                + "\"currency\":\"USD\",\"event_time\":\"" + time + "\"}");
    }

    /** Valid events sent after an event of their partition with a later event time, and not late: out of order. */
    private static long outOfOrder(List<Sent> sent, Set<String> late) {
        Map<Integer, Instant> latest = new HashMap<>();
        long count = 0;
        for (Sent s : sent.stream().filter(Sent::valid).sorted(java.util.Comparator.comparingInt(Sent::partition)
                .thenComparingLong(Sent::offset)).toList()) {
            Instant seen = latest.get(s.partition());
            if (seen != null && s.eventTime().isBefore(seen) && !late.contains(s.eventId())) {
                count++;
            }
            latest.merge(s.partition(), s.eventTime(), (a, b) -> a.isAfter(b) ? a : b);
        }
        return count;
    }

    private static String poison(int i, String prefix) {
        String valid = "{\"event_id\":\"" + prefix + "-p" + i + "\",\"order_id\":1,\"customer_id\":1,\"product_category\":\"x\","
                + "\"total\":1.00,\"currency\":\"USD\",\"event_time\":\"2026-01-01T00:00:00Z\"}";
        return switch (i % KINDS) {
            case 0 -> "{\"event_id\": \"" + prefix + "-broken";
            case 1 -> valid.replace(",\"event_time\":\"2026-01-01T00:00:00Z\"", "");
            case 2 -> valid.replace("\"order_id\":1", "\"order_id\":\"one\"");
            case 3 -> "[1, 2, 3]";
            // Text PostgreSQL cannot store: it would fail the load of its whole batch again and again.
            case 4 -> valid.replace("\"x\"", "\"x\\u0000y\"");
            case 5 -> valid.replace("\"" + prefix + "-p" + i + "\"", "\"" + prefix + "-p\\ud800" + i + "\"");
            // A producer's clock far ahead: its partition's watermark would move for good.
            case 6 -> valid.replace("2026-01-01T00:00:00Z", "2996-01-01T00:00:00Z");
            // Beyond what timestamptz holds.
            case 7 -> valid.replace("2026-01-01T00:00:00Z", "+300000-01-01T00:00:00Z");
            // Not text: bytes jsonb could not hold as text in the dead letter's payload.
            default -> "\u0000\u0001" + valid;
        };
    }

    private ProducerRecord<byte[], byte[]> record(int partition, String key, String value) {
        return new ProducerRecord<>(orders.source().topic(), partition, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the records in order and returns where each landed. */
    public List<Sent> send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata at = futures.get(i).get(30, TimeUnit.SECONDS);
                sent.add(describe(records.get(i), at));
            }
        }
        return sent;
    }

    private static Sent describe(ProducerRecord<byte[], byte[]> r, RecordMetadata at) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        String value = new String(r.value(), StandardCharsets.UTF_8);
        if (key.contains("-poison")) {
            return new Sent(at.partition(), at.offset(), key, null, null, null, null, false);
        }
        String id = field(value, "event_id");
        String category = field(value, "product_category");
        BigDecimal total = new BigDecimal(value.replaceAll(".*\"total\":([0-9.]+).*", "$1"));
        Instant time = Instant.parse(field(value, "event_time"));
        return new Sent(at.partition(), at.offset(), key, id, category, total, time, true);
    }

    private static String field(String json, String name) {
        return json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
    }

    /** The expected result, from the partitions' event-time progress before the test and what was sent. */
    public Expected expected(List<Sent> sent, Map<Integer, Instant> maxBefore) {
        return expected(sent, maxBefore, Duration.ZERO);
    }

    /** The same, for a stream that allows this lateness: events that late still go into their windows, as corrections. */
    public Expected expected(List<Sent> sent, Map<Integer, Instant> maxBefore, Duration allowedLateness) {
        Map<Integer, Instant> maxSeen = new HashMap<>(maxBefore);
        Set<String> distinct = new HashSet<>();
        BigDecimal total = BigDecimal.ZERO;
        Map<List<Object>, List<Object>> hourly = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        Set<String> late = new HashSet<>();
        Set<String> corrections = new HashSet<>();
        Set<String> poison = new HashSet<>();
        Set<List<Object>> positions = new HashSet<>();
        List<Sent> inOrder = sent.stream().sorted(java.util.Comparator.comparingInt(Sent::partition)
                .thenComparingLong(Sent::offset)).toList();
        for (Sent s : inOrder) {
            if (!s.valid()) {
                poison.add(s.key());
                continue;
            }
            positions.add(List.of(s.partition(), s.offset()));
            if (!distinct.add(s.eventId())) {
                continue;
            }
            total = total.add(s.total());
            Instant hour = s.eventTime().truncatedTo(ChronoUnit.HOURS);
            Instant seen = maxSeen.get(s.partition());
            Instant end = hour.plus(Duration.ofHours(1));
            boolean ended = seen != null && !end.isAfter(seen.minus(OUT_OF_ORDERNESS));
            if (ended && !end.plus(allowedLateness).isAfter(seen.minus(OUT_OF_ORDERNESS))) {
                late.add(s.eventId());
            } else {
                if (ended) {
                    corrections.add(s.eventId());
                }
                List<Object> window = List.of(s.category(), hour);
                List<Object> sums = hourly.getOrDefault(window, List.of(0L, BigDecimal.ZERO.setScale(2)));
                hourly.put(window, List.of((Long) sums.get(0) + 1, ((BigDecimal) sums.get(1)).add(s.total())));
            }
            if (seen == null || s.eventTime().isAfter(seen)) {
                maxSeen.put(s.partition(), s.eventTime());
            }
        }
        return new Expected(distinct, total, hourly, late, poison, positions, corrections);
    }

    /**
     * The warehouse, the dead letter topic and the lake hold exactly what the test's events must give.
     * The events sent must have had every kind the stream is made for: late, sent twice, out of order
     * within a window, and poison; a run without one of them could not tell a stream that mishandles it.
     */
    public void assertExactly(String prefix, List<Sent> sent, Map<Integer, Instant> watermarksBefore) throws Exception {
        assertExactly(prefix, expected(sent, watermarksBefore), sent);
    }

    public void assertExactly(String prefix, Expected expected, List<Sent> sent) throws Exception {
        assertThat(expected.poisonKeys()).as("the plan has poison records").isNotEmpty();
        assertThat(expected.late()).as("the plan has late events").isNotEmpty();
        assertThat(sent.stream().filter(Sent::valid).count()).as("the plan has events sent twice")
                .isGreaterThan(expected.distinctEvents().size());
        assertThat(outOfOrder(sent, expected.late())).as("the plan has events out of order (not late)").isPositive();
        assertThat(loadedEvents(prefix)).as("staging.order_events holds exactly the distinct valid events")
                .isEqualTo(expected.distinctEvents());
        assertThat(loadedTotal(prefix)).isEqualByComparingTo(expected.distinctTotal());
        assertThat(hourlySales(prefix)).as("hourly sales on event time, without late events")
                .isEqualTo(expected.hourly());
        assertThat(lateEvents(prefix)).isEqualTo(expected.late());
        assertThat(jdbc.queryForObject("SELECT coalesce(sum(corrections), 0) FROM analytics.hourly_sales "
                + "WHERE product_category LIKE ?", Long.class, prefix + "-%"))
                .as("the windows' corrections: events within the allowed lateness").isEqualTo(expected.corrections().size());
        Map<String, Map<String, String>> dlq = deadLetters(prefix);
        assertThat(dlq.keySet()).as("the dead letter topic holds exactly the poison records").isEqualTo(expected.poisonKeys());
        for (Sent poison : sent.stream().filter(s -> !s.valid()).toList()) {
            Map<String, String> headers = dlq.get(poison.key());
            assertThat(headers).as("dead letter headers of %s", poison.key())
                    .containsEntry("dlq.source.topic", orders.source().topic())
                    .containsEntry("dlq.source.partition", String.valueOf(poison.partition()))
                    .containsEntry("dlq.source.offset", String.valueOf(poison.offset()))
                    .doesNotContainKey("twice");
            assertThat(headers.get("dlq.reason")).as("reason of %s", poison.key()).startsWith(reason(poison.key()));
        }
        List<String> letters = tableDeadLetters(prefix);
        assertThat(new HashSet<>(letters)).as("etl.dead_letters holds exactly the poison records").isEqualTo(expected.poisonKeys());
        assertThat(letters).as("each poison record in etl.dead_letters once").hasSameSizeAs(expected.poisonKeys());
        List<String> misfiled = new ArrayList<>();
        Map<String, List<List<Object>>> objects = lakeObjects(prefix, misfiled);
        List<List<Object>> lake = objects.values().stream().flatMap(List::stream).toList();
        assertThat(new HashSet<>(lake)).as("the lake holds exactly the valid records").isEqualTo(expected.validPositions());
        assertThat(lake).as("each record in one object only").hasSameSizeAs(expected.validPositions());
        List<String> misplaced = new ArrayList<>();
        jdbc.query("SELECT event_id, kafka_partition, kafka_offset, lake_key FROM staging.order_events WHERE event_id LIKE ?",
                rs -> {
                    List<Object> position = List.of(rs.getInt(2), rs.getLong(3));
                    if (!objects.getOrDefault(rs.getString(4), List.of()).contains(position)) {
                        misplaced.add(rs.getString(1) + " at " + position + " -> " + rs.getString(4));
                    }
                }, prefix + "-%");
        assertThat(misplaced).as("each row's lake_key names an object that exists and holds its record").isEmpty();
        assertThat(misfiled).as("each record in an object of its partition under its event hour").isEmpty();
    }

    public Map<Integer, Instant> watermarks() {
        Map<Integer, Instant> max = new HashMap<>();
        jdbc.query("SELECT kafka_partition, max_event_time FROM etl.stream_watermarks WHERE stream = ?",
                rs -> {
                    max.put(rs.getInt(1), rs.getTimestamp(2).toInstant());
                }, orders.name());
        return max;
    }

    /** Waits until the group has committed every record of the topic: all of it is loaded. */
    public void awaitAllCommitted(Duration atMost) {
        awaitAllCommitted(orders, atMost);
    }

    /** The same for any declared stream. */
    public void awaitAllCommitted(StreamDeclaration stream, Duration atMost) {
        await("all records of " + stream.source().topic() + " committed").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> lagOfGroup(stream) == 0);
    }

    /** Records of the topic not committed by the group yet. */
    public long lagOfGroup() throws Exception {
        return lagOfGroup(orders);
    }

    private long lagOfGroup(StreamDeclaration stream) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(stream.source().group())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(stream.source().topic(), p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }

    public Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(orders.source().group()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers()));
    }

    /** The dead letter topic's records whose key starts with the prefix: key -> headers. */
    public Map<String, Map<String, String>> deadLetters(String prefix) {
        Map<String, Map<String, String>> found = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(orders.source().deadLetterTopic())) {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (key.startsWith(prefix + "-")) {
                Map<String, String> headers = new HashMap<>();
                for (Header h : r.headers()) {
                    headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                }
                if (found.put(key, headers) != null) {
                    headers.put("twice", "true");
                }
            }
        }
        return found;
    }

    /** Every committed record of a topic, from the beginning. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The (partition, offset) of every record of the prefix in the lake's Parquet objects, with repeats. */
    public List<List<Object>> lakePositions(String prefix) throws Exception {
        return lakeObjects(prefix).values().stream().flatMap(List::stream).toList();
    }

    /** The lake's stream objects that hold records of the prefix: key -> (partition, offset) of those records. */
    public Map<String, List<List<Object>>> lakeObjects(String prefix) throws Exception {
        return lakeObjects(prefix, new ArrayList<>());
    }

    /**
     * The same, read once, adding to {@code misfiled} each record of the prefix whose object is not under
     * its event hour ({@code dt=<date>/hour=<hour>/<partition>-...}, UTC).
     */
    private Map<String, List<List<Object>>> lakeObjects(String prefix, List<String> misfiled) throws Exception {
        java.time.format.DateTimeFormatter folder = java.time.format.DateTimeFormatter
                .ofPattern("'/dt='yyyy-MM-dd'/hour='HH'/'").withZone(java.time.ZoneOffset.UTC);
        Map<String, List<List<Object>>> objects = new TreeMap<>();
        for (String key : lake.list(lakePrefix + "/")) {
            LakeReader.forEachRecord(lake, key, r -> {
                if (r.get("event_id").toString().startsWith(prefix + "-")) {
                    objects.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(List.of(r.get("kafka_partition"), r.get("kafka_offset")));
                    Object time = r.get("event_time");
                    Instant eventTime = time instanceof Instant i ? i : Instant.EPOCH.plus((Long) time, ChronoUnit.MICROS);
                    if (!key.startsWith(lakePrefix + folder.format(eventTime) + r.get("kafka_partition") + "-")) {
                        misfiled.add(r.get("event_id") + " of " + eventTime + " in " + key);
                    }
                }
            });
        }
        return objects;
    }

    public Set<String> loadedEvents(String prefix) {
        return new HashSet<>(jdbc.queryForList("SELECT event_id FROM staging.order_events WHERE event_id LIKE ?",
                String.class, prefix + "-%"));
    }

    /** The keys of the stream's dead letters in etl.dead_letters whose key starts with the prefix, with repeats. */
    public List<String> tableDeadLetters(String prefix) {
        return jdbc.queryForList("SELECT k FROM (SELECT convert_from(decode(payload->>'key', 'base64'), 'UTF8') AS k "
                + "FROM etl.dead_letters WHERE source_topic = ?) d WHERE k LIKE ?", String.class, orders.source().topic(), prefix + "-%");
    }

    public long loadedCount(String prefix) {
        return jdbc.queryForObject("SELECT count(*) FROM staging.order_events WHERE event_id LIKE ?", Long.class, prefix + "-%");
    }

    public BigDecimal loadedTotal(String prefix) {
        BigDecimal total = jdbc.queryForObject("SELECT sum(total) FROM staging.order_events WHERE event_id LIKE ?",
                BigDecimal.class, prefix + "-%");
        return total == null ? BigDecimal.ZERO : total;
    }

    public Map<List<Object>, List<Object>> hourlySales(String prefix) {
        Map<List<Object>, List<Object>> hourly = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        jdbc.query("SELECT product_category, hour, order_count, revenue FROM analytics.hourly_sales WHERE product_category LIKE ?",
                rs -> {
                    hourly.put(List.of(rs.getString(1), rs.getTimestamp(2).toInstant()),
                            List.of(rs.getLong(3), rs.getBigDecimal(4).setScale(2)));
                }, prefix + "-%");
        return hourly;
    }

    public Set<String> lateEvents(String prefix) {
        return new HashSet<>(jdbc.queryForList("SELECT event_id FROM etl.late_events WHERE event_id LIKE ?",
                String.class, prefix + "-%"));
    }
}
