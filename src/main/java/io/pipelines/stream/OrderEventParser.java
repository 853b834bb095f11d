package io.pipelines.stream;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a record's bytes into an {@link OrderEvent}, or says why it cannot: not JSON, a required
 * field missing, or a field of the wrong type. The reason goes with the record to the dead letter topic.
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

    private final ObjectMapper json;

    public OrderEventParser(ObjectMapper json) {
        this.json = json;
    }

    /** The same records, each with its event or its rejection. */
    public MicroBatch parseBatch(MicroBatch batch) {
        return new MicroBatch(batch.topic(), batch.entries().stream().map(e -> {
            Parsed parsed = parse(e.record().value());
            return new MicroBatch.Entry(e.record(), parsed.event(), parsed.rejection());
        }).toList());
    }

    public Parsed parse(byte[] value) {
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
        return value.asText();
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
