package io.pipelines.warehouse;

import java.sql.Connection;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunFence;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * Replaces one logical date of a table with a landed run, in one transaction ({@link ReplaceDateLoad}:
 * COPY the run's records in, streamed from its Parquet objects, check the count, delete the date's
 * rows of other runs). A load that would leave far fewer rows than the loads it replaces is refused
 * (ReplaceGuard). A failure leaves the date as it was.
 */
@Component
public class StagingLoader {

    private final DataSource warehouse;
    private final LandedRuns landed;
    private final RunFence fence;

    public StagingLoader(DataSource warehouse, LandedRuns landed, RunFence fence) {
        this.warehouse = warehouse;
        this.landed = landed;
        this.fence = fence;
    }

    /**
     * Returns the rows loaded by {@code load} (a {@link ReplaceDateLoad}, maybe holding rows back); refuses
     * (LoadRefusedException) a load its guard does not let replace the date.
     */
    public long replaceDate(long runId, Manifest manifest, TableLoad load) throws Exception {
        try (Connection c = warehouse.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Only while the run is this instance's: one that was taken for dead must not load over the new owner.
                fence.hold(c, runId);
                long loaded = LandedCopy.load(c, landed, load, manifest);
                c.commit();
                return loaded;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
