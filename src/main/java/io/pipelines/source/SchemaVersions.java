package io.pipelines.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipelines.schema.SourceColumn;

/** etl.schema_versions: the versions of each source's schema (columns and types, when, what changed). */
@Component
public class SchemaVersions {

    /** A recorded version. */
    public record Version(int version, List<SourceColumn> columns) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public SchemaVersions(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The source's latest version; null before its first load. */
    public Version latest(String source) {
        return jdbc.query("SELECT version, columns::text FROM etl.schema_versions WHERE source = ? ORDER BY version DESC LIMIT 1",
                rs -> {
                    if (!rs.next()) {
                        return null;
                    }
                    try {
                        return new Version(rs.getInt(1), json.readValue(rs.getString(2), new TypeReference<List<SourceColumn>>() { }));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("etl.schema_versions: unreadable columns of " + source, e);
                    }
                }, source);
    }

    /** Records a new version, inside the load's transaction (a version already recorded is left as it is). */
    public void record(Connection c, String source, int version, List<SourceColumn> columns, String change, long runId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.schema_versions (source, version, columns, change, run_id) "
                + "VALUES (?, ?, ?::jsonb, ?, ?) ON CONFLICT (source, version) DO NOTHING")) {
            ps.setString(1, source);
            ps.setInt(2, version);
            ps.setString(3, json.writeValueAsString(columns));
            ps.setString(4, change);
            ps.setLong(5, runId);
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
