package io.pipelines.source;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Savepoint;
import java.time.LocalDate;

import javax.sql.DataSource;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.cluster.RunFence;
import io.pipelines.lake.Lake;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.LandedCopy;
import io.pipelines.warehouse.StagingUpsert;
import io.pipelines.config.SourceDefinition;

/**
 * The block warehouse-load in mode upsert (kamelets/warehouse-load.kamelet.yaml), a source
 * pipeline's task load when its extract's pass could not load, in one warehouse transaction: lock the source's watermark and
 * check it is the one the extract started after; bring the staging table's columns in line with the
 * landed schema and record a new schema version; upsert the landed rows by key; move the watermark
 * to the last row landed; record the lineage. A failure leaves all of it as it was. Run again after it
 * committed (same run: a retry after a lost commit answer, or a run taken over and resumed from this
 * task), it finds the mark moved by this run to the increment's end and loads nothing more.
 */
@Component("sourceLoadTask")
public class SourceLoad {

    private static final Logger log = LoggerFactory.getLogger(SourceLoad.class);

    private final PipelineCatalog catalog;
    private final LandedRuns landed;
    private final Lake lake;
    private final ObjectMapper json;
    private final DataSource warehouse;
    private final SourceStores stores;
    private final RunFence fence;
    private final SourceSteps steps;

    public SourceLoad(PipelineCatalog catalog, LandedRuns landed, Lake lake, ObjectMapper json, DataSource warehouse,
                      SourceStores stores, RunFence fence, SourceSteps steps) {
        this.catalog = catalog;
        this.landed = landed;
        this.lake = lake;
        this.json = json;
        this.warehouse = warehouse;
        this.stores = stores;
        this.fence = fence;
        this.steps = steps;
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) throws Exception {
        SourceDefinition source = steps.of(pipeline, catalog.step(pipeline, task).text("extract"));
        String runFolder = LakeKeys.runFolder(source.lakePrefix(), date, runId);
        Manifest manifest = landed.manifest(runFolder);
        Increment increment = increment(runFolder);
        long loaded;
        try (Connection c = warehouse.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Only while the run is this instance's (see RunFence), then only from the mark the extract started at.
                fence.hold(c, runId);
                boolean moved = stores.watermarks().lockAndCheck(c, source.name(), increment.from(), increment.to(), runId);
                // This run's load committed already (the task runs again after a lost commit answer, or in a run
                // taken over and resumed): the mark is at its end, or (nothing new) its lineage is recorded.
                Long done = moved || increment.to() == null ? stores.lineage().rowsLoaded(c, source.name(), runId) : null;
                if (moved || done != null) {
                    c.commit();
                    long rows = done == null ? manifest.rows() : done;
                    log.info("{} run {}: already loaded by this run ({} row(s) upserted into {}, watermark at {}): nothing more to do",
                            pipeline, runId, rows, source.stagingTable(), increment.to() == null ? increment.from() : increment.to());
                    return new TaskResult(manifest.rows(), rows, manifest.keys());
                }
                loaded = load(c, source, runId, increment, manifest);
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        log.info("{} run {}: {} row(s) upserted into {}, watermark {} -> {}", pipeline, runId, loaded,
                source.stagingTable(), increment.from(), increment.to() == null ? increment.from() : increment.to());
        return new TaskResult(manifest.rows(), loaded, manifest.keys());
    }

    /** Upserts the landed rows and completes the load (watermark, schema version, lineage) in the transaction. */
    private long load(Connection c, SourceDefinition source, long runId, Increment increment, Manifest manifest)
            throws Exception {
        Savepoint before = c.setSavepoint();
        SourceUpsertLoad load = upsert(source, runId, increment, true);
        try {
            return LandedCopy.load(c, landed, load, manifest);
        } catch (Exception e) {
            if (!load.straight() || !StagingUpsert.isUniqueViolation(e)) {
                throw e;
            }
            // Two records of one key (an API that paged a record twice) went straight into the new table: the upsert keeps the last.
            c.rollback(before);
            return LandedCopy.load(c, landed, upsert(source, runId, increment, false), manifest);
        }
    }

    private SourceUpsertLoad upsert(SourceDefinition source, long runId, Increment increment, boolean mayCopyStraight) {
        SourceUpsertLoad load = new SourceUpsertLoad(source, runId, increment.from(), mayCopyStraight, stores);
        load.increment(increment);
        return load;
    }

    private Increment increment(String runFolder) {
        try {
            return json.readValue(lake.read(runFolder + Increment.FILE), Increment.class);
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable " + lake.uri(runFolder + Increment.FILE)
                    + ": run the extract task again", e);
        }
    }
}
