package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The streaming read of order events gives exactly what the tree read gives: the same event, or the same reason. */
class OrderEventParserTest {

    private static final String VALID = "{\"event_id\":\"e-1\",\"order_id\":7,\"customer_id\":42,"
            + "\"product_category\":\"books\",\"total\":12.5,\"currency\":\"EUR\",\"event_time\":\"2026-11-25T10:15:30.123Z\"}";

    private final OrderEventParser parser = new OrderEventParser(new ObjectMapper());

    @Test
    void aValidEventInTheUsualFormIsReadWithEveryField() {
        OrderEventParser.Parsed parsed = parser.parse(bytes(VALID));

        assertThat(parsed.rejection()).isNull();
        assertThat(parsed.event()).isEqualTo(new OrderEvent("e-1", 7, 42, "books", new BigDecimal("12.50"), "EUR",
                Instant.parse("2026-11-25T10:15:30.123Z")));
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
            OrderEventParser p = new OrderEventParser(mapper);
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
