package io.pipelines.stream;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stream's YAML file under {@code streams/} declares (see {@link StreamDeclarationReader}):
 * the fields of its records, the staging table of its events, its tumbling windows and its lake
 * prefix. The stream's code reads everything it does with a record from here.
 *
 * @param file where it was declared (for messages)
 * @param suite a quality suite each record is checked against on its own (quality.suite), or null
 */
public record StreamDeclaration(String file, String name, Source source, RecordSchema record, String staging,
                                Window window, String lakePrefix, String suite) {

    /** Where the records come from: the topic, the consumer group (its offsets are the stream's progress), the dead letter topic. */
    public record Source(String topic, String group, String deadLetterTopic) {
    }

    /** The types a field may have, with the PostgreSQL type of their column. */
    public enum FieldType {
        TEXT("text"), BIGINT("bigint"), INTEGER("integer"), NUMERIC("numeric"), BOOLEAN("boolean"),
        TIMESTAMPTZ("timestamptz");

        private final String sql;

        FieldType(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }
    }

    /**
     * One field of a record: its JSON name (also its column's), its type (precision and scale for
     * numeric), whether it must be there, and its limits (text length, number bounds; null: none).
     */
    public record Field(String name, FieldType type, int precision, int scale, boolean required, int maxLength,
                        BigDecimal min, BigDecimal max) {

        /** The type as written in the declaration. */
        public String typeName() {
            return type == FieldType.NUMERIC ? "numeric(" + precision + "," + scale + ")" : type.sql();
        }
    }

    /** The fields of a record, in declared order, with the positions of its key and event time. */
    public record RecordSchema(List<Field> fields, int keyIndex, int eventTimeIndex) {

        public RecordSchema {
            fields = List.copyOf(fields);
        }

        public Field key() {
            return fields.get(keyIndex);
        }

        public Field eventTime() {
            return fields.get(eventTimeIndex);
        }

        /** Position of each field by name. */
        public Map<String, Integer> positions() {
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                positions.put(fields.get(i).name(), i);
            }
            return positions;
        }

        public int position(String field) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(field)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no field " + field);
        }
    }

    /**
     * Tumbling windows of event time aligned to the epoch: a row of {@code table} per window, keyed by
     * the {@code groupBy} fields (columns of the same names) and {@code start}; {@code count} counts its
     * events, each of {@code sums} (column to field) adds a field up. A partition's watermark is the
     * largest event time seen in it minus {@code maxOutOfOrderness}; an event whose window ended before
     * the watermark by no more than {@code allowedLateness} still goes into it, as a correction.
     */
    public record Window(String table, Duration size, String start, List<String> groupBy, String count,
                         Map<String, String> sums, Duration maxOutOfOrderness, Duration allowedLateness) {

        public Window {
            groupBy = List.copyOf(groupBy);
            sums = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sums));
        }
    }
}
