package io.pipelines.schema;

import java.util.List;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import io.pipelines.lake.AvroFields;

/**
 * A column of a source as staging stores it: its name and its PostgreSQL type (one of
 * smallint-free plain types: integer, bigint, numeric, real, double precision, boolean, date,
 * timestamp, timestamptz, text).
 */
public record SourceColumn(String name, String type) {

    /**
     * A field of landed records that is no column: the names (comma-separated) of the fields a record of
     * an HTTP source did not carry, whose stored values its load keeps; null when it carried every one.
     * Present only in the runs where some record lacked a field.
     */
    public static final String ABSENT = "_absent";

    /** The columns of a landed schema, with the staging type of each Avro type ({@link #ABSENT} is none). */
    public static List<SourceColumn> of(Schema record) {
        return record.getFields().stream().filter(f -> !f.name().equals(ABSENT))
                .map(f -> new SourceColumn(f.name(), stagingType(AvroFields.valueType(f.schema())))).toList();
    }

    public static String stagingType(Schema type) {
        LogicalType logical = type.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal) {
            return "numeric";
        }
        if (logical instanceof LogicalTypes.Date) {
            return "date";
        }
        if (logical instanceof LogicalTypes.TimestampMicros || logical instanceof LogicalTypes.TimestampMillis) {
            return "timestamptz";
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros || logical instanceof LogicalTypes.LocalTimestampMillis) {
            return "timestamp";
        }
        return switch (type.getType()) {
            case INT -> "integer";
            case LONG -> "bigint";
            case FLOAT -> "real";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            default -> "text";
        };
    }
}
