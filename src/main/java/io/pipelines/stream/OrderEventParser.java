package io.pipelines.stream;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * Turns a record's bytes into an {@link OrderEvent}, or says why it cannot: not JSON, a required
 * field missing, or a field of the wrong type; text the warehouse cannot store (a NUL character, half
 * of a surrogate pair); an event time before 1900 or later than the clock plus max-clock-skew (one
 * event from a producer whose clock is far ahead would otherwise move its partition's watermark for
 * good, and every later event of that partition would be late). The reason goes with the record to
 * the dead letter topic.
 */
@Component
public class OrderEventParser {

    /** The result: an event, or the reason there is none. */
    public record Parsed(OrderEvent event, String rejection) {
        public boolean valid() {
            return event != null;
        }
    }

    private static final int MAX_TEXT = 200;
    /** The earliest event time taken. */
    static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");

    private final ObjectMapper json;
    private final Duration maxClockSkew;
    private final Clock clock;

    @Autowired
    public OrderEventParser(ObjectMapper json, PipelinesProperties properties) {
        this(json, properties.getStream().getMaxClockSkew(), Clock.systemUTC());
    }

    /** With the default skew (5 minutes) and the system clock. */
    public OrderEventParser(ObjectMapper json) {
        this(json, new PipelinesProperties.Stream().getMaxClockSkew(), Clock.systemUTC());
    }

    public OrderEventParser(ObjectMapper json, Duration maxClockSkew, Clock clock) {
        this.json = json;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    /** The same records, each with its event or its rejection (event times checked against one reading of the clock). */
    public MicroBatch parseBatch(MicroBatch batch) {
        Instant latest = latest();
        return new MicroBatch(batch.topic(), batch.entries().stream().map(e -> {
            Parsed parsed = parse(e.record().value(), latest);
            return new MicroBatch.Entry(e.record(), parsed.event(), parsed.rejection());
        }).toList());
    }

    /** The latest event time taken now. */
    private Instant latest() {
        return clock.instant().plus(maxClockSkew);
    }

    /**
     * The event of a record, or why there is none. A well-formed event is read by a streaming pass
     * that builds no tree; anything else (a rejection, or a form that pass does not take: a field
     * given twice, a nested value, a number or timestamp outside the usual forms) is read again as a
     * tree, which gives the same event or the reason, as it always did.
     */
    public Parsed parse(byte[] value) {
        return parse(value, latest());
    }

    private Parsed parse(byte[] value, Instant latest) {
        OrderEvent fast = value == null || value.length == 0 ? null : fastPath(value);
        return fast != null && inRange(fast.eventTime(), latest) ? new Parsed(fast, null) : parseTree(value, latest);
    }

    private static boolean inRange(Instant time, Instant latest) {
        return !time.isBefore(EARLIEST) && !time.isAfter(latest);
    }

    /** The event when the record is a valid one in the usual form; null otherwise (then the tree decides). */
    private OrderEvent fastPath(byte[] value) {
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String eventId = null;
            String category = null;
            String currency = null;
            String eventTime = null;
            long orderId = 0;
            long customerId = 0;
            BigDecimal total = null;
            int seen = 0;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                int bit = switch (field) {
                    case "event_id" -> 1;
                    case "order_id" -> 2;
                    case "customer_id" -> 4;
                    case "product_category" -> 8;
                    case "total" -> 16;
                    case "currency" -> 32;
                    case "event_time" -> 64;
                    default -> 0;
                };
                if (bit == 0) {
                    p.skipChildren();
                    continue;
                }
                if ((seen & bit) != 0 || v.isStructStart()) {
                    return null; // given twice (the tree keeps the last one), or not a plain value
                }
                seen |= bit;
                switch (bit) {
                    case 1 -> eventId = fastText(p, v);
                    case 2 -> orderId = fastWhole(p, v);
                    case 4 -> customerId = fastWhole(p, v);
                    case 8 -> category = fastText(p, v);
                    case 16 -> total = fastDecimal(p, v);
                    case 32 -> currency = fastText(p, v);
                    default -> eventTime = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || seen != 127 || eventId == null || category == null
                    || currency == null || total == null || eventTime == null) {
                return null;
            }
            if (json.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) && p.nextToken() != null) {
                return null;
            }
            Instant time = UtcTimestamps.parse(eventTime);
            return time == null ? null : new OrderEvent(eventId, orderId, customerId, category, total, currency, time);
        } catch (IOException | RuntimeException e) {
            return null; // the tree says what is wrong
        }
    }

    private static String fastText(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            return null;
        }
        String text = p.getText();
        return text.isBlank() || text.length() > MAX_TEXT || unstorable(text) != null ? null : text;
    }

    /** A whole number that fits a long; otherwise an exception, and the tree decides. */
    private static long fastWhole(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new IllegalArgumentException("not a plain whole number");
        }
        return p.getLongValue();
    }

    /** As the tree reads it (a double for a fraction, unless the mapper reads fractions as BigDecimal). */
    private BigDecimal fastDecimal(JsonParser p, JsonToken v) throws IOException {
        BigDecimal number;
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            number = BigDecimal.valueOf(p.getLongValue());
        } else if (v == JsonToken.VALUE_NUMBER_FLOAT && !json.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)) {
            number = BigDecimal.valueOf(p.getDoubleValue());
        } else {
            return null;
        }
        return number.scale() > 2 || number.precision() - number.scale() > 10 ? null : number.setScale(2);
    }

    /** The tree reading of a record: the reference for what is valid and for the reason of a rejection. */
    Parsed parseTree(byte[] value) {
        return parseTree(value, latest());
    }

    private Parsed parseTree(byte[] value, Instant latest) {
        if (value == null || value.length == 0) {
            return rejected("empty record");
        }
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (IOException e) {
            return rejected("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            return rejected("not a JSON object");
        }
        try {
            String eventId = text(node, "event_id");
            long orderId = whole(node, "order_id");
            long customerId = whole(node, "customer_id");
            String category = text(node, "product_category");
            BigDecimal total = decimal(node, "total");
            String currency = text(node, "currency");
            Instant eventTime = instant(node, "event_time");
            if (eventTime.isBefore(EARLIEST)) {
                return rejected("field event_time " + eventTime + " is before " + EARLIEST);
            }
            if (eventTime.isAfter(latest)) {
                return rejected("field event_time " + eventTime + " is more than " + maxClockSkew
                        + " (pipelines.stream.max-clock-skew) ahead of this service's clock");
            }
            return new Parsed(new OrderEvent(eventId, orderId, customerId, category, total, currency, eventTime), null);
        } catch (IllegalArgumentException e) {
            return rejected(e.getMessage());
        }
    }

    private static Parsed rejected(String reason) {
        return new Parsed(null, reason);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field " + field + " must be a non-empty string");
        }
        if (value.asText().length() > MAX_TEXT) {
            throw new IllegalArgumentException("field " + field + " is longer than " + MAX_TEXT + " characters");
        }
        String unstorable = unstorable(value.asText());
        if (unstorable != null) {
            throw new IllegalArgumentException("field " + field + " holds " + unstorable + ", which the warehouse cannot store");
        }
        return value.asText();
    }

    /**
     * What in the text PostgreSQL cannot store, or null: a NUL character (text refuses it) or half of
     * a surrogate pair (not a character; its UTF-8 bytes would be invalid).
     */
    static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "a NUL character (U+0000) at position " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("half of a surrogate pair (U+%04X) at position %d", (int) c, i);
            }
        }
        return null;
    }

    private static long whole(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field " + field + " must be a whole number");
        }
        return value.asLong();
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException("field " + field + " must be a number");
        }
        BigDecimal number = value.decimalValue();
        if (number.scale() > 2 || number.precision() - number.scale() > 10) {
            throw new IllegalArgumentException("field " + field + " must fit numeric(12,2)");
        }
        return number.setScale(2);
    }

    private static Instant instant(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 UTC timestamp string");
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 UTC timestamp such as 2026-11-25T10:15:30Z");
        }
    }
}
