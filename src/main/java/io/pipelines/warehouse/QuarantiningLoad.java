package io.pipelines.warehouse;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.Manifest;

/**
 * A load of a logical date that holds back the rows its check's rules say are bad: they go to
 * {@code quarantine.<table>} (the run, the row's columns as JSON, the expectations it broke), the rest
 * to the table by the load it wraps, in the same transaction. The date's quarantined rows are replaced
 * with the date's rows like any load (a re-run after the source is fixed leaves none). The held rows
 * are spooled to disk until the load's rows are sent, so memory stays bounded.
 */
public final class QuarantiningLoad implements TableLoad {

    /** The schema of the quarantine tables (V32). */
    public static final String SCHEMA = "quarantine";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;

    private final TableLoad load;
    private final String pipeline;
    private final LocalDate date;
    private final long runId;
    private final Rules broken;
    private final Path spoolDir;
    private Connection connection;
    private Path spool;
    private BufferedWriter held;
    private long position;
    private long quarantined;

    /** What holds a row back: the expectations it broke. */
    public interface Rules extends AutoCloseable {
        /** The labels of the expectations the row broke; empty when it is to be loaded. */
        List<String> broken(GenericRecord row);

        @Override
        void close();
    }

    public QuarantiningLoad(TableLoad load, String pipeline, LocalDate date, long runId, Rules broken, Path spoolDir) {
        this.load = load;
        this.pipeline = pipeline;
        this.date = date;
        this.runId = runId;
        this.broken = broken;
        this.spoolDir = spoolDir;
    }

    /** quarantine.&lt;the table's name&gt; of a schema.table. */
    public static String tableOf(String table) {
        return SCHEMA + "." + table.substring(table.indexOf('.') + 1);
    }

    @Override
    public String table() {
        return load.table();
    }

    @Override
    public void begin(Connection c, Schema schema) throws Exception {
        connection = c;
        String quarantine = quoted();
        try (var st = c.createStatement()) {
            // One creation at a time across runs and instances (CREATE IF NOT EXISTS alone races on the catalog).
            st.execute("SELECT pg_advisory_xact_lock(hashtext('" + quarantine.replace("'", "''") + "'))");
            st.execute("CREATE TABLE IF NOT EXISTS " + quarantine + " (logical_date date NOT NULL, run_id bigint NOT NULL, "
                    + "pipeline text NOT NULL, row_number bigint NOT NULL, record jsonb NOT NULL, "
                    + "failed_expectations text[] NOT NULL, quarantined_at timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (run_id, row_number))");
            st.execute("CREATE INDEX IF NOT EXISTS " + SqlIdentifiers.quote(load.table().substring(load.table().indexOf('.') + 1)
                    + "_date", "quarantine table") + " ON " + quarantine + " (logical_date)");
        }
        try (PreparedStatement own = c.prepareStatement("DELETE FROM " + quarantine + " WHERE run_id = ?")) {
            own.setLong(1, runId); // an attempt whose commit answer was lost
            own.executeUpdate();
        }
        Files.createDirectories(spoolDir);
        spool = Files.createTempFile(spoolDir, "quarantine", ".jsonl");
        held = Files.newBufferedWriter(spool, StandardCharsets.UTF_8);
        load.begin(c, schema);
    }

    @Override
    public void row(GenericRecord record) throws SQLException {
        position++;
        List<String> failed = broken.broken(record);
        if (failed.isEmpty()) {
            load.row(record);
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("row", position);
        line.set("record", JSON.valueToTree(columns(record)));
        line.set("failed", JSON.valueToTree(failed));
        try {
            held.write(JSON.writeValueAsString(line));
            held.newLine();
        } catch (IOException e) {
            throw new SQLException("Cannot spool a quarantined row under " + spoolDir + ": " + e.getMessage(), e);
        }
        quarantined++;
    }

    /** The row's columns as JSON takes them: numbers and booleans as such, anything else as its text. */
    private static Map<String, Object> columns(GenericRecord record) {
        Map<String, Object> columns = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            columns.put(f.name(), v == null || v instanceof Number || v instanceof Boolean ? v : v.toString());
        }
        return columns;
    }

    /** Ends the rows: the loaded ones, then the held ones into the quarantine; returns both (the manifest's count). */
    @Override
    public long endRows() throws SQLException {
        long loaded = load.endRows();
        try {
            held.close();
            held = null;
            insertHeld();
        } catch (IOException e) {
            throw new SQLException("Cannot read the quarantined rows back from " + spool + ": " + e.getMessage(), e);
        }
        return loaded + quarantined;
    }

    private void insertHeld() throws IOException, SQLException {
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + quoted() + " (logical_date, run_id, "
                     + "pipeline, row_number, record, failed_expectations) VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
            int batched = 0;
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                JsonNode line = JSON.readTree(text);
                insert.setObject(1, date);
                insert.setLong(2, runId);
                insert.setString(3, pipeline);
                insert.setLong(4, line.get("row").asLong());
                insert.setString(5, line.get("record").toString());
                List<String> failed = JSON.convertValue(line.get("failed"), JSON.getTypeFactory()
                        .constructCollectionType(List.class, String.class));
                Array names = connection.createArrayOf("text", failed.toArray());
                insert.setArray(6, names);
                insert.addBatch();
                if (++batched == BATCH) {
                    insert.executeBatch();
                    batched = 0;
                }
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        }
    }

    /** The rows held back (after {@link #endRows}). */
    public long quarantined() {
        return quarantined;
    }

    @Override
    public Optional<String> refusal(Connection c, long rows) throws SQLException {
        return load.refusal(c, rows - quarantined);
    }

    /** Completes the wrapped load, and drops the date's quarantined rows of other runs; returns the rows loaded. */
    @Override
    public long complete(Connection c, Manifest manifest) throws Exception {
        long loaded = load.complete(c, manifest);
        try (PreparedStatement others = c.prepareStatement("DELETE FROM " + quoted()
                + " WHERE logical_date = ? AND pipeline = ? AND run_id <> ?")) {
            others.setObject(1, date);
            others.setString(2, pipeline);
            others.setLong(3, runId);
            others.executeUpdate();
        }
        return loaded;
    }

    @Override
    public void close() throws SQLException {
        try {
            load.close();
        } finally {
            broken.close();
            try {
                if (held != null) {
                    held.close();
                }
                if (spool != null) {
                    Files.deleteIfExists(spool);
                }
            } catch (IOException e) {
                throw new SQLException("Cannot delete the quarantine's spool " + spool + ": " + e.getMessage(), e);
            }
        }
    }

    private String quoted() {
        return SqlIdentifiers.qualified(tableOf(load.table()), "quarantine table");
    }
}
