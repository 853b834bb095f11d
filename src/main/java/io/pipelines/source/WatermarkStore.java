package io.pipelines.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipelines.schema.SourceRejectedException;

/** etl.watermarks: each source's high-water mark, read at the extract and moved inside the load's transaction. */
@Component
public class WatermarkStore {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public WatermarkStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The source's mark; null before its first load. */
    public Watermark current(String source) {
        return jdbc.query("SELECT cursor_value, key_values::text FROM etl.watermarks WHERE source = ?",
                rs -> rs.next() ? mark(rs) : null, source);
    }

    /**
     * Locks the source's mark for the rest of the transaction and checks that it is still the one the
     * run's extract started after: another run that loaded in between would make this one load rows twice.
     * Returns true when this very run already moved it to {@code to} (its load committed before, and the
     * task is run again: a retry after a lost commit answer, or a run taken over and resumed): nothing is
     * left to load.
     */
    public boolean lockAndCheck(Connection c, String source, Watermark expected, Watermark to, long runId) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO etl.watermarks (source) VALUES (?) ON CONFLICT (source) DO NOTHING")) {
            insert.setString(1, source);
            insert.executeUpdate();
        }
        Watermark now;
        Long movedBy;
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT cursor_value, key_values::text, run_id FROM etl.watermarks WHERE source = ? FOR UPDATE")) {
            lock.setString(1, source);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                now = mark(rs);
                movedBy = rs.getObject(3) == null ? null : rs.getLong(3);
            }
        }
        if (to != null && to.equals(now) && movedBy != null && movedBy == runId) {
            return true;
        }
        if (!java.util.Objects.equals(now, expected)) {
            throw new SourceRejectedException("Source " + source + ": the watermark moved to " + now
                    + " since this run's extract started after " + expected + " (another run loaded meanwhile); "
                    + "nothing was loaded: start a new run");
        }
        return false;
    }

    /** Moves the mark, inside the load's transaction. */
    public void move(Connection c, String source, Watermark to, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE etl.watermarks SET cursor_value = ?, key_values = ?::jsonb, "
                + "run_id = ?, updated_at = now() WHERE source = ?")) {
            ps.setString(1, to.cursor());
            ps.setString(2, write(to.key()));
            ps.setLong(3, runId);
            ps.setString(4, source);
            ps.executeUpdate();
        }
    }

    private Watermark mark(ResultSet rs) throws SQLException {
        String cursor = rs.getString(1);
        if (cursor == null) {
            return null;
        }
        try {
            return new Watermark(cursor, json.readValue(rs.getString(2), new TypeReference<List<String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("etl.watermarks: unreadable key_values of a source: " + e.getMessage(), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
