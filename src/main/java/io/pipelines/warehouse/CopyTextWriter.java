package io.pipelines.warehouse;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import org.postgresql.copy.CopyIn;

/**
 * Streams rows into a PostgreSQL {@code COPY ... FROM STDIN} in its text format, a buffer at a time:
 * no row is a round trip of its own.
 */
final class CopyTextWriter {

    private static final int FLUSH_AT = 256 * 1024;

    private final CopyIn copy;
    private final StringBuilder buffer = new StringBuilder(FLUSH_AT + 4096);

    CopyTextWriter(CopyIn copy) {
        this.copy = copy;
    }

    /** Appends one field; {@code last} ends the row. */
    void field(Object value, boolean last) throws SQLException {
        if (value == null) {
            buffer.append("\\N");
        } else if (value instanceof BigDecimal d) {
            buffer.append(d.toPlainString());
        } else if (value instanceof Boolean b) {
            buffer.append(b ? 't' : 'f');
        } else if (value instanceof Number || value instanceof java.time.temporal.Temporal) {
            buffer.append(value);
        } else {
            escape(value.toString());
        }
        buffer.append(last ? '\n' : '\t');
        if (last && buffer.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** Sends what is buffered and ends the copy; returns the rows the server took. */
    long finish() throws SQLException {
        flush();
        return copy.endCopy();
    }

    private void flush() throws SQLException {
        if (buffer.length() > 0) {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }
    }

    private void escape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
    }
}
