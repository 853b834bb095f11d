package io.pipelines.stream;

import java.time.Instant;
import java.util.Arrays;

/**
 * One event of a stream, as parsed and checked from its record: a value per declared field, in the
 * declaration's order (null for an optional field not given). Text is a String, bigint a Long,
 * integer an Integer, numeric a BigDecimal of the field's scale, boolean a Boolean, timestamptz an Instant.
 */
public final class StreamEvent {

    private final StreamDeclaration.RecordSchema schema;
    private final Object[] values;

    public StreamEvent(StreamDeclaration.RecordSchema schema, Object... values) {
        if (values.length != schema.fields().size()) {
            throw new IllegalArgumentException(values.length + " values for " + schema.fields().size() + " fields");
        }
        this.schema = schema;
        this.values = values;
    }

    /** The event's identity (its key field). */
    public String key() {
        return (String) values[schema.keyIndex()];
    }

    public Instant eventTime() {
        return (Instant) values[schema.eventTimeIndex()];
    }

    /** The value of the field at this position of the declaration. */
    public Object get(int position) {
        return values[position];
    }

    public Object get(String field) {
        return values[schema.position(field)];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamEvent e && e.schema.equals(schema) && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(schema.fields().get(i).name()).append('=').append(values[i]);
        }
        return s.append('}').toString();
    }
}
