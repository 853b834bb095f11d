package io.pipelines.lake;

import java.time.LocalDate;

/**
 * Where a batch run's objects lie in the lake:
 * {@code <prefix>/dt=<date>/run=<run id>/part-NNNNN.parquet}, then {@code _manifest.json} in the same folder.
 */
public final class LakeKeys {

    public static final String MANIFEST = "_manifest.json";

    private LakeKeys() {
    }

    /** The folder of a logical date: every run of that date lies under it. */
    public static String datePartition(String lakePrefix, LocalDate date) {
        return trimSlashes(lakePrefix) + "/dt=" + date + "/";
    }

    /** The folder of one run of a date. */
    public static String runFolder(String lakePrefix, LocalDate date, long runId) {
        return datePartition(lakePrefix, date) + "run=" + runId + "/";
    }

    public static String part(String runFolder, int index) {
        return runFolder + String.format("part-%05d.parquet", index);
    }

    public static String manifest(String runFolder) {
        return runFolder + MANIFEST;
    }

    private static String trimSlashes(String prefix) {
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
