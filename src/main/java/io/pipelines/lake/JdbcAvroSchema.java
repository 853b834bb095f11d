package io.pipelines.lake;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.postgresql.PGStatement;

/**
 * The Avro schema of a query's result, and the reading of its rows into records. Every column is
 * nullable; decimals keep their precision and scale, timestamps with a time zone become instants
 * (timestamp-micros), those without stay local (local-timestamp-micros).
 */
public final class JdbcAvroSchema {

    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_DECIMAL_PRECISION = 38;
    /** PostgreSQL's character types, whose binary form is their text. */
    private static final java.util.Set<String> TEXT_TYPES = java.util.Set.of("text", "varchar", "bpchar", "name");

    @FunctionalInterface
    private interface ColumnReader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    private final Schema schema;
    private final List<ColumnReader> readers;

    private JdbcAvroSchema(Schema schema, List<ColumnReader> readers) {
        this.schema = schema;
        this.readers = readers;
    }

    /** The schema of a result set; {@code recordName} names the Avro record (the source table, say). */
    public static JdbcAvroSchema of(ResultSetMetaData meta, String recordName) throws SQLException {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(recordName).namespace("pipelines").fields();
        List<ColumnReader> readers = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String name = meta.getColumnLabel(i);
            if (!AVRO_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Column " + i + " of the query is named '" + name
                        + "': give it an alias of letters, digits and _ (it becomes a Parquet column)");
            }
            Schema type = avroType(meta, i);
            fields.name(name).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null);
            readers.add(reader(type));
        }
        return new JdbcAvroSchema(fields.endRecord(), readers);
    }

    /**
     * Asks PostgreSQL to send this statement's rows in binary (no timestamp and numeric formatting
     * there, no parsing here) when they read alike that way; only this statement, so the
     * connection's other statements keep the driver's defaults. Other databases: nothing changes.
     */
    public static void preferBinary(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class) && readsAlikeInBinary(ps.getMetaData())) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
        }
    }

    /**
     * Whether the rows of a PostgreSQL result read the same when the server sends them in binary: true
     * when every column is read through a typed getter or is text. Columns kept as their text
     * (unconstrained numeric, bytea, json, ...) are not: the driver would make their text from the
     * binary value, which differs (1E-7 for 0.0000001, a Java array name for bytes).
     */
    public static boolean readsAlikeInBinary(ResultSetMetaData meta) throws SQLException {
        if (meta == null) {
            return false;
        }
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (avroType(meta, i).getType() == Schema.Type.STRING
                    && !TEXT_TYPES.contains(meta.getColumnTypeName(i).toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    public Schema schema() {
        return schema;
    }

    /** The current row of the result set as a record of this schema. */
    public GenericRecord read(ResultSet rs) throws SQLException {
        GenericData.Record record = new GenericData.Record(schema);
        for (int i = 0; i < readers.size(); i++) {
            record.put(i, readers.get(i).read(rs, i + 1));
        }
        return record;
    }

    private static Schema avroType(ResultSetMetaData meta, int i) throws SQLException {
        String typeName = meta.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        return switch (meta.getColumnType(i)) {
            case Types.BIGINT -> Schema.create(Schema.Type.LONG);
            case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> Schema.create(Schema.Type.INT);
            case Types.REAL -> Schema.create(Schema.Type.FLOAT);
            case Types.DOUBLE, Types.FLOAT -> Schema.create(Schema.Type.DOUBLE);
            case Types.BOOLEAN, Types.BIT -> Schema.create(Schema.Type.BOOLEAN);
            case Types.NUMERIC, Types.DECIMAL -> {
                int precision = meta.getPrecision(i);
                int scale = meta.getScale(i);
                // A numeric without a declared precision has no fixed scale: keep its exact text.
                yield precision > 0 && precision <= MAX_DECIMAL_PRECISION && scale >= 0
                        ? LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES))
                        : Schema.create(Schema.Type.STRING);
            }
            case Types.DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case Types.TIMESTAMP_WITH_TIMEZONE -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case Types.TIMESTAMP -> typeName.contains("tz") || typeName.contains("with time zone")
                    ? LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG))
                    : LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            default -> Schema.create(Schema.Type.STRING);
        };
    }

    private static ColumnReader reader(Schema type) {
        if (type.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            int scale = decimal.getScale();
            return (rs, c) -> {
                BigDecimal v = rs.getBigDecimal(c);
                return v == null ? null : v.setScale(scale, RoundingMode.UNNECESSARY);
            };
        }
        if (type.getLogicalType() instanceof LogicalTypes.Date) {
            return (rs, c) -> rs.getObject(c, LocalDate.class);
        }
        if (type.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return (rs, c) -> {
                OffsetDateTime v = rs.getObject(c, OffsetDateTime.class);
                return v == null ? null : v.toInstant();
            };
        }
        if (type.getLogicalType() instanceof LogicalTypes.LocalTimestampMicros) {
            return (rs, c) -> rs.getObject(c, LocalDateTime.class);
        }
        return switch (type.getType()) {
            case LONG -> (rs, c) -> nullable(rs, rs.getLong(c));
            case INT -> (rs, c) -> nullable(rs, rs.getInt(c));
            case FLOAT -> (rs, c) -> nullable(rs, rs.getFloat(c));
            case DOUBLE -> (rs, c) -> nullable(rs, rs.getDouble(c));
            case BOOLEAN -> (rs, c) -> nullable(rs, rs.getBoolean(c));
            default -> ResultSet::getString;
        };
    }

    private static Object nullable(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }
}
