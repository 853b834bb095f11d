package io.pipelines.stream;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.stream.StreamDeclaration.Field;
import io.pipelines.stream.StreamDeclaration.FieldType;

/**
 * Turns a record's bytes into a {@link StreamEvent} of a declared record schema, or says why it
 * cannot: not a JSON object, a required field missing, a field of the wrong type or beyond its
 * limits; text the warehouse cannot store (a NUL character, half of a surrogate pair); a timestamp
 * before 1900 or after 9999, or an event time later than the clock plus max-clock-skew (one event
 * from a producer whose clock is far ahead would otherwise move its partition's watermark for good,
 * and every later event of that partition would be late). Fields not declared are ignored. The
 * reason goes with the record to the dead letters.
 */
public final class RecordParser {

    /** The result: an event, or the reason there is none. */
    public record Parsed(StreamEvent event, String rejection) {
        public boolean valid() {
            return event != null;
        }
    }

    /** The earliest timestamp taken. */
    static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    /** The latest timestamp taken in a field that is not the event time. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    /** The streaming pass tracks the fields seen in a long. */
    private static final int MAX_FAST_FIELDS = 64;

    private final StreamDeclaration.RecordSchema schema;
    private final List<Field> fields;
    private final Map<String, Integer> positions;
    private final long requiredMask;
    private final ObjectMapper json;
    private final Duration maxClockSkew;
    private final Clock clock;

    public RecordParser(StreamDeclaration.RecordSchema schema, ObjectMapper json, Duration maxClockSkew, Clock clock) {
        this.schema = schema;
        this.fields = schema.fields();
        this.positions = schema.positions();
        long mask = 0;
        for (int i = 0; i < fields.size() && i < MAX_FAST_FIELDS; i++) {
            if (fields.get(i).required()) {
                mask |= 1L << i;
            }
        }
        this.requiredMask = mask;
        this.json = json;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    /** The same records, each with its event or its rejection (event times checked against one reading of the clock). */
    public MicroBatch parseBatch(MicroBatch batch) {
        Instant latest = latest();
        return batch.with(batch.entries().stream().map(e -> {
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
     * tree, which gives the same event or the reason.
     */
    public Parsed parse(byte[] value) {
        return parse(value, latest());
    }

    private Parsed parse(byte[] value, Instant latest) {
        StreamEvent fast = value == null || value.length == 0 || fields.size() > MAX_FAST_FIELDS ? null : fastPath(value);
        return fast != null && inRange(fast.eventTime(), latest) ? new Parsed(fast, null) : parseTree(value, latest);
    }

    private static boolean inRange(Instant time, Instant latest) {
        return !time.isBefore(EARLIEST) && !time.isAfter(latest);
    }

    /** The event when the record is a valid one in the usual form; null otherwise (then the tree decides). */
    private StreamEvent fastPath(byte[] value) {
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Object[] values = new Object[fields.size()];
            long seen = 0;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                Integer position = positions.get(p.currentName());
                JsonToken v = p.nextToken();
                if (position == null) {
                    p.skipChildren();
                    continue;
                }
                long bit = 1L << position;
                if ((seen & bit) != 0 || v.isStructStart()) {
                    return null; // given twice (the tree keeps the last one), or not a plain value
                }
                seen |= bit;
                if (v == JsonToken.VALUE_NULL) {
                    if (fields.get(position).required()) {
                        return null;
                    }
                    continue;
                }
                Object read = fastValue(fields.get(position), p, v);
                if (read == null) {
                    return null;
                }
                values[position] = read;
            }
            if (p.currentToken() != JsonToken.END_OBJECT || (seen & requiredMask) != requiredMask) {
                return null;
            }
            if (json.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) && p.nextToken() != null) {
                return null;
            }
            return new StreamEvent(schema, values);
        } catch (IOException | RuntimeException e) {
            return null; // the tree says what is wrong
        }
    }

    /** A value in its usual form and within its limits; null for anything else (the tree decides). */
    private Object fastValue(Field f, JsonParser p, JsonToken v) throws IOException {
        switch (f.type()) {
            case TEXT -> {
                if (v != JsonToken.VALUE_STRING) {
                    return null;
                }
                String text = p.getText();
                return f.required() && text.isBlank() || text.length() > f.maxLength() || unstorable(text) != null ? null : text;
            }
            case BIGINT, INTEGER -> {
                if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return null;
                }
                long n = p.getLongValue();
                if (f.type() == FieldType.INTEGER && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)
                        || (f.min() != null || f.max() != null) && !within(f, BigDecimal.valueOf(n))) {
                    return null;
                }
                return f.type() == FieldType.INTEGER ? (Object) (int) n : (Object) n;
            }
            case NUMERIC -> {
                BigDecimal number;
                if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    number = BigDecimal.valueOf(p.getLongValue());
                } else if (v == JsonToken.VALUE_NUMBER_FLOAT && !json.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)) {
                    // As the tree reads it: a double, unless the mapper reads fractions as BigDecimal.
                    number = BigDecimal.valueOf(p.getDoubleValue());
                } else {
                    return null;
                }
                return fits(f, number) && within(f, number) ? number.setScale(f.scale()) : null;
            }
            case BOOLEAN -> {
                return v == JsonToken.VALUE_TRUE ? Boolean.TRUE : v == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            }
            case TIMESTAMPTZ -> {
                Instant time = v == JsonToken.VALUE_STRING ? UtcTimestamps.parse(p.getText()) : null;
                return time == null || time.isBefore(EARLIEST) || time.isAfter(LATEST) ? null : time;
            }
            default -> {
                return null;
            }
        }
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
            Object[] values = new Object[fields.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(fields.get(i), node.get(fields.get(i).name()), i == schema.eventTimeIndex());
            }
            StreamEvent event = new StreamEvent(schema, values);
            Instant eventTime = event.eventTime();
            String name = schema.eventTime().name();
            if (eventTime.isAfter(latest)) {
                return rejected("field " + name + " " + eventTime + " is more than " + maxClockSkew
                        + " (pipelines.stream.max-clock-skew) ahead of this service's clock");
            }
            return new Parsed(event, null);
        } catch (IllegalArgumentException e) {
            return rejected(e.getMessage());
        }
    }

    private static Parsed rejected(String reason) {
        return new Parsed(null, reason);
    }

    /**
     * The value of a field from its JSON node (null or missing: null when optional), or why it cannot be.
     * The event time is checked against the clock by the caller.
     */
    private static Object value(Field f, JsonNode value, boolean eventTime) {
        String field = f.name();
        if (value == null || value.isNull()) {
            if (f.required()) {
                throw new IllegalArgumentException("missing field " + field);
            }
            return null;
        }
        return switch (f.type()) {
            case TEXT -> text(f, value);
            case BIGINT, INTEGER -> {
                if (!value.isIntegralNumber() || !(f.type() == FieldType.BIGINT ? value.canConvertToLong() : value.canConvertToInt())) {
                    throw new IllegalArgumentException("field " + field + " must be a whole number"
                            + (f.type() == FieldType.INTEGER && value.isIntegralNumber() ? " that fits integer" : ""));
                }
                BigDecimal number = value.decimalValue();
                limits(f, number);
                yield f.type() == FieldType.BIGINT ? (Object) value.asLong() : (Object) value.asInt();
            }
            case NUMERIC -> {
                if (!value.isNumber()) {
                    throw new IllegalArgumentException("field " + field + " must be a number");
                }
                BigDecimal number = value.decimalValue();
                if (!fits(f, number)) {
                    throw new IllegalArgumentException("field " + field + " must fit " + f.typeName());
                }
                limits(f, number);
                yield number.setScale(f.scale());
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException("field " + field + " must be true or false");
                }
                yield value.asBoolean();
            }
            case TIMESTAMPTZ -> instant(field, value, !eventTime);
        };
    }

    private static String text(Field f, JsonNode value) {
        String field = f.name();
        if (!value.isTextual() || f.required() && value.asText().isBlank()) {
            throw new IllegalArgumentException("field " + field + " must be a " + (f.required() ? "non-empty " : "") + "string");
        }
        String text = value.asText();
        if (text.length() > f.maxLength()) {
            throw new IllegalArgumentException("field " + field + " is longer than " + f.maxLength() + " characters");
        }
        String unstorable = unstorable(text);
        if (unstorable != null) {
            throw new IllegalArgumentException("field " + field + " holds " + unstorable + ", which the warehouse cannot store");
        }
        return text;
    }

    /** Whether a number fits the field's numeric(p,s) without rounding. */
    private static boolean fits(Field f, BigDecimal number) {
        return number.scale() <= f.scale() && number.precision() - number.scale() <= f.precision() - f.scale();
    }

    private static boolean within(Field f, BigDecimal number) {
        return (f.min() == null || number.compareTo(f.min()) >= 0) && (f.max() == null || number.compareTo(f.max()) <= 0);
    }

    private static void limits(Field f, BigDecimal number) {
        if (f.min() != null && number.compareTo(f.min()) < 0) {
            throw new IllegalArgumentException("field " + f.name() + " " + number.toPlainString() + " is below its min "
                    + f.min().toPlainString());
        }
        if (f.max() != null && number.compareTo(f.max()) > 0) {
            throw new IllegalArgumentException("field " + f.name() + " " + number.toPlainString() + " is above its max "
                    + f.max().toPlainString());
        }
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

    /** A timestamp from 1900 on; up to 9999 when {@code bounded} (the event time is bounded by the clock instead). */
    private static Instant instant(String field, JsonNode value, boolean bounded) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 UTC timestamp string");
        }
        Instant time;
        try {
            time = Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 UTC timestamp such as 2026-11-25T10:15:30Z");
        }
        if (time.isBefore(EARLIEST)) {
            throw new IllegalArgumentException("field " + field + " " + time + " is before " + EARLIEST);
        }
        if (bounded && time.isAfter(LATEST)) {
            throw new IllegalArgumentException("field " + field + " " + time + " is after " + LATEST);
        }
        return time;
    }
}
