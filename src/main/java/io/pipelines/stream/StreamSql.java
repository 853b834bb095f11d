package io.pipelines.stream;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.stream.StreamDeclaration.Field;

/**
 * The statements of a declared stream, written once from its declaration: the look-up of the events
 * its staging table holds already (the new ones are copied, see {@link StreamWarehouse}), the move of a
 * record read again to its new lake object, the addition of events to their windows, and the fold of
 * late events into theirs. Values go in as arrays (one statement per batch, typed so that they go in
 * binary); numeric and timestamptz values as text, cast by the statement.
 */
final class StreamSql {

    private final StreamDeclaration declaration;
    private final List<Field> fields;
    private final List<Field> groupBy;
    private final List<Field> summed;
    private final String staging;
    private final String key;

    StreamSql(StreamDeclaration declaration) {
        this.declaration = declaration;
        this.fields = declaration.record().fields();
        StreamDeclaration.RecordSchema record = declaration.record();
        this.groupBy = declaration.window().groupBy().stream().map(g -> fields.get(record.position(g))).toList();
        this.summed = declaration.window().sums().values().stream().map(f -> fields.get(record.position(f))).toList();
        this.staging = SqlIdentifiers.qualified(declaration.staging(), declaration.file() + ": staging");
        this.key = q(record.key().name());
    }

    /** The keys of the array given (the first parameter) that the staging table holds already. */
    String storedKeys() {
        return "SELECT " + key + " FROM " + staging + " WHERE " + key + " = ANY (?)";
    }

    /** Points the rows of records read again (key, partition, offset) at their new lake objects. */
    String relinkReadAgain() {
        return "UPDATE " + staging + " o SET lake_key = u.k\n"
                + "FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::text[]) AS u(id, p, off, k)\n"
                + "WHERE o." + key + " = u.id AND o.kafka_partition = u.p AND o.kafka_offset = u.off\n"
                + "  AND o.lake_key IS DISTINCT FROM u.k";
    }

    /**
     * Adds events to their windows: the group fields' arrays, the windows' starts (text), the counts,
     * each sum (text) and the corrections among the counts.
     */
    String addToWindows() {
        List<String> selected = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            selected.add("g" + i + cast(groupBy.get(i)));
            arrays.add("?::" + arrayType(groupBy.get(i)) + "[]");
            aliases.add("g" + i);
        }
        selected.addAll(List.of("s::timestamptz", "n"));
        arrays.addAll(List.of("?::text[]", "?::bigint[]"));
        aliases.addAll(List.of("s", "n"));
        for (int i = 0; i < summed.size(); i++) {
            selected.add("m" + i + "::numeric");
            arrays.add("?::text[]");
            aliases.add("m" + i);
        }
        selected.add("x");
        arrays.add("?::bigint[]");
        aliases.add("x");
        return intoWindows() + "SELECT " + String.join(", ", selected) + "\nFROM unnest(" + String.join(", ", arrays)
                + ") AS u(" + String.join(", ", aliases) + ")\n" + onWindowConflict();
    }

    /**
     * Marks the chosen late events of the stream folded (those not folded yet) and adds them to their
     * windows, in one statement; returns the keys folded. Parameters: the keys, the stream.
     */
    String foldLateEvents() {
        List<String> returned = new ArrayList<>(List.of("l.event_id", "l.window_start"));
        List<String> grouped = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            returned.add("o." + q(groupBy.get(i).name()) + " AS g" + i);
            grouped.add("g" + i);
        }
        List<String> sums = new ArrayList<>();
        for (int i = 0; i < summed.size(); i++) {
            returned.add("o." + q(summed.get(i).name()) + " AS m" + i);
            sums.add("sum(m" + i + ")");
        }
        List<String> selected = new ArrayList<>(grouped);
        selected.addAll(List.of("window_start", "count(*)"));
        selected.addAll(sums);
        selected.add("count(*)");
        grouped.add("window_start");
        return "WITH chosen AS (\n"
                + "    UPDATE etl.late_events l SET folded_at = now()\n"
                + "    FROM " + staging + " o\n"
                + "    WHERE l.event_id = ANY (?) AND l.stream = ? AND l.folded_at IS NULL AND o." + key + " = l.event_id\n"
                + "    RETURNING " + String.join(", ", returned) + "),\n"
                + "windows AS (" + intoWindows() + "SELECT " + String.join(", ", selected) + " FROM chosen\n"
                + "GROUP BY " + String.join(", ", grouped) + "\n" + onWindowConflict() + ")\n"
                + "SELECT event_id FROM chosen";
    }

    private String intoWindows() {
        StreamDeclaration.Window w = declaration.window();
        List<String> columns = new ArrayList<>();
        w.groupBy().forEach(g -> columns.add(q(g)));
        columns.add(q(w.start()));
        columns.add(q(w.count()));
        w.sums().keySet().forEach(c -> columns.add(q(c)));
        columns.add("corrections");
        return "INSERT INTO " + SqlIdentifiers.qualified(w.table(), declaration.file() + ": window.table") + " AS w ("
                + String.join(", ", columns) + ")\n";
    }

    private String onWindowConflict() {
        StreamDeclaration.Window w = declaration.window();
        List<String> keyColumns = new ArrayList<>();
        w.groupBy().forEach(g -> keyColumns.add(q(g)));
        keyColumns.add(q(w.start()));
        List<String> added = new ArrayList<>();
        added.add(q(w.count()));
        w.sums().keySet().forEach(c -> added.add(q(c)));
        added.add("corrections");
        List<String> set = new ArrayList<>();
        for (String c : added) {
            set.add(c + " = w." + c + " + EXCLUDED." + c);
        }
        set.add("updated_at = now()");
        return "ON CONFLICT (" + String.join(", ", keyColumns) + ") DO UPDATE\nSET " + String.join(",\n    ", set);
    }

    /** Binds each array to the statement's parameters, from the first. */
    static void bind(Connection c, PreparedStatement ps, List<String> types, List<Object[]> arrays) throws SQLException {
        for (int i = 0; i < arrays.size(); i++) {
            ps.setArray(i + 1, c.createArrayOf(types.get(i), arrays.get(i)));
        }
    }

    /** The array type a field's values are bound as. */
    static String arrayType(Field f) {
        return switch (f.type()) {
            case NUMERIC, TIMESTAMPTZ -> "text";
            default -> f.type().sql();
        };
    }

    /**
     * A new array for {@code n} values of a field as bound: typed (Long[], Integer[], Boolean[], String[]),
     * so that the driver sends it in PostgreSQL's binary array format; an Object[] would go as text, each
     * element escaped here and parsed there (bench/README.md, B2).
     */
    static Object[] newArray(Field f, int n) {
        return switch (f.type()) {
            case BIGINT -> new Long[n];
            case INTEGER -> new Integer[n];
            case BOOLEAN -> new Boolean[n];
            case TEXT, NUMERIC, TIMESTAMPTZ -> new String[n];
        };
    }

    /** A field's value as bound in its array. */
    static Object arrayValue(Object value) {
        return value instanceof BigDecimal d ? d.toPlainString() : value instanceof Instant t ? t.toString() : value;
    }

    /** The fields grouped by, and those summed (in the order of the window's sums). */
    List<Field> groupBy() {
        return groupBy;
    }

    List<Field> summed() {
        return summed;
    }

    Map<String, String> sums() {
        return declaration.window().sums();
    }

    private static String cast(Field f) {
        return switch (f.type()) {
            case NUMERIC -> "::numeric";
            case TIMESTAMPTZ -> "::timestamptz";
            default -> "";
        };
    }

    private static String q(String name) {
        return '"' + name + '"';
    }
}
