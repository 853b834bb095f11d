package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Order events read from their bytes by the declared schema of streams/orders-stream.yaml: edge cases against a table of literal events and reasons, and
 * the streaming read against the tree read (the same event, or the same reason).
 */
class RecordParserTest {

    private static final String VALID = "{\"event_id\":\"e-1\",\"order_id\":7,\"customer_id\":42,"
            + "\"product_category\":\"books\",\"total\":12.5,\"currency\":\"EUR\",\"event_time\":\"2026-11-25T10:15:30.123Z\"}";

    private final RecordParser parser = OrdersDeclaration.parser(new ObjectMapper());

    @Test
    void aValidEventInTheUsualFormIsReadWithEveryField() {
        RecordParser.Parsed parsed = parser.parse(bytes(VALID));

        assertThat(parsed.rejection()).isNull();
        assertThat(parsed.event()).isEqualTo(OrdersDeclaration.event("e-1", 7, 42, "books", new BigDecimal("12.50"), "EUR",
                Instant.parse("2026-11-25T10:15:30.123Z")));
    }

    /** A record and what the parser must make of it: the event written out, or the reason of its rejection. */
    private record Case(String record, StreamEvent event, String rejection) {
    }

    private static Case valid(String record, StreamEvent event) {
        return new Case(record, event, null);
    }

    private static Case rejected(String record, String reason) {
        return new Case(record, null, reason);
    }

    private static StreamEvent event(String id, String total, String time) {
        return OrdersDeclaration.event(id, 7, 42, "books", new BigDecimal(total), "EUR", Instant.parse(time));
    }

    @Test
    void edgeCasesGiveTheseEventsOrTheseReasons() {
        String time = "2026-11-25T10:15:30.123Z";
        List<Case> cases = List.of(
                valid(VALID, event("e-1", "12.50", time)),
                valid(VALID.replace("12.5", "12"), event("e-1", "12.00", time)),
                valid(VALID.replace("12.5", "12.300"), event("e-1", "12.30", time)),
                valid(VALID.replace("12.5", "1e2"), event("e-1", "100.00", time)),
                valid(VALID.replace("12.5", "9999999999.99"), event("e-1", "9999999999.99", time)),
                rejected(VALID.replace("12.5", "12.345"), "field total must fit numeric(12,2)"),
                rejected(VALID.replace("12.5", "12345678901.5"), "field total must fit numeric(12,2)"),
                rejected(VALID.replace("12.5", "\"12.5\""), "field total must be a number"),
                rejected(VALID.replace("12.5", "null"), "missing field total"),
                rejected(VALID.replace("\"order_id\":7", "\"order_id\":7.0"), "field order_id must be a whole number"),
                rejected(VALID.replace("\"order_id\":7", "\"order_id\":99999999999999999999"),
                        "field order_id must be a whole number"),
                rejected(VALID.replace("\"order_id\":7", "\"order_id\":\"7\""), "field order_id must be a whole number"),
                rejected(VALID.replace("\"order_id\":7,", ""), "missing field order_id"),
                rejected(VALID.replace("\"e-1\"", "\"  \""), "field event_id must be a non-empty string"),
                rejected(VALID.replace("\"e-1\"", "{\"nested\":1}"), "field event_id must be a non-empty string"),
                rejected(VALID.replace("\"e-1\"", "\"" + "x".repeat(201) + "\""), "field event_id is longer than 200 characters"),
                valid(VALID.replace("\"e-1\"", "\"" + "x".repeat(200) + "\""), event("x".repeat(200), "12.50", time)),
                rejected(VALID.replace("\"EUR\"", "42"), "field currency must be a non-empty string"),
                valid(VALID.replace("\"books\"", "\"b\\u00f6cher \\\"x\\\"\""),
                        OrdersDeclaration.event("e-1", 7, 42, "b\u00f6cher \"x\"", new BigDecimal("12.50"), "EUR", Instant.parse(time))),
                valid(VALID.replace(time, "2026-11-25T10:15:30Z"), event("e-1", "12.50", "2026-11-25T10:15:30Z")),
                valid(VALID.replace(time, "2026-11-25T10:15:30.123456789Z"), event("e-1", "12.50", "2026-11-25T10:15:30.123456789Z")),
                valid(VALID.replace(time, "2026-11-25T10:15:30+01:00"), event("e-1", "12.50", "2026-11-25T09:15:30Z")),
                rejected(VALID.replace(time, "2026-11-25 10:15:30Z"),
                        "field event_time must be an ISO-8601 UTC timestamp such as 2026-11-25T10:15:30Z"),
                rejected(VALID.replace(time, "2026-02-30T10:15:30Z"),
                        "field event_time must be an ISO-8601 UTC timestamp such as 2026-11-25T10:15:30Z"),
                rejected(VALID.replace(time, "2026-11-25T10:15:30"),
                        "field event_time must be an ISO-8601 UTC timestamp such as 2026-11-25T10:15:30Z"),
                rejected(VALID.replace("\"" + time + "\"", "1764065730"),
                        "field event_time must be an ISO-8601 UTC timestamp string"),
                rejected(VALID.replace(",\"event_time\":\"" + time + "\"", ""), "missing field event_time"),
                rejected(VALID.replace(time, "1899-12-31T23:59:59.999Z"),
                        "field event_time 1899-12-31T23:59:59.999Z is before 1900-01-01T00:00:00Z"),
                valid(VALID.replace(time, "1900-01-01T00:00:00Z"), event("e-1", "12.50", "1900-01-01T00:00:00Z")),
                // PostgreSQL's timestamptz would not hold it; a clock far ahead would move the watermark for good.
                rejected(VALID.replace(time, "+300000-01-01T00:00:00Z"), "field event_time +300000-01-01T00:00:00Z is more "
                        + "than PT5M (pipelines.stream.max-clock-skew) ahead of this service's clock"),
                rejected(VALID.replace(time, "2996-01-01T00:00:00Z"), "field event_time 2996-01-01T00:00:00Z is more "
                        + "than PT5M (pipelines.stream.max-clock-skew) ahead of this service's clock"),
                // Text PostgreSQL cannot store.
                rejected(VALID.replace("\"books\"", "\"bo\\u0000oks\""), "field product_category holds a NUL character "
                        + "(U+0000) at position 2, which the warehouse cannot store"),
                rejected(VALID.replace("\"e-1\"", "\"e\\ud800-1\""), "field event_id holds half of a surrogate pair "
                        + "(U+D800) at position 1, which the warehouse cannot store"),
                rejected(VALID.replace("\"EUR\"", "\"EU\\udc00\""), "field currency holds half of a surrogate pair "
                        + "(U+DC00) at position 2, which the warehouse cannot store"),
                valid(VALID.replace("\"books\"", "\"\\ud83d\\udcda books\""), OrdersDeclaration.event("e-1", 7, 42,
                        "\ud83d\udcda books", new BigDecimal("12.50"), "EUR", Instant.parse(time))),
                valid(VALID.replace("\"books\"", "\"a\\tb\\u0001\""), OrdersDeclaration.event("e-1", 7, 42,
                        "a\tb\u0001", new BigDecimal("12.50"), "EUR", Instant.parse(time))),
                valid(VALID.replace("}", ",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"more\":true}"), event("e-1", "12.50", time)),
                valid(VALID.replace("}", ",\"event_id\":\"e-2\"}"), event("e-2", "12.50", time)),
                rejected("{}", "missing field event_id"),
                rejected("[]", "not a JSON object"),
                rejected("[" + VALID + "]", "not a JSON object"),
                rejected("42", "not a JSON object"),
                rejected("\"text\"", "not a JSON object"),
                rejected("null", "not a JSON object"),
                rejected("not json", "not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, "
                        + "Object or token 'null', 'true' or 'false')"),
                rejected("{\"event_id\":", "not valid JSON: Unexpected end-of-input within/between Object entries"),
                rejected("", "empty record"));

        for (Case c : cases) {
            RecordParser.Parsed parsed = parser.parse(bytes(c.record()));
            assertThat(parsed).as(c.record()).isEqualTo(new RecordParser.Parsed(c.event(), c.rejection()));
        }
    }

    @Test
    void anEventTimeIsTakenUpToTheClockPlusTheSkewAllowed() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);
        RecordParser p = OrdersDeclaration.parser(new ObjectMapper(), clock);
        String time = "2026-11-25T10:15:30.123Z";

        assertThat(p.parse(bytes(VALID.replace(time, "2026-12-02T00:05:00Z"))).valid()).isTrue();
        assertThat(p.parse(bytes(VALID.replace(time, "2026-12-02T00:05:00.001Z"))).rejection()).isEqualTo("field "
                + "event_time 2026-12-02T00:05:00.001Z is more than PT5M (pipelines.stream.max-clock-skew) ahead of this "
                + "service's clock");
        MicroBatch parsed = p.parseBatch(new MicroBatch("orders_stream", "t", List.of(
                entry(0, VALID.replace(time, "2026-12-02T00:04:59Z")), entry(1, VALID.replace(time, "2026-12-03T00:00:00Z")))));
        assertThat(parsed.valid()).extracting(MicroBatch.Entry::offset).containsExactly(0L);
        assertThat(parsed.rejected()).singleElement().satisfies(e -> {
            assertThat(e.offset()).isEqualTo(1);
            assertThat(e.stage()).isEqualTo(MicroBatch.Stage.PARSE);
        });
    }

    private static MicroBatch.Entry entry(long offset, String value) {
        return new MicroBatch.Entry(new ConsumerRecord<>("t", 0, offset, null, bytes(value)), null, null);
    }

    @Test
    void everyRecordGetsTheSameEventOrTheSameReasonAsFromTheTree() {
        List<String> records = new ArrayList<>(List.of(
                VALID,
                VALID.replace("12.5", "12"),
                VALID.replace("12.5", "12.30"),
                VALID.replace("12.5", "12.300"),
                VALID.replace("12.5", "12.345"),
                VALID.replace("12.5", "1e2"),
                VALID.replace("12.5", "12345678901.5"),
                VALID.replace("12.5", "99999999999999999999999"),
                VALID.replace("12.5", "\"12.5\""),
                VALID.replace("12.5", "null"),
                VALID.replace("\"order_id\":7", "\"order_id\":7.0"),
                VALID.replace("\"order_id\":7", "\"order_id\":99999999999999999999"),
                VALID.replace("\"order_id\":7", "\"order_id\":\"7\""),
                VALID.replace("\"order_id\":7,", ""),
                VALID.replace("\"e-1\"", "\"  \""),
                VALID.replace("\"e-1\"", "\"" + "x".repeat(201) + "\""),
                VALID.replace("\"e-1\"", "\"" + "x".repeat(200) + "\""),
                VALID.replace("\"e-1\"", "{\"nested\":1}"),
                VALID.replace("\"e-1\"", "[\"e-1\"]"),
                VALID.replace("\"EUR\"", "42"),
                VALID.replace("\"books\"", "\"b\\u00f6cher \\\"x\\\"\""),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T10:15:30Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T10:15:30.123456789Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T10:15:30.Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T10:15:30.1234567890Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T10:15:30+01:00"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25 10:15:30Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-02-30T10:15:30Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T24:00:00Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "2026-11-25T23:59:60Z"),
                VALID.replace("2026-11-25T10:15:30.123Z", "+12026-11-25T10:15:30Z"),
                VALID.replace("\"2026-11-25T10:15:30.123Z\"", "1764065730"),
                VALID.replace("}", ",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"more\":true}"),
                VALID.replace("}", ",\"event_id\":\"e-2\"}"),
                VALID.replace("}", ",\"total\":3}"),
                VALID + " trailing",
                VALID + "{}",
                VALID.substring(0, VALID.length() - 1),
                VALID.replace("}", ",\"extra\":[1,}"),
                "{}", "[]", "[" + VALID + "]", "42", "\"text\"", "null", "   ", "not json", "{\"event_id\":"));
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 40_000_000_000L), random.nextInt(1_000_000_000));
            records.add(VALID.replace("2026-11-25T10:15:30.123Z", t.toString())
                    .replace("12.5", random.nextInt(100_000) / 100 + "." + random.nextInt(100)));
        }

        for (ObjectMapper mapper : List.of(new ObjectMapper(),
                new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS),
                new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS))) {
            RecordParser p = OrdersDeclaration.parser(mapper);
            for (String record : records) {
                assertThat(p.parse(bytes(record))).as(record).isEqualTo(p.parseTree(bytes(record)));
            }
        }
        assertThat(parser.parse(null)).isEqualTo(parser.parseTree(null));
        assertThat(parser.parse(new byte[0]).rejection()).isEqualTo("empty record");
        assertThat(parser.parse(new byte[] {(byte) 0xff, (byte) 0xfe}).valid()).isFalse();
    }

    @Test
    void aTimestampInTheUsualFormIsTheInstantThatInstantParseGives() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1000;
                        default -> random.nextInt(1_000_000_000);
                    });
            assertThat(UtcTimestamps.parse(t.toString())).as(t.toString()).isEqualTo(t);
        }
        assertThat(UtcTimestamps.parse("2026-11-25T10:15:30.5Z")).isEqualTo(Instant.parse("2026-11-25T10:15:30.5Z"));
        assertThat(UtcTimestamps.parse("2026-11-25T10:15:30+00:00")).isNull();
        assertThat(UtcTimestamps.parse("2026-13-25T10:15:30Z")).isNull();
        assertThat(UtcTimestamps.parse("2026-11-25T10:15:3xZ")).isNull();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
