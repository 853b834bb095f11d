package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Optional;

import io.pipelines.config.SqlIdentifiers;

/**
 * The check before a load replaces a logical date of a staging table: a run that would leave far
 * fewer rows than the loads before it (a purged source, a wrong connection, a lagging replica) is
 * refused rather than trusted, unless it was forced. {@code minShare} is the share of the rows of
 * other runs the new load must reach; 0 turns the check off.
 */
public record ReplaceGuard(String pipeline, double minShare, boolean forced) {

    /** Why a load of {@code rows} rows must not replace the date, read in the load's transaction; empty when it may. */
    public Optional<String> refusal(Connection c, String stagingTable, LocalDate date, long runId, long rows)
            throws SQLException {
        if (forced || minShare <= 0) {
            return Optional.empty();
        }
        long loaded;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
                + SqlIdentifiers.qualified(stagingTable, "staging table") + " WHERE logical_date = ? AND run_id <> ?")) {
            ps.setObject(1, date);
            ps.setLong(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                loaded = rs.getLong(1);
            }
        }
        if (loaded == 0 || rows >= Math.ceil(loaded * minShare)) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT, "%s for %s: run %d would replace the %,d loaded row(s) "
                + "with %,d, fewer than %s %% of them (minReplaceShare of %s's load step); refused: the earlier load "
                + "and its lake objects are kept. If the source really holds that few, run the date again with "
                + "\"force\": true", stagingTable, date, runId, loaded, rows, share(), pipeline));
    }

    /** Throws {@link LoadRefusedException} when the load must not replace the date. */
    public void check(Connection c, String stagingTable, LocalDate date, long runId, long rows) throws SQLException {
        Optional<String> why = refusal(c, stagingTable, date, runId, rows);
        if (why.isPresent()) {
            throw new LoadRefusedException(why.get());
        }
    }

    private String share() {
        double percent = minShare * 100;
        return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    }

    /**
     * A load refused by the check: bad input, not a failure that a retry cures (it is an
     * IllegalArgumentException, which task retries leave alone).
     */
    public static class LoadRefusedException extends IllegalArgumentException {
        public LoadRefusedException(String message) {
            super(message);
        }
    }
}
