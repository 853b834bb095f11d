package io.pipelines.quality;

import java.util.List;
import java.util.Locale;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/** What the values of a column are, from its Avro type, and the names a suite may give that type. */
enum ColumnKind {
    TEXT, NUMBER, BOOLEAN, TIME, OTHER;

    static ColumnKind of(Schema.Field field) {
        Schema type = valueType(field);
        LogicalType logical = type.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal) {
            return NUMBER;
        }
        if (logical != null) {
            return logical instanceof LogicalTypes.Date || logical.getName().startsWith("timestamp")
                    || logical.getName().startsWith("local-timestamp") ? TIME : OTHER;
        }
        return switch (type.getType()) {
            case STRING, ENUM -> TEXT;
            case INT, LONG, FLOAT, DOUBLE -> NUMBER;
            case BOOLEAN -> BOOLEAN;
            default -> OTHER;
        };
    }

    /** The type of the column's values (a nullable column's union without its null). */
    static Schema valueType(Schema.Field field) {
        Schema type = field.schema();
        if (type.getType() == Schema.Type.UNION) {
            for (Schema branch : type.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return type;
    }

    /**
     * The column's type in the warehouse's words (the observed value of the type expectations), and the
     * other names it answers to: PostgreSQL's, its aliases, the SQL standard's, Avro's and Python's.
     */
    static List<String> typeNames(Schema.Field field) {
        Schema type = valueType(field);
        LogicalType logical = type.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal) {
            return List.of("NUMERIC", "DECIMAL", "decimal.Decimal");
        }
        if (logical instanceof LogicalTypes.Date) {
            return List.of("DATE", "datetime.date");
        }
        if (logical != null && logical.getName().startsWith("timestamp")) {
            return List.of("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "datetime", "datetime64");
        }
        if (logical != null && logical.getName().startsWith("local-timestamp")) {
            return List.of("TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME", "datetime", "datetime64");
        }
        return switch (type.getType()) {
            case STRING, ENUM -> List.of("TEXT", "VARCHAR", "CHARACTER VARYING", "STRING", "str");
            case INT -> List.of("INTEGER", "INT", "INT4", "int");
            case LONG -> List.of("BIGINT", "INT8", "LONG", "int");
            case FLOAT -> List.of("REAL", "FLOAT4", "FLOAT", "float");
            case DOUBLE -> List.of("DOUBLE_PRECISION", "DOUBLE PRECISION", "FLOAT8", "FLOAT", "DOUBLE", "float");
            case BOOLEAN -> List.of("BOOLEAN", "BOOL", "bool");
            default -> List.of(type.getType().getName().toUpperCase(Locale.ROOT));
        };
    }

    /** Whether a suite's type name is one of the column's (case and a length or precision aside). */
    static boolean named(Schema.Field field, String name) {
        String bare = name.replaceAll("\\(.*\\)", "").trim();
        return typeNames(field).stream().anyMatch(n -> n.equalsIgnoreCase(bare));
    }
}
