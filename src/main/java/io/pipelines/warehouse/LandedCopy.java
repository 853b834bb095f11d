package io.pipelines.warehouse;

import java.sql.Connection;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * Streams a landed run's records into a {@code COPY ... FROM STDIN} of the caller's transaction,
 * each row led by the same values (the run id, say), and checks the count against the manifest.
 */
final class LandedCopy {

    private LandedCopy() {
    }

    /** Returns the rows copied; fails (the caller rolls back) when they are not the manifest's count. */
    static long copy(Connection c, LandedRuns landed, String copySql, Manifest manifest, String table, Object... leading)
            throws Exception {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        long copied;
        try {
            CopyTextWriter rows = new CopyTextWriter(copy);
            landed.forEachRecord(manifest, record -> {
                for (Object value : leading) {
                    rows.field(value, false);
                }
                int width = record.getSchema().getFields().size();
                for (int i = 0; i < width; i++) {
                    rows.field(record.get(i), i == width - 1);
                }
            });
            copied = rows.finish();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        if (copied != manifest.rows()) {
            throw new IllegalStateException("Loaded " + copied + " rows into " + table + " but the manifest "
                    + "of run " + manifest.runId() + " counts " + manifest.rows() + ": nothing was loaded");
        }
        return copied;
    }
}
