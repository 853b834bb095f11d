package io.pipelines.task;

import java.time.LocalDate;
import java.util.List;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties.BatchPipeline;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.ReplaceGuard;
import io.pipelines.warehouse.StagingLoader;

/**
 * Task load: replaces the logical date in the staging table with the run's validated lake data
 * (refused when it would leave far fewer rows than the loads before, unless the run is forced);
 * once that is committed, the date's earlier runs are dropped from the lake.
 */
@Component("loadTask")
public class LoadStaging {

    private static final Logger log = LoggerFactory.getLogger(LoadStaging.class);

    private final PipelineCatalog catalog;
    private final LandedRuns landed;
    private final StagingLoader loader;

    public LoadStaging(PipelineCatalog catalog, LandedRuns landed, StagingLoader loader) {
        this.catalog = catalog;
        this.landed = landed;
        this.loader = loader;
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date, @Header(RunHeaders.FORCE) Boolean force)
            throws Exception {
        BatchPipeline p = catalog.batch(pipeline);
        String runFolder = LakeKeys.runFolder(p.getLakePrefix(), date, runId);
        Manifest manifest = landed.manifest(runFolder);
        long loaded = loader.replaceDate(p.getStagingTable(), date, runId, manifest,
                new ReplaceGuard(pipeline, p.getMinReplaceShare(), Boolean.TRUE.equals(force)));
        dropEarlierRuns(landed, p, runId, date);
        return new TaskResult(manifest.rows(), loaded, manifest.keys());
    }

    /** Once the date is loaded from this run: the date's earlier runs go from the lake. */
    static void dropEarlierRuns(LandedRuns landed, BatchPipeline p, long runId, LocalDate date) {
        List<String> dropped = landed.dropOtherRuns(LakeKeys.datePartition(p.getLakePrefix(), date),
                LakeKeys.runFolder(p.getLakePrefix(), date, runId));
        if (!dropped.isEmpty()) {
            log.info("{} run {}: dropped {} lake object(s) of earlier runs for {}", p.getName(), runId, dropped.size(), date);
        }
    }
}
