package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.pipelines.lake.Manifest;

/**
 * One load of a run's rows into a warehouse table, in the caller's transaction, by a mode (replace
 * the logical date: {@link ReplaceDateLoad}; upsert by key, as a source's load does). The same load
 * object serves a load fed in an extract's pass (rows as they are read) and a load step reading the
 * landed objects back: {@link #begin}, then {@link #row} for each row, {@link #endRows}, then
 * {@link #refusal} and {@link #complete}. Nothing is committed here: the caller commits or rolls back.
 */
public interface TableLoad extends AutoCloseable {

    /** The table loaded, schema.table (for messages). */
    String table();

    /** Prepares the table in the transaction and starts taking rows of {@code schema}. */
    void begin(Connection c, Schema schema) throws Exception;

    void row(GenericRecord record) throws SQLException;

    /** Ends the rows; returns the rows the server took (checked against the manifest by the caller). */
    long endRows() throws SQLException;

    /** Why the rows must not be committed, read in the transaction; empty when they may. */
    default Optional<String> refusal(Connection c, long rows) throws SQLException {
        return Optional.empty();
    }

    /** Completes the load in the transaction; returns the rows written to the table. */
    long complete(Connection c, Manifest manifest) throws Exception;

    /** Cancels rows still being sent (the caller rolls back). */
    @Override
    void close() throws SQLException;
}
