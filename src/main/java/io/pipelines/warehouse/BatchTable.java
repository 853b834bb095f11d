package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.quality.BatchQueries;
import io.pipelines.schema.SourceColumn;

/**
 * The rows a check reads, copied into a temporary table of the warehouse ({@code pg_temp.batch}, on
 * the caller's connection, dropped on close) so that a suite's SQL checks can read them as
 * {@code {batch}}. Each query runs in a read-only transaction that is rolled back: it can read the
 * warehouse, never change it.
 */
public final class BatchTable implements BatchQueries, AutoCloseable {

    static final String TABLE = "batch";
    private static final int SHOWN = 20;

    private final Connection c;
    private CopyRows copy;

    /** Makes the table for rows of {@code schema} and starts taking them. */
    public BatchTable(Connection c, Schema schema) throws SQLException {
        this.c = c;
        String columns = SourceColumn.of(schema).stream()
                .map(col -> SqlIdentifiers.quote(col.name(), "column of the checked rows") + " " + col.type())
                .collect(Collectors.joining(", "));
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS pg_temp." + TABLE); // left by a check whose connection was not closed cleanly
            st.execute("CREATE TEMPORARY TABLE " + TABLE + " (" + columns + ")");
        }
        copy = CopyRows.open(c, TABLE, List.of(), schema);
    }

    public void row(GenericRecord record) throws SQLException {
        copy.row(record);
    }

    /** Ends the rows (once); the queries may then run. */
    public void finish() throws SQLException {
        if (copy != null) {
            copy.finish();
            copy = null;
        }
    }

    @Override
    public Rows run(String query) {
        String sql = query.replace("{batch}", "pg_temp." + TABLE);
        try {
            finish();
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                return rows(sql);
            } finally {
                try {
                    c.rollback();
                    c.setReadOnly(false);
                    c.setAutoCommit(auto);
                } catch (SQLException cleanup) {
                    // The pool may have closed the connection on the query's error: that error is the one to report.
                }
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String message = "unexpected_rows_query failed: " + e.getMessage() + " (the query, {batch} being pg_temp."
                    + TABLE + ": " + sql + ")";
            // A query the warehouse refuses (syntax, a name it does not know, a write in a read-only transaction, a bad
            // value, a form it does not take) is the suite's mistake; anything else (a connection lost) may pass later.
            if (state.startsWith("42") || state.startsWith("25") || state.startsWith("22") || state.startsWith("0A")) {
                throw new IllegalArgumentException(message, e);
            }
            throw new IllegalStateException(message, e);
        }
    }

    private Rows rows(String sql) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM (" + sql + ") unexpected");
             PreparedStatement first = c.prepareStatement("SELECT row_to_json(unexpected)::text FROM (" + sql
                     + ") unexpected LIMIT " + SHOWN)) {
            long n;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = first.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return new Rows(n, rows);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            if (copy != null) {
                copy.close();
            }
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS pg_temp." + TABLE);
            }
        }
    }
}
