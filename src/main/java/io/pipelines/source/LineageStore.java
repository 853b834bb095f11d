package io.pipelines.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipelines.config.SourceDefinition;

/**
 * etl.lineage: one row per load of a source into its staging table: the source, the run, the
 * watermark range (or pages) read, the lake keys, the schema version and the rows at each stage.
 */
@Component
public class LineageStore {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public LineageStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records a load, inside its transaction. */
    public void record(Connection c, SourceDefinition source, Increment increment, List<String> lakeKeys, long rowsLanded,
                       long rowsLoaded) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.lineage (target_table, source, source_type, origin, "
                + "run_id, logical_date, watermark_from, watermark_to, bound, pages_read, schema_version, lake_keys, rows_read, "
                + "rows_landed, rows_loaded) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            ps.setString(1, source.stagingTable());
            ps.setString(2, source.name());
            ps.setString(3, source.type());
            ps.setString(4, source.origin());
            ps.setLong(5, increment.runId());
            ps.setObject(6, increment.logicalDate());
            ps.setString(7, write(increment.from()));
            ps.setString(8, write(increment.to()));
            ps.setString(9, increment.bound());
            if (increment.pagesRead() == null) {
                ps.setNull(10, Types.INTEGER);
            } else {
                ps.setInt(10, increment.pagesRead());
            }
            ps.setInt(11, increment.schemaVersion());
            ps.setString(12, write(lakeKeys));
            ps.setLong(13, increment.rowsRead());
            ps.setLong(14, rowsLanded);
            ps.setLong(15, rowsLoaded);
            ps.executeUpdate();
        }
    }

    /** The rows loaded by this run's load of the source, inside the caller's transaction; null when it has none. */
    public Long rowsLoaded(Connection c, String source, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rows_loaded FROM etl.lineage WHERE source = ? AND run_id = ? ORDER BY lineage_id DESC LIMIT 1")) {
            ps.setString(1, source);
            ps.setLong(2, runId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The loads of a staging table, newest first. */
    public List<Map<String, Object>> forTable(String table, int limit) {
        return jdbc.query("SELECT lineage_id, target_table, source, source_type, origin, run_id, logical_date, "
                + "watermark_from::text, watermark_to::text, bound, pages_read, schema_version, lake_keys::text, rows_read, "
                + "rows_landed, rows_loaded, loaded_at FROM etl.lineage WHERE target_table = ? ORDER BY lineage_id DESC LIMIT ?",
                (rs, i) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("lineageId", rs.getLong("lineage_id"));
                    row.put("table", rs.getString("target_table"));
                    row.put("source", rs.getString("source"));
                    row.put("sourceType", rs.getString("source_type"));
                    row.put("origin", rs.getString("origin"));
                    row.put("runId", rs.getLong("run_id"));
                    row.put("logicalDate", rs.getObject("logical_date", java.time.LocalDate.class));
                    row.put("watermarkFrom", read(rs.getString("watermark_from")));
                    row.put("watermarkTo", read(rs.getString("watermark_to")));
                    row.put("bound", rs.getString("bound"));
                    row.put("pagesRead", rs.getObject("pages_read"));
                    row.put("schemaVersion", rs.getInt("schema_version"));
                    row.put("lakeKeys", read(rs.getString("lake_keys")));
                    row.put("rowsRead", rs.getLong("rows_read"));
                    row.put("rowsLanded", rs.getLong("rows_landed"));
                    row.put("rowsLoaded", rs.getLong("rows_loaded"));
                    row.put("loadedAt", rs.getObject("loaded_at", java.time.OffsetDateTime.class));
                    return row;
                }, table, limit);
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
