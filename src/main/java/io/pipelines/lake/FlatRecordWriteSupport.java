package io.pipelines.lake;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.AvroTypeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Avro's Parquet write support for flat records of scalar fields, nullable (what the extracts land) or
 * required (what the streams land),
 * writing each value straight to its column through a writer chosen once per field, instead of
 * looking the field's type, union branch and logical-type conversion up for every value. The
 * files are the same as {@link AvroWriteSupport} writes (same Parquet schema, values and footer,
 * Avro schema included); records of any other schema are not given to this class
 * ({@link #supports(Schema)}).
 */
final class FlatRecordWriteSupport extends AvroWriteSupport<GenericRecord> {

    @FunctionalInterface
    private interface ValueWriter {
        void write(RecordConsumer out, Object value);
    }

    private final List<String> names = new ArrayList<>();
    private final List<ValueWriter> writers = new ArrayList<>();
    private final List<Boolean> required = new ArrayList<>();
    private RecordConsumer consumer;

    FlatRecordWriteSupport(MessageType parquetSchema, Schema schema, GenericData model) {
        super(parquetSchema, schema, model);
        for (Schema.Field f : schema.getFields()) {
            names.add(f.name());
            writers.add(writer(AvroFields.valueType(f.schema())));
            required.add(f.schema().getType() != Schema.Type.UNION);
        }
    }

    /**
     * Whether every field is a scalar this class writes, required or nullable (a union of null and the
     * scalar); else Avro's own write support is used.
     */
    static boolean supports(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            return false;
        }
        for (Schema.Field f : schema.getFields()) {
            Schema s = f.schema();
            boolean nullable = s.getType() == Schema.Type.UNION && s.getTypes().size() == 2
                    && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
            if (s.getType() == Schema.Type.UNION && !nullable || writer(AvroFields.valueType(s)) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        super.prepareForWrite(recordConsumer);
        this.consumer = recordConsumer;
    }

    @Override
    public void write(GenericRecord record) {
        writeFlat(record);
    }

    @Override
    public void write(IndexedRecord record) {
        writeFlat(record);
    }

    private void writeFlat(IndexedRecord record) {
        consumer.startMessage();
        for (int i = 0; i < writers.size(); i++) {
            Object value = record.get(i);
            if (value == null && required.get(i)) {
                throw new RuntimeException("Null-value for required field: " + names.get(i)); // as Avro's says it
            }
            if (value != null) {
                String name = names.get(i);
                consumer.startField(name, i);
                writers.get(i).write(consumer, value);
                consumer.endField(name, i);
            }
        }
        consumer.endMessage();
    }

    /** The writer of a field's non-null values, as Avro's write support converts them; null for other types. */
    private static ValueWriter writer(Schema s) {
        LogicalType logical = s.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal && s.getType() == Schema.Type.BYTES) {
            return (out, v) -> out.addBinary(Binary.fromConstantByteArray(
                    decimal((BigDecimal) v, decimal).unscaledValue().toByteArray()));
        }
        if (logical instanceof LogicalTypes.Date && s.getType() == Schema.Type.INT) {
            return (out, v) -> out.addInteger(Math.toIntExact(((LocalDate) v).toEpochDay()));
        }
        if (logical instanceof LogicalTypes.TimestampMicros && s.getType() == Schema.Type.LONG) {
            return (out, v) -> out.addLong(micros((Instant) v));
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros && s.getType() == Schema.Type.LONG) {
            return (out, v) -> out.addLong(micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC)));
        }
        if (logical != null) {
            return null;
        }
        return switch (s.getType()) {
            case LONG -> (out, v) -> out.addLong(((Number) v).longValue());
            case INT -> (out, v) -> out.addInteger(((Number) v).intValue());
            case FLOAT -> (out, v) -> out.addFloat(((Number) v).floatValue());
            case DOUBLE -> (out, v) -> out.addDouble(((Number) v).doubleValue());
            case BOOLEAN -> (out, v) -> out.addBoolean((Boolean) v);
            case STRING -> (out, v) -> out.addBinary(v instanceof String text && !hasSurrogate(text) ? Binary.fromString(text)
                    : v instanceof Utf8 u ? Binary.fromReusedByteArray(u.getBytes(), 0, u.getByteLength())
                    // Avro's way, which refuses unpaired surrogates (String.getBytes would write '?').
                    : Binary.fromCharSequence((CharSequence) v));
            default -> null;
        };
    }

    /** The value as Avro's decimal conversion writes it: rescaled when no digit is lost, within the precision. */
    private static BigDecimal decimal(BigDecimal value, LogicalTypes.Decimal type) {
        BigDecimal d = value;
        boolean rescaled = false;
        if (d.scale() != type.getScale()) {
            try {
                d = d.setScale(type.getScale(), RoundingMode.UNNECESSARY);
                rescaled = true;
            } catch (ArithmeticException e) {
                throw new AvroTypeException("Cannot encode decimal with scale " + value.scale() + " as scale "
                        + type.getScale() + " without rounding");
            }
        }
        if (d.precision() > type.getPrecision()) {
            throw new AvroTypeException("Cannot encode decimal with precision " + d.precision() + " as max precision "
                    + type.getPrecision() + (rescaled ? ". This is after safely adjusting scale from " + value.scale()
                    + " to required " + type.getScale() : ""));
        }
        return d;
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000L);
    }
}
