package io.pipelines.warehouse;

import java.sql.Connection;
import java.util.List;

import org.apache.avro.Schema;

import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * Streams a landed run's records into a {@code COPY ... FROM STDIN} of the caller's transaction,
 * each row led by the same values (the run id, say), and checks the count against the manifest.
 */
public final class LandedCopy {

    private LandedCopy() {
    }

    /** Returns the rows copied; fails (the caller rolls back) when they are not the manifest's count. */
    static long copy(Connection c, LandedRuns landed, String table, List<String> leadingColumns, Manifest manifest,
                     String named, Object... leading) throws Exception {
        long copied;
        try (CopyRows rows = CopyRows.open(c, table, leadingColumns, new Schema.Parser().parse(manifest.schema()), leading)) {
            landed.forEachRecord(manifest, rows::row);
            copied = rows.finish();
        }
        return checkCount(copied, manifest, named);
    }

    /** Fails (the caller rolls back) when the rows copied are not the manifest's count. */
    public static long checkCount(long copied, Manifest manifest, String table) {
        if (copied != manifest.rows()) {
            throw new IllegalStateException("Loaded " + copied + " rows into " + table + " but the manifest "
                    + "of run " + manifest.runId() + " counts " + manifest.rows() + ": nothing was loaded");
        }
        return copied;
    }
}
