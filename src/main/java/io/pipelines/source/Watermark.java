package io.pipelines.source;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A source's high-water mark: the cursor value and the key values of the last row loaded, as text.
 * Rows are read in (cursor, key...) order, and a run takes only the rows after the mark in that
 * order: rows that share a cursor value are told apart by their key, so none is skipped or taken
 * twice when a run ends among them.
 */
public record Watermark(String cursor, List<String> key) {

    /** The text kept for a value read from the source or the lake. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return value.toString();
    }

    /** The mark of a row: its cursor and key values. */
    public static Watermark of(Object cursor, List<Object> key) {
        List<String> texts = new ArrayList<>();
        key.forEach(k -> texts.add(text(k)));
        return new Watermark(text(cursor), texts);
    }

    /** A kept text back as a value of the column's staging type, to bind to a query or compare. */
    public static Comparable<?> typed(String text, String type) {
        if (text == null) {
            return null;
        }
        return switch (type) {
            case "integer", "bigint" -> Long.parseLong(text);
            case "numeric", "real", "double precision" -> new BigDecimal(text);
            case "date" -> LocalDate.parse(text);
            case "timestamp" -> LocalDateTime.parse(text);
            case "timestamptz" -> OffsetDateTime.ofInstant(Instant.parse(text), ZoneOffset.UTC);
            case "boolean" -> Boolean.parseBoolean(text);
            default -> text;
        };
    }

    /**
     * Compares two marks in (cursor, key...) order, each value by its column's type; two texts that are
     * both ISO 8601 timestamps with an offset as instants (an HTTP source's text column of timestamps
     * written with different offsets).
     */
    public static int compare(Watermark a, Watermark b, String cursorType, List<String> keyTypes) {
        int c = compare(a.cursor(), b.cursor(), cursorType);
        for (int i = 0; c == 0 && i < keyTypes.size(); i++) {
            c = compare(a.key().get(i), b.key().get(i), keyTypes.get(i));
        }
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(String a, String b, String type) {
        if ("text".equals(type)) {
            OffsetDateTime x = FieldTypes.timestamp(a);
            OffsetDateTime y = x == null ? null : FieldTypes.timestamp(b);
            if (y != null) {
                return x.toInstant().compareTo(y.toInstant());
            }
        }
        return ((Comparable) typed(a, type)).compareTo(typed(b, type));
    }
}
