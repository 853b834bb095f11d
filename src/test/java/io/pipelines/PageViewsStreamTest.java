package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.lake.Lake;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;
import io.pipelines.support.LakeReader;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;

/**
 * page_views, the second demo stream, written with YAML and a migration only
 * (streams/local/page-views.yaml, routes/local/page-views-stream.camel.yaml, V29): views counted per
 * page and minute with the time spent, an optional user and referrer, a duration bounded by the
 * declaration, 10 s of out-of-orderness and one minute of allowed lateness, against real Kafka,
 * PostgreSQL and S3.
 */
class PageViewsStreamTest extends PipelinesIntegrationTest {

    @Autowired
    Streams streams;
    @Autowired
    PipelinesProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Lake lake;
    @Autowired
    MeterRegistry registry;

    @Test
    void viewsGiveTheseMinuteWindowsCorrectionsLateViewsAndDeadLetters() throws Exception {
        StreamDeclaration views = streams.get("page_views").declaration();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "/pv-" + run + "/a";
        String b = "/pv-" + run + "/b";
        Instant t = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);

        // One partition, in this order: its watermark is the largest time seen minus 10 s.
        List<String> records = List.of(
                view(run + "-1", a, "u-1", null, 1000, t.plusSeconds(10)),
                view(run + "-2", a, "u-2", "https://search.example/", 2000, t.plusSeconds(50)),
                view(run + "-3", b, null, null, 500, t.plusSeconds(30)),                 // anonymous
                view(run + "-4", a, "u-1", null, 100, t.plusSeconds(90)),                // watermark t+80s: minute t ended
                view(run + "-5", a, "u-3", null, 300, t.plusSeconds(40)),                // within a minute: a correction
                view(run + "-6", b, "u-4", null, 10, t.plusSeconds(180)),                // watermark t+170s
                view(run + "-7", a, "u-5", null, 700, t.plusSeconds(20)),                // beyond a minute: late
                view(run + "-1", a, "u-1", null, 1000, t.plusSeconds(10)),               // the first again: a duplicate
                view(run + "-8", a, "u-6", null, -5, t.plusSeconds(15)),                 // below its min
                "{\"view_id\":\"" + run + "-9\",\"duration_ms\":5,\"viewed_at\":\"" + t + "\"}", // no page
                view(run + "-10", a, "u-7", null, 1, Instant.parse("2996-01-01T00:00:00Z"))); // a clock far ahead
        // An order event late with the same id as a view: each stream's late events are its own.
        jdbc.update("INSERT INTO etl.late_events (event_id, stream, kafka_partition, kafka_offset, event_time, "
                + "window_start, watermark, delay_ms) VALUES (?, 'orders_stream', 0, 0, now(), now(), now(), 0)", run + "-7");
        send(views.source().topic(), records);
        stream.awaitAllCommitted(views, Duration.ofSeconds(60));

        assertThat(windows(run)).containsExactly(
                List.of(a, t.toString(), 3L, 3300L, 1L),
                List.of(b, t.toString(), 1L, 500L, 0L),
                List.of(a, t.plusSeconds(60).toString(), 1L, 100L, 0L),
                List.of(b, t.plusSeconds(180).toString(), 1L, 10L, 0L));
        assertThat(jdbc.queryForList("SELECT view_id FROM staging.page_views WHERE view_id LIKE ? ORDER BY kafka_offset",
                String.class, run + "-%")).containsExactly(run + "-1", run + "-2", run + "-3", run + "-4", run + "-5",
                run + "-6", run + "-7");
        assertThat(jdbc.queryForMap("SELECT user_id, referrer, duration_ms FROM staging.page_views WHERE view_id = ?",
                run + "-3")).containsEntry("user_id", null).containsEntry("referrer", null).containsEntry("duration_ms", 500);
        assertThat(jdbc.queryForList("SELECT event_id FROM etl.late_events WHERE stream = 'page_views' AND event_id LIKE ?",
                String.class, run + "-%")).containsExactly(run + "-7");
        assertThat(jdbc.queryForList("SELECT message FROM etl.dead_letters WHERE pipeline = 'page_views' "
                + "AND source_topic = ? AND payload->>'valueText' LIKE ? ORDER BY source_offset", String.class,
                views.source().topic(), "%" + run + "-%"))
                .containsExactly("field duration_ms -5 is below its min 0", "missing field page",
                        "field viewed_at 2996-01-01T00:00:00Z is more than " + properties.getStream().getMaxClockSkew()
                                + " (pipelines.stream.max-clock-skew) ahead of this service's clock");

        // Each valid record once in the lake (the duplicate too: the lake is the raw stream), under its event
        // hour, with the declared columns.
        List<String> inLake = new ArrayList<>();
        for (String key : lake.list(views.lakePrefix() + "/dt=" + t.toString().substring(0, 10) + "/")) {
            LakeReader.forEachRecord(lake, key, r -> {
                if (r.get("view_id").toString().startsWith(run + "-")) {
                    inLake.add(r.get("view_id") + " " + r.get("page") + " " + r.get("duration_ms"));
                }
            });
        }
        assertThat(inLake).containsExactlyInAnyOrder(run + "-1 " + a + " 1000", run + "-1 " + a + " 1000",
                run + "-2 " + a + " 2000",
                run + "-3 " + b + " 500", run + "-4 " + a + " 100", run + "-5 " + a + " 300", run + "-6 " + b + " 10",
                run + "-7 " + a + " 700");

        // The late view folded into its window over REST, once.
        for (int i = 0; i < 2; i++) {
            TestApi.Response folded = api.post("/api/pipelines/page_views/late-events/fold",
                    "{\"eventIds\":[\"" + run + "-7\"]}");
            assertThat(folded.status()).as(folded.body()).isEqualTo(200);
            assertThat(folded.json().get("folded")).hasSize(i == 0 ? 1 : 0);
        }
        assertThat(windows(run).get(0)).isEqualTo(List.of(a, t.toString(), 4L, 4000L, 2L));

        // Listed with the other pipelines, with what its declaration says.
        JsonNode listed = null;
        for (JsonNode p : api.get("/api/pipelines").json()) {
            if (p.get("name").asText().equals("page_views")) {
                listed = p;
            }
        }
        assertThat(listed).as("page_views is listed").isNotNull();
        assertThat(listed.get("type").asText()).isEqualTo("stream");
        assertThat(listed.get("source").get("topic").asText()).isEqualTo("page_views");
        assertThat(listed.get("window").get("table").asText()).isEqualTo("analytics.page_views_per_minute");
        assertThat(listed.get("state").asText()).isEqualTo("started");
    }

    @Test
    void viewsThatBreakTheStreamsSuiteBecomeDeadLettersAndWarningsAreCountedAndLoaded() throws Exception {
        StreamDeclaration views = streams.get("page_views").declaration();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant t = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);
        Counter warnings = registry.counter("pipeline.quality.warnings", "pipeline", "page_views", "suite", "page_views_suite");
        double before = warnings.count();

        send(views.source().topic(), List.of(
                view(run + "-q1", "/pv-" + run + "/q", "u-1", null, 1000, t),
                view(run + "-q2", "pv-" + run + "/no-slash", "u-2", null, 1000, t.plusSeconds(1)),  // not a path: an error
                view(run + "-q3", "/pv-" + run + "/q", "u-3", null, 7_200_000, t.plusSeconds(2)))); // two hours: a warning
        stream.awaitAllCommitted(views, Duration.ofSeconds(60));

        assertThat(jdbc.queryForList("SELECT view_id FROM staging.page_views WHERE view_id LIKE ? ORDER BY kafka_offset",
                String.class, run + "-q%")).containsExactly(run + "-q1", run + "-q3");
        assertThat(jdbc.queryForList("SELECT message FROM etl.dead_letters WHERE pipeline = 'page_views' "
                + "AND payload->>'valueText' LIKE ?", String.class, "%" + run + "-q%"))
                .containsExactly("quality suite page_views_suite: expect_column_values_to_match_regex(page) not met");
        assertThat(warnings.count() - before).as("the view of two hours, counted once").isEqualTo(1.0);
    }

    /** The windows of this run's pages: page, minute, views, total duration, corrections; by minute then page. */
    private List<List<Object>> windows(String run) {
        return jdbc.query("SELECT page, minute, views, total_duration_ms, corrections FROM analytics.page_views_per_minute "
                        + "WHERE page LIKE ? ORDER BY minute, page",
                (rs, i) -> List.<Object>of(rs.getString(1), rs.getTimestamp(2).toInstant().toString(), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5)), "/pv-" + run + "/%");
    }

    private static String view(String id, String page, String user, String referrer, int durationMs, Instant at) {
        return "{\"view_id\":\"" + id + "\",\"page\":\"" + page + "\",\"user_id\":" + (user == null ? "null" : "\"" + user + "\"")
                + (referrer == null ? "" : ",\"referrer\":\"" + referrer + "\"") + ",\"duration_ms\":" + durationMs
                + ",\"viewed_at\":\"" + at + "\"}";
    }

    private void send(String topic, List<String> records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.getStream().getBootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (String r : records) {
                producer.send(new ProducerRecord<>(topic, 0, "k", r)).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
