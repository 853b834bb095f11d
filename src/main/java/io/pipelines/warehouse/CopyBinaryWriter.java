package io.pipelines.warehouse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.postgresql.copy.CopyIn;

import io.pipelines.lake.AvroFields;

/**
 * Streams rows into a PostgreSQL {@code COPY ... FROM STDIN (FORMAT binary)}, a buffer at a time:
 * each field as the server stores it (integers and floats big-endian, numeric in base-10000 digits,
 * dates and timestamps counted from 2000-01-01, text in UTF-8), so neither side formats or parses
 * text. An encoder is chosen per column from the value's type and the column's; a column whose
 * pair is not known here makes the caller use the text format instead.
 */
final class CopyBinaryWriter {

    /** Writes one non-null value of a column. */
    interface Encoder {
        void put(Object value, CopyBinaryWriter out);
    }

    private static final int FLUSH_AT = 256 * 1024;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
    private static final long POSTGRES_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long POSTGRES_EPOCH_SECOND = POSTGRES_EPOCH_DAY * 86_400;
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1000};
    /** Unscaled values below this are encoded with long arithmetic (times up to 1000 still fits a long). */
    private static final long LONG_DECIMAL_LIMIT = 1_000_000_000_000_000L / 1000;

    private final CopyIn copy;
    private final Encoder[] encoders;
    private byte[] buffer = new byte[FLUSH_AT + 64 * 1024];
    private int length;

    CopyBinaryWriter(CopyIn copy, List<Encoder> encoders) {
        this.copy = copy;
        this.encoders = encoders.toArray(Encoder[]::new);
        put(HEADER);
    }

    /** The encoder of a value given on every row (logical date, run id, lake key) for a column of {@code type}. */
    static Encoder forValue(Object value, String type) {
        if (value instanceof String && ("text".equals(type) || "varchar".equals(type))) {
            return CopyBinaryWriter::text;
        }
        if (value instanceof LocalDate && "date".equals(type)) {
            return CopyBinaryWriter::date;
        }
        if ((value instanceof Long || value instanceof Integer) && "int8".equals(type)) {
            return CopyBinaryWriter::int8;
        }
        return null;
    }

    /** The encoder of a record field's values (of Avro type {@code schema}) for a column of {@code type}. */
    static Encoder forField(Schema schema, String type) {
        if (type == null) {
            return null;
        }
        Schema value = AvroFields.valueType(schema);
        LogicalType logical = value.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal) {
            return type.equals("numeric") ? CopyBinaryWriter::numeric : null;
        }
        if (logical instanceof LogicalTypes.Date) {
            return type.equals("date") ? CopyBinaryWriter::date : null;
        }
        if (logical instanceof LogicalTypes.TimestampMicros) {
            return type.equals("timestamptz") ? CopyBinaryWriter::instant : null;
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros) {
            return type.equals("timestamp") ? CopyBinaryWriter::localTimestamp : null;
        }
        if (logical != null) {
            return null;
        }
        return switch (value.getType()) {
            case LONG -> type.equals("int8") ? CopyBinaryWriter::int8 : null;
            case INT -> switch (type) {
                case "int4" -> CopyBinaryWriter::int4;
                case "int8" -> CopyBinaryWriter::int8;
                default -> null;
            };
            case FLOAT -> type.equals("float4") ? CopyBinaryWriter::float4 : null;
            case DOUBLE -> type.equals("float8") ? CopyBinaryWriter::float8 : null;
            case BOOLEAN -> type.equals("bool") ? CopyBinaryWriter::bool : null;
            case STRING -> type.equals("text") || type.equals("varchar") ? CopyBinaryWriter::text : null;
            default -> null;
        };
    }

    void row(Object[] leading, GenericRecord record, int width) throws SQLException {
        putShort(leading.length + width);
        for (int i = 0; i < leading.length; i++) {
            field(i, leading[i]);
        }
        for (int i = 0; i < width; i++) {
            field(leading.length + i, record.get(i));
        }
        if (length >= FLUSH_AT) {
            flush();
        }
    }

    /** Sends the trailer and what is buffered, ends the copy; returns the rows the server took. */
    long finish() throws SQLException {
        putShort(-1);
        flush();
        return copy.endCopy();
    }

    private void field(int column, Object value) {
        if (value == null) {
            putInt(-1);
        } else {
            encoders[column].put(value, this);
        }
    }

    private void flush() throws SQLException {
        if (length > 0) {
            copy.writeToCopy(buffer, 0, length);
            length = 0;
        }
    }

    // --- encoders: each writes the field's length, then its bytes

    private static void int8(Object value, CopyBinaryWriter out) {
        out.putInt(8);
        out.putLong(((Number) value).longValue());
    }

    private static void int4(Object value, CopyBinaryWriter out) {
        out.putInt(4);
        out.putInt(((Number) value).intValue());
    }

    private static void float4(Object value, CopyBinaryWriter out) {
        out.putInt(4);
        out.putInt(Float.floatToIntBits(((Number) value).floatValue()));
    }

    private static void float8(Object value, CopyBinaryWriter out) {
        out.putInt(8);
        out.putLong(Double.doubleToLongBits(((Number) value).doubleValue()));
    }

    private static void bool(Object value, CopyBinaryWriter out) {
        out.putInt(1);
        out.ensure(1);
        out.buffer[out.length++] = (byte) (((Boolean) value) ? 1 : 0);
    }

    private static void text(Object value, CopyBinaryWriter out) {
        byte[] bytes;
        int n;
        if (value instanceof Utf8 utf8) {
            bytes = utf8.getBytes();
            n = utf8.getByteLength();
        } else {
            bytes = value.toString().getBytes(StandardCharsets.UTF_8);
            n = bytes.length;
        }
        out.putInt(n);
        out.ensure(n);
        System.arraycopy(bytes, 0, out.buffer, out.length, n);
        out.length += n;
    }

    private static void date(Object value, CopyBinaryWriter out) {
        out.putInt(4);
        out.putInt(Math.toIntExact(((LocalDate) value).toEpochDay() - POSTGRES_EPOCH_DAY));
    }

    private static void instant(Object value, CopyBinaryWriter out) {
        Instant t = (Instant) value;
        out.putInt(8);
        out.putLong(Math.addExact(Math.multiplyExact(t.getEpochSecond() - POSTGRES_EPOCH_SECOND, 1_000_000L), t.getNano() / 1000));
    }

    private static void localTimestamp(Object value, CopyBinaryWriter out) {
        instant(((LocalDateTime) value).toInstant(ZoneOffset.UTC), out);
    }

    /**
     * numeric: ndigits, weight (of the first digit, in powers of 10,000), sign, display scale, then
     * the base-10,000 digits, most significant first, without leading or trailing zero digits.
     */
    static void numeric(Object value, CopyBinaryWriter out) {
        BigDecimal d = (BigDecimal) value;
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        int scale = d.scale();
        BigInteger unscaled = d.unscaledValue();
        int sign = unscaled.signum();
        // Align the scale to whole base-10,000 digits.
        int pad = (4 - scale % 4) % 4;
        short[] digits;
        int count;
        if (unscaled.bitLength() < 63 && Math.abs(unscaled.longValue()) < LONG_DECIMAL_LIMIT) {
            long x = Math.abs(unscaled.longValue()) * POWERS_OF_TEN[pad];
            digits = new short[6];
            count = 0;
            while (x != 0) {
                digits[count++] = (short) (x % 10_000);
                x /= 10_000;
            }
        } else {
            BigInteger x = unscaled.abs().multiply(BigInteger.valueOf(POWERS_OF_TEN[pad]));
            BigInteger base = BigInteger.valueOf(10_000);
            digits = new short[x.toString().length() / 4 + 2];
            count = 0;
            while (x.signum() != 0) {
                BigInteger[] qr = x.divideAndRemainder(base);
                digits[count++] = qr[1].shortValue();
                x = qr[0];
            }
        }
        // digits[0] is the least significant; drop the trailing (least significant) zero digits.
        int low = 0;
        while (low < count && digits[low] == 0) {
            low++;
        }
        int ndigits = count - low;
        int weight = ndigits == 0 ? 0 : count - 1 - (scale + pad) / 4;
        out.putInt(8 + 2 * ndigits);
        out.putShort(ndigits);
        out.putShort(weight);
        out.putShort(sign < 0 ? 0x4000 : 0);
        out.putShort(scale);
        for (int i = count - 1; i >= low; i--) {
            out.putShort(digits[i]);
        }
    }

    // --- big-endian buffer

    private void ensure(int n) {
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void putShort(int v) {
        ensure(2);
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        buffer[length++] = (byte) (v >>> 24);
        buffer[length++] = (byte) (v >>> 16);
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
