package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.schema.SchemaEvolution;
import io.pipelines.schema.SourceColumn;

/**
 * Makes a source's staging table follow the source, inside the load's transaction: created on the
 * first load (the key as primary key, plus {@code _run_id} and {@code _loaded_at}); a column new in
 * the source added; a widened column altered. A column gone from the source is kept.
 */
@Component
public class StagingSchema {

    /** Columns staging adds to every source's rows. */
    public static final List<String> LOAD_COLUMNS = List.of("_run_id", "_loaded_at");

    /**
     * The table after the change: its columns in table order (name -> type as PostgreSQL formats it),
     * and whether this call made it (in the caller's transaction: no one else sees it yet).
     */
    public record Evolved(Map<String, String> columns, boolean made) {
    }

    public Evolved evolve(Connection c, String source, String stagingTable, List<SourceColumn> columns,
                                      List<String> keys) throws SQLException {
        String table = SqlIdentifiers.qualified(stagingTable, "warehouse-table");
        Map<String, String> existing = columns(c, stagingTable);
        try (Statement st = c.createStatement()) {
            if (existing.isEmpty()) {
                String defs = columns.stream().map(col -> quote(col.name()) + " " + col.type()
                        + (keys.contains(col.name()) ? " NOT NULL" : "")).collect(Collectors.joining(", "));
                st.execute("CREATE TABLE " + table + " (" + defs + ", \"_run_id\" bigint NOT NULL, "
                        + "\"_loaded_at\" timestamptz NOT NULL DEFAULT now(), PRIMARY KEY ("
                        + keys.stream().map(StagingSchema::quote).collect(Collectors.joining(", ")) + "))");
            } else {
                for (SourceColumn col : columns) {
                    String type = existing.get(col.name());
                    if (type == null) {
                        st.execute("ALTER TABLE " + table + " ADD COLUMN " + quote(col.name()) + " " + col.type());
                    } else if (!type.equals(col.type()) && !SchemaEvolution.holds(type, col.type())) {
                        // Also a column back in the source after a run without it: its staging type is the one to keep.
                        SchemaEvolution.requireWidening(source, col.name(), type, col.type());
                        st.execute("ALTER TABLE " + table + " ALTER COLUMN " + quote(col.name()) + " TYPE " + col.type());
                    }
                }
            }
        }
        return new Evolved(columns(c, stagingTable), existing.isEmpty());
    }

    private static Map<String, String> columns(Connection c, String stagingTable) throws SQLException {
        String[] parts = stagingTable.split("\\.");
        Map<String, String> found = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                + "JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), shortName(rs.getString(2)));
                }
            }
        }
        return found;
    }

    /** PostgreSQL's name of a type, in the words SourceColumn uses. */
    private static String shortName(String formatted) {
        return switch (formatted) {
            case "timestamp without time zone" -> "timestamp";
            case "timestamp with time zone" -> "timestamptz";
            default -> formatted;
        };
    }

    static String quote(String name) {
        return SqlIdentifiers.quote(name, "column");
    }
}
