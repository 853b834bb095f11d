package io.pipelines.source;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.config.SourceDefinition;
import io.pipelines.config.SourceSettings;
import io.pipelines.schema.SourceColumn;
import io.pipelines.schema.SourceRejectedException;

/**
 * The types of the fields of an HTTP source's records, found from every record of a run (JSON read
 * with exact numbers): the narrowest type that holds every value of a field, so that nothing is
 * rounded or reordered:
 * <ul>
 * <li>booleans: boolean; whole numbers within a long: bigint;</li>
 * <li>any other number (a fraction, an exponent, a whole number beyond a long): an exact decimal
 *     (numeric in staging) with the largest scale seen; beyond 38 digits, its text;</li>
 * <li>text that is a timestamp with an offset or Z (ISO 8601, years 1 to 9999, at most microseconds):
 *     an instant (timestamptz), so that {@code 2026-11-01T11:00:01+01:00} sorts before
 *     {@code 2026-11-01T10:30:00Z};</li>
 * <li>anything else, or values of two of these kinds: text (objects and arrays as their JSON).</li>
 * </ul>
 * A column's recorded type is kept where the run's values fit it (a text column stays text, a
 * numeric column takes whole numbers, a field null in every record of the run keeps its column's
 * type and is written as NULL). A field that a record does not carry at all is named in the record's
 * {@link SourceColumn#ABSENT} field: the load keeps the stored value. Caps: the records of a run
 * ({@code http.max-records}) and the distinct fields ({@code http.max-fields}).
 */
final class FieldTypes {

    /** The most digits of a decimal in the lake (as JDBC sources): a wider number is kept as its text. */
    private static final int MAX_DECIMAL_PRECISION = 38;

    enum Kind { NONE, BOOLEAN, LONG, DECIMAL, TIMESTAMP, STRING }

    /** One field over the records seen so far. */
    private static final class Field {
        Kind kind = Kind.NONE;
        /** Records that carry the field (null included). */
        long present;
        /** Numbers: most digits before the point, and most after it. */
        int wholeDigits;
        int scale;

        void add(JsonNode value) {
            present++;
            Kind seen;
            if (value.isNull()) {
                return;
            } else if (value.isBoolean()) {
                seen = Kind.BOOLEAN;
            } else if (value.isNumber()) {
                BigDecimal d = value.decimalValue();
                wholeDigits = Math.max(wholeDigits, d.precision() - d.scale());
                scale = Math.max(scale, Math.max(0, d.scale()));
                seen = value.isIntegralNumber() && value.canConvertToLong() ? Kind.LONG : Kind.DECIMAL;
            } else if (value.isTextual() && timestamp(value.textValue()) != null) {
                seen = Kind.TIMESTAMP;
            } else {
                seen = Kind.STRING;
            }
            if (kind == Kind.NONE || kind == seen) {
                kind = seen;
            } else if ((kind == Kind.LONG && seen == Kind.DECIMAL) || (kind == Kind.DECIMAL && seen == Kind.LONG)) {
                kind = Kind.DECIMAL;
            } else {
                kind = Kind.STRING;
            }
        }
    }

    private final SourceDefinition source;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private long records;

    FieldTypes(SourceDefinition source) {
        this.source = source;
    }

    /** Takes one record's fields; fails the run past the caps on records and fields. */
    void add(JsonNode record) {
        SourceSettings.Http h = source.settings().getHttp();
        if (++records > h.getMaxRecords()) {
            throw new SourceRejectedException("Source " + source.name() + ": more than " + h.getMaxRecords()
                    + " records in one run (pipelines.sources." + source.name() + ".http.max-records); not retried");
        }
        if (!record.isObject()) {
            throw new SourceRejectedException("Source " + source.name() + ": record " + records + " is not a JSON object: "
                    + abbreviate(record.toString()));
        }
        record.fields().forEachRemaining(f -> fields.computeIfAbsent(f.getKey(), k -> new Field()).add(f.getValue()));
        if (fields.size() > h.getMaxFields()) {
            throw new SourceRejectedException("Source " + source.name() + ": the records have more than " + h.getMaxFields()
                    + " distinct fields, each a column of staging (pipelines.sources." + source.name()
                    + ".http.max-fields); not retried");
        }
    }

    /** The records' schema, given the staging types of the columns recorded so far (name -> type). */
    RecordShape shape(Map<String, String> recorded) {
        SchemaBuilder.FieldAssembler<Schema> assembler = SchemaBuilder.record(source.name()).namespace("pipelines").fields();
        Map<String, Kind> kinds = new LinkedHashMap<>();
        boolean absent = false;
        for (Map.Entry<String, Field> e : fields.entrySet()) {
            String name = e.getKey();
            Field f = e.getValue();
            Kind kind = kept(f, recorded.get(name));
            if (kind == Kind.NONE) {
                continue; // null in every record and no column yet: no type to give it, and nothing to overwrite
            }
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new SourceRejectedException("Source " + source.name() + ": field '" + name + "' "
                        + (name.startsWith("_") ? "starts with '_', which staging keeps for its own columns"
                                : "is not a plain name") + " and cannot become a column");
            }
            assembler.name(name).type(Schema.createUnion(Schema.create(Schema.Type.NULL), avro(kind, f))).withDefault(null);
            kinds.put(name, kind);
            absent |= f.present < records;
        }
        if (absent) {
            assembler.name(SourceColumn.ABSENT).type(Schema.createUnion(Schema.create(Schema.Type.NULL),
                    Schema.create(Schema.Type.STRING))).withDefault(null);
        }
        return new RecordShape(assembler.endRecord(), kinds, absent);
    }

    /** The kind a field is written as: its own, or its column's where the values fit that. */
    private static Kind kept(Field f, String recorded) {
        if (recorded == null) {
            return f.kind == Kind.DECIMAL && f.wholeDigits + f.scale > MAX_DECIMAL_PRECISION ? Kind.STRING : f.kind;
        }
        return switch (recorded) {
            case "text" -> Kind.STRING;
            case "numeric", "double precision", "real" -> f.kind == Kind.LONG || f.kind == Kind.NONE ? Kind.DECIMAL
                    : kept(f, null);
            case "bigint", "integer" -> f.kind == Kind.NONE ? Kind.LONG : kept(f, null);
            case "boolean" -> f.kind == Kind.NONE ? Kind.BOOLEAN : kept(f, null);
            case "timestamptz" -> f.kind == Kind.NONE ? Kind.TIMESTAMP : kept(f, null);
            default -> kept(f, null);
        };
    }

    private static Schema avro(Kind kind, Field f) {
        return switch (kind) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case LONG -> Schema.create(Schema.Type.LONG);
            case DECIMAL -> LogicalTypes.decimal(Math.max(1, f.wholeDigits + f.scale), f.scale)
                    .addToSchema(Schema.create(Schema.Type.BYTES));
            case TIMESTAMP -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            default -> Schema.create(Schema.Type.STRING);
        };
    }

    /** The instant of an ISO 8601 timestamp with an offset (years 1 to 9999, at most microseconds); null otherwise. */
    static OffsetDateTime timestamp(String text) {
        if (text == null || text.length() < 17 || text.length() > 40 || text.charAt(4) != '-' || text.charAt(10) != 'T') {
            return null;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return t.getYear() >= 1 && t.getYear() <= 9999 && t.getNano() % 1000 == 0 ? t : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** A run's record schema, and how a JSON record becomes a record of it. */
    record RecordShape(Schema schema, Map<String, Kind> kinds, boolean absent) {

        boolean isEmpty() {
            return kinds.isEmpty();
        }

        GenericRecord record(JsonNode node) {
            GenericData.Record record = new GenericData.Record(schema);
            List<String> missing = absent ? new ArrayList<>() : null;
            for (Map.Entry<String, Kind> e : kinds.entrySet()) {
                Schema.Field f = schema.getField(e.getKey());
                JsonNode v = node.get(f.name());
                if (v == null) {
                    if (missing != null) {
                        missing.add(f.name());
                    }
                    continue;
                }
                if (v.isNull()) {
                    continue;
                }
                record.put(f.pos(), switch (e.getValue()) {
                    case LONG -> v.asLong();
                    case DECIMAL -> v.decimalValue().setScale(((LogicalTypes.Decimal) f.schema().getTypes().get(1)
                            .getLogicalType()).getScale(), RoundingMode.UNNECESSARY);
                    case TIMESTAMP -> timestamp(v.textValue()).toInstant();
                    case BOOLEAN -> v.asBoolean();
                    default -> v.isNumber() ? v.decimalValue().toPlainString() : v.isValueNode() ? v.asText() : v.toString();
                });
            }
            if (missing != null && !missing.isEmpty()) {
                record.put(SourceColumn.ABSENT, String.join(",", missing));
            }
            return record;
        }
    }
}
