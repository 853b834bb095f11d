package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.schema.SourceColumn;

/**
 * An upsert of rows into a source's staging table by key, inside the caller's transaction: the rows
 * are copied into a temporary copy of the table, then INSERT ... ON CONFLICT (key) DO UPDATE every
 * column (one row per key: the last one copied wins). Columns the rows lack (gone from the source)
 * become NULL in the rows written, or keep their stored values when the caller says so (an HTTP
 * source: a field no record of a run carried is not known to be gone); a row whose
 * {@link SourceColumn#ABSENT} field names fields it did not carry keeps their stored values too.
 * Into an empty table (a source's first load) the rows may be
 * copied straight in, which is twice as fast (bench/README.md, B4); into a table made in the same
 * transaction, its primary key is built after the copy rather than kept up row by row, as a database
 * restore does (faster again: the rows come in the cursor's order, not the key's). When two rows
 * share a key, that copy or key fails with a unique violation ({@link #isUniqueViolation}): the
 * caller rolls it back and upserts instead.
 */
public final class StagingUpsert implements AutoCloseable {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String TEMPORARY = "pipelines_upsert";

    private final Connection c;
    private final String table;
    private final List<String> tableColumns;
    private final List<String> keys;
    private final boolean straight;
    private final CopyRows copy;
    /** The primary key dropped before a straight copy, built again after it; null: none dropped. */
    private final String keyDropped;
    /** The rows' fields (their schema's, less {@link SourceColumn#ABSENT}). */
    private final Set<String> fields;
    /** Whether the rows name the fields each did not carry ({@link SourceColumn#ABSENT}). */
    private final boolean partial;
    /** Whether columns that are no field of the rows keep their stored values (else NULL). */
    private final boolean keepUnlisted;

    private StagingUpsert(Connection c, String table, List<String> tableColumns, List<String> keys, boolean straight,
                          CopyRows copy, String keyDropped, Schema schema, boolean keepUnlisted) {
        this.c = c;
        this.table = table;
        this.tableColumns = tableColumns;
        this.keys = keys;
        this.straight = straight;
        this.copy = copy;
        this.keyDropped = keyDropped;
        this.fields = schema.getFields().stream().map(Schema.Field::name).filter(n -> !n.equals(SourceColumn.ABSENT))
                .collect(Collectors.toSet());
        this.partial = schema.getField(SourceColumn.ABSENT) != null;
        this.keepUnlisted = keepUnlisted;
    }

    /**
     * Starts copying rows of {@code schema} (each led by {@code runId} in {@code _run_id}): straight into
     * the table when {@code mayCopyStraight} and it is empty, else into a temporary table.
     * {@code newTable}: the table was made in this transaction (no one else can see it), so its primary
     * key may be dropped for the copy and built after it. {@code keepUnlisted}: columns that are no field of
     * {@code schema} keep their stored values. Rows that name fields they lack ({@link SourceColumn#ABSENT})
     * always go through the temporary table.
     */
    public static StagingUpsert open(Connection c, String stagingTable, List<String> tableColumns, List<String> keys,
                                     Schema schema, long runId, boolean mayCopyStraight, boolean newTable,
                                     boolean keepUnlisted) throws SQLException {
        String table = SqlIdentifiers.qualified(stagingTable, "warehouse-table");
        boolean partial = schema.getField(SourceColumn.ABSENT) != null;
        boolean straight = mayCopyStraight && !partial && (newTable || isEmpty(c, table));
        String keyDropped = straight && newTable ? dropPrimaryKey(c, table) : null;
        if (!straight) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMPORARY TABLE " + TEMPORARY + " (LIKE " + table + " INCLUDING DEFAULTS) ON COMMIT DROP");
                if (partial) {
                    st.execute("ALTER TABLE " + TEMPORARY + " ADD COLUMN " + StagingSchema.quote(SourceColumn.ABSENT) + " text");
                }
            }
        }
        CopyRows copy = CopyRows.open(c, straight ? stagingTable : TEMPORARY, List.of("_run_id"), schema, runId);
        return new StagingUpsert(c, table, tableColumns, keys, straight, copy, keyDropped, schema, keepUnlisted);
    }

    /** Drops the table's primary key; returns its name (null when it has none). */
    private static String dropPrimaryKey(Connection c, String table) throws SQLException {
        String name;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'p'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                name = rs.next() ? rs.getString(1) : null;
            }
        }
        if (name != null) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + StagingSchema.quote(name));
            }
        }
        return name;
    }

    /** Whether the rows go straight into the (empty) table. */
    public boolean straight() {
        return straight;
    }

    public void row(GenericRecord record) throws SQLException {
        copy.row(record);
    }

    /** Ends the copy (and builds the primary key it went without); returns the rows copied. */
    public long endRows() throws SQLException {
        long copied = copy.finish();
        if (keyDropped != null) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + StagingSchema.quote(keyDropped) + " PRIMARY KEY ("
                        + keys.stream().map(StagingSchema::quote).collect(Collectors.joining(", ")) + ")");
            }
        }
        return copied;
    }

    /** Writes the copied rows into the table (nothing more when they went straight in); returns the rows written. */
    public long apply(long copied) throws SQLException {
        if (straight) {
            return copied;
        }
        String all = tableColumns.stream().map(StagingSchema::quote).collect(Collectors.joining(", "));
        String key = keys.stream().map(StagingSchema::quote).collect(Collectors.joining(", "));
        Set<String> keySet = Set.copyOf(keys);
        List<String> updates = new ArrayList<>();
        List<String> selected = new ArrayList<>();
        for (String column : tableColumns) {
            String q = StagingSchema.quote(column);
            boolean field = fields.contains(column);
            // A field a row did not carry: the stored value (NULL for a new key), else the row's.
            // (A column's name is a plain name, checked when the table was made: safe as a literal.)
            String lacked = "'" + column + "' = ANY(string_to_array(latest." + StagingSchema.quote(SourceColumn.ABSENT) + ", ','))";
            selected.add(partial && field && !keySet.contains(column)
                    ? "CASE WHEN " + lacked + " THEN stored." + q + " ELSE latest." + q + " END" : "latest." + q);
            boolean kept = keepUnlisted && !field && !StagingSchema.LOAD_COLUMNS.contains(column);
            if (!keySet.contains(column) && !kept) {
                updates.add(q + " = EXCLUDED." + q);
            }
        }
        String stored = partial ? " LEFT JOIN " + table + " stored ON " + keys.stream().map(StagingSchema::quote)
                .map(k -> "stored." + k + " = latest." + k).collect(Collectors.joining(" AND ")) : "";
        try (Statement st = c.createStatement()) {
            // One row per key (an API may page the same record twice): the last one copied wins.
            return st.executeUpdate("INSERT INTO " + table + " (" + all + ") SELECT " + String.join(", ", selected)
                    + " FROM (SELECT DISTINCT ON (" + key + ") * FROM (SELECT *, row_number() OVER () AS pipelines_seq FROM "
                    + TEMPORARY + ") numbered ORDER BY " + key + ", pipelines_seq DESC) latest" + stored + " ON CONFLICT (" + key
                    + ") DO UPDATE SET " + String.join(", ", updates));
        } catch (SQLException e) {
            throw new SQLException("Upsert into " + table + " failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        copy.close();
    }

    /** Whether an error is (or was caused by) a unique violation: two rows of one key copied straight in. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmpty(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
