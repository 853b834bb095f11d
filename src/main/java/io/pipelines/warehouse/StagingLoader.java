package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunFence;
import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * Replaces one logical date of a staging table with a landed run, in one transaction: DELETE the
 * date's rows, COPY the run's records in (streamed from its Parquet objects), check the count.
 * A load that would leave far fewer rows than the loads it replaces is refused first (ReplaceGuard).
 * A failure leaves the date as it was.
 */
@Component
public class StagingLoader {

    /** The columns staging adds before the record's: the date and the run that loaded the row. */
    public static final List<String> LEADING_COLUMNS = List.of("logical_date", "run_id");

    private final DataSource warehouse;
    private final LandedRuns landed;

    private final RunFence fence;

    public StagingLoader(DataSource warehouse, LandedRuns landed, RunFence fence) {
        this.warehouse = warehouse;
        this.landed = landed;
        this.fence = fence;
    }

    /** Returns the rows loaded; refuses (LoadRefusedException) a load that {@code guard} does not let replace the date. */
    public long replaceDate(String stagingTable, LocalDate date, long runId, Manifest manifest, ReplaceGuard guard)
            throws Exception {
        String table = SqlIdentifiers.qualified(stagingTable, "staging table");
        try (Connection c = warehouse.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Only while the run is this instance's: one that was taken for dead must not load over the new owner.
                fence.hold(c, runId);
                guard.check(c, stagingTable, date, runId, manifest.rows());
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE logical_date = ?")) {
                    delete.setObject(1, date);
                    delete.executeUpdate();
                }
                long copied = LandedCopy.copy(c, landed, stagingTable, LEADING_COLUMNS, manifest, stagingTable, date, runId);
                c.commit();
                return copied;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
