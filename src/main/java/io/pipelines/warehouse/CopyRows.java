package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.pipelines.config.SqlIdentifiers;

/**
 * Records streamed into a {@code COPY table (columns) FROM STDIN} of the caller's transaction, each
 * row led by the same values (the logical date and run id, say). PostgreSQL's binary format when
 * every column of the table has the type the records' values have (no text to format here or to
 * parse there); its text format otherwise (any type PostgreSQL can cast from text).
 */
public final class CopyRows implements AutoCloseable {

    private final CopyIn copy;
    private final Object[] leading;
    private final int width;
    private final CopyBinaryWriter binary;
    private final CopyTextWriter text;

    private CopyRows(CopyIn copy, Object[] leading, int width, List<CopyBinaryWriter.Encoder> encoders) {
        this.copy = copy;
        this.leading = leading;
        this.width = width;
        this.binary = encoders == null ? null : new CopyBinaryWriter(copy, encoders);
        this.text = encoders == null ? new CopyTextWriter(copy) : null;
    }

    /**
     * Starts the COPY into {@code table} (schema.table, or a temporary table's name) of the columns
     * {@code leadingColumns} (given {@code leading} on every row) and then the record schema's fields.
     */
    public static CopyRows open(Connection c, String table, List<String> leadingColumns, Schema schema, Object... leading)
            throws SQLException {
        List<Schema.Field> fields = schema.getFields();
        List<String> columns = new ArrayList<>(leadingColumns);
        fields.forEach(f -> columns.add(f.name()));
        String tableSql = table.contains(".") ? SqlIdentifiers.qualified(table, "table") : SqlIdentifiers.quote(table, "table");
        String columnList = columns.stream().map(name -> SqlIdentifiers.quote(name, "column of " + table))
                .collect(Collectors.joining(", "));
        List<CopyBinaryWriter.Encoder> encoders = binaryEncoders(c, tableSql, columns, fields, leading);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + tableSql + " (" + columnList
                + ") FROM STDIN" + (encoders == null ? "" : " (FORMAT binary)"));
        return new CopyRows(copy, leading, fields.size(), encoders);
    }

    /** Whether the rows go in PostgreSQL's binary format. */
    public boolean isBinary() {
        return binary != null;
    }

    public void row(GenericRecord record) throws SQLException {
        if (binary != null) {
            binary.row(leading, record, width);
            return;
        }
        for (Object value : leading) {
            text.field(value, false);
        }
        for (int i = 0; i < width; i++) {
            text.field(record.get(i), i == width - 1);
        }
    }

    /** Sends what is buffered and ends the copy; returns the rows the server took. */
    public long finish() throws SQLException {
        return binary != null ? binary.finish() : text.finish();
    }

    /** Cancels the copy when it was not finished (the caller rolls back). */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }

    /** An encoder per column when every column's type takes its values in binary form; null otherwise. */
    private static List<CopyBinaryWriter.Encoder> binaryEncoders(Connection c, String tableSql, List<String> columns,
                                                                List<Schema.Field> fields, Object[] leading)
            throws SQLException {
        Map<String, String> types = columnTypes(c, tableSql);
        List<CopyBinaryWriter.Encoder> encoders = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String type = types.get(columns.get(i));
            CopyBinaryWriter.Encoder encoder = i < leading.length
                    ? CopyBinaryWriter.forValue(leading[i], type)
                    : CopyBinaryWriter.forField(fields.get(i - leading.length).schema(), type);
            if (encoder == null) {
                return null;
            }
            encoders.add(encoder);
        }
        return encoders;
    }

    /** The table's columns and their type names (pg_type.typname); empty when there is no such table. */
    private static Map<String, String> columnTypes(Connection c, String tableSql) throws SQLException {
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, t.typname FROM pg_attribute a "
                + "JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 "
                + "AND NOT a.attisdropped")) {
            ps.setString(1, tableSql);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }
}
