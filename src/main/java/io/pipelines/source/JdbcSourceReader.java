package io.pipelines.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.avro.generic.GenericRecord;
import org.postgresql.PGStatement;

import org.springframework.stereotype.Component;

import io.pipelines.config.SourceConnections;
import io.pipelines.config.SourceSettings;
import io.pipelines.lake.JdbcAvroSchema;
import io.pipelines.config.SourceDefinition;
import io.pipelines.schema.SourceColumn;
import io.pipelines.schema.SourceRejectedException;

/**
 * Reads a table of a source database after its watermark, streamed (a cursor with the connection's
 * fetch size), in (cursor, key...) order:
 * {@code SELECT * FROM t WHERE cursor <= :bound AND (cursor, k...) > (:mark) ORDER BY cursor, k... [LIMIT n]};
 * a first load of every row in no order ({@code SELECT * FROM t WHERE cursor <= :bound}), its mark the
 * row that sorts last.
 * The bound is the largest cursor value when the run starts, so rows written meanwhile wait for the
 * next run. Works on PostgreSQL and MariaDB/MySQL (row-value comparison, LIMIT).
 */
@Component
public class JdbcSourceReader implements SourceReader {

    private final SourceConnections connections;

    public JdbcSourceReader(SourceConnections connections) {
        this.connections = connections;
    }

    @Override
    public Summary read(SourceDefinition source, Watermark after, Rows rows) throws Exception {
        SourceSettings s = source.settings();
        DataSource dataSource = connections.dataSource(s.getConnection());
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            // The URL is not repeated here: it may carry credentials.
            throw new SQLException("pipelines.sources." + source.name() + ".connection: cannot connect to '"
                    + s.getConnection() + "' (pipelines.connections." + s.getConnection() + "): " + e.getMessage(), e);
        }
        try (c) {
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            try {
                return read(c, source, after, rows);
            } finally {
                c.rollback();
            }
        }
    }

    private Summary read(Connection c, SourceDefinition source, Watermark after, Rows rows) throws Exception {
        SourceSettings s = source.settings();
        String quote = c.getMetaData().getIdentifierQuoteString().strip();
        String table = java.util.Arrays.stream(s.getTable().split("\\.")).map(p -> quote + p + quote)
                .collect(Collectors.joining("."));
        Map<String, String> types = columnTypes(c, source, table);
        String cursor = quote + s.getCursorColumn() + quote;
        List<String> keys = s.getKeyColumns().stream().map(k -> quote + k + quote).toList();

        // After a watermark, or with a cap on the rows of a run, the rows come in (cursor, key...) order and
        // the last one read is the mark. A first load of all rows needs no order: the database then sends them
        // without sorting the table first (bench/README.md, B4), and the mark is the row that sorts last,
        // read first along with the bound.
        boolean inOrder = after != null || s.getMaxRowsPerRun() > 0;
        Object bound;
        GenericRecord last = null;
        if (inOrder) {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + cursor + ") FROM " + table)) {
                unprepared(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    bound = rs.getObject(1);
                }
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE " + cursor
                    + " IS NOT NULL ORDER BY " + cursor + " DESC, " + String.join(" DESC, ", keys) + " DESC LIMIT 1")) {
                unprepared(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    bound = rs.next() ? rs.getObject(s.getCursorColumn()) : null;
                    if (bound != null) {
                        last = JdbcAvroSchema.of(rs.getMetaData(), recordName(s.getTable())).read(rs);
                    }
                }
            }
        }
        // PostgreSQL sends the rows in binary when they read alike that way (JdbcAvroSchema.preferBinary), through
        // a statement prepared once per connection and SQL text. The text names the table's columns and types, so
        // that after a column changes in the source the statement is prepared again rather than reused with the
        // rows' old types (the server refuses that: "cached plan must not change result type").
        StringBuilder sql = new StringBuilder("SELECT * /* columns ").append(Integer.toHexString(types.hashCode()))
                .append(" */ FROM ").append(table).append(" WHERE ")
                .append(bound == null ? "1 = 0" : cursor + " <= ?");
        List<Object> parameters = new ArrayList<>();
        if (bound != null) {
            parameters.add(bound);
        }
        if (after != null) {
            sql.append(" AND (").append(cursor).append(", ").append(String.join(", ", keys)).append(") > (?")
                    .append(", ?".repeat(keys.size())).append(')');
            parameters.add(Watermark.typed(after.cursor(), types.get(s.getCursorColumn())));
            for (int i = 0; i < keys.size(); i++) {
                parameters.add(Watermark.typed(after.key().get(i), types.get(s.getKeyColumns().get(i))));
            }
        }
        if (inOrder) {
            sql.append(" ORDER BY ").append(cursor).append(", ").append(String.join(", ", keys));
        }
        if (s.getMaxRowsPerRun() > 0) {
            sql.append(" LIMIT ").append(s.getMaxRowsPerRun());
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(connections.settings(s.getConnection()).getFetchSize());
            JdbcAvroSchema.preferBinary(ps);
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                JdbcAvroSchema schema = JdbcAvroSchema.of(rs.getMetaData(), recordName(s.getTable()));
                rows.begin(schema.schema());
                while (rs.next()) {
                    rows.row(schema.read(rs));
                }
            }
        }
        if (last != null) {
            rows.last(last);
        }
        return new Summary(Watermark.text(bound instanceof Timestamp t
                ? ("timestamptz".equals(types.get(s.getCursorColumn())) ? t.toInstant() : t.toLocalDateTime()) : bound), null);
    }

    /** The staging type of every column of the table; fails naming the field when the cursor or a key is not one. */
    private static Map<String, String> columnTypes(Connection c, SourceDefinition source, String table) throws SQLException {
        Map<String, String> types = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0")) {
            unprepared(ps);
            try (ResultSet rs = ps.executeQuery()) {
                SourceColumn.of(JdbcAvroSchema.of(rs.getMetaData(), recordName(source.settings().getTable())).schema())
                        .forEach(col -> types.put(col.name(), col.type()));
            }
        }
        SourceSettings s = source.settings();
        String where = "pipelines.sources." + source.name();
        if (!types.containsKey(s.getCursorColumn())) {
            throw new SourceRejectedException(where + ".cursor-column: '" + s.getCursorColumn() + "' is not a column of "
                    + s.getTable() + " (columns: " + types.keySet() + ")");
        }
        for (int i = 0; i < s.getKeyColumns().size(); i++) {
            if (!types.containsKey(s.getKeyColumns().get(i))) {
                throw new SourceRejectedException(where + ".key-columns[" + i + "]: '" + s.getKeyColumns().get(i)
                        + "' is not a column of " + s.getTable() + " (columns: " + types.keySet() + ")");
            }
        }
        return types;
    }

    /**
     * A statement PostgreSQL plans afresh on every execution: its result's columns are read anew each run
     * (a statement kept prepared would fail once a column of the table changed).
     */
    private static void unprepared(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
    }

    private static String recordName(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }
}
