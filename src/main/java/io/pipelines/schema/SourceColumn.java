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

    /** The columns of a landed schema, with the staging type of each Avro type. */
    public static List<SourceColumn> of(Schema record) {
        return record.getFields().stream().map(f -> new SourceColumn(f.name(), stagingType(AvroFields.valueType(f.schema())))).toList();
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
