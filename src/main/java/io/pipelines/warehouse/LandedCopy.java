package io.pipelines.warehouse;

import java.sql.Connection;
import java.util.Optional;

import org.apache.avro.Schema;

import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * A load step reading a landed run back: streams its records from the lake into a {@link TableLoad}
 * in the caller's transaction, checks the count against the manifest and the load's refusal, and
 * completes it.
 */
public final class LandedCopy {

    private LandedCopy() {
    }

    /**
     * Returns the rows written; fails (the caller rolls back) when the rows are not the manifest's
     * count, and refuses (LoadRefusedException) a load whose mode refuses it.
     */
    public static long load(Connection c, LandedRuns landed, TableLoad load, Manifest manifest) throws Exception {
        try (load) {
            load.begin(c, new Schema.Parser().parse(manifest.schema()));
            landed.forEachRecord(manifest, load::row);
            long rows = checkCount(load.endRows(), manifest, load.table());
            Optional<String> refused = load.refusal(c, rows);
            if (refused.isPresent()) {
                throw new ReplaceGuard.LoadRefusedException(refused.get());
            }
            return load.complete(c, manifest);
        }
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
