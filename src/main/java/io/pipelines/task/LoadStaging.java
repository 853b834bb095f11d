package io.pipelines.task;

import java.time.LocalDate;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.BlockTask;
import io.pipelines.run.Blocks;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.Step;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.ReplaceDateLoad;
import io.pipelines.warehouse.ReplaceGuard;
import io.pipelines.warehouse.TableLoad;
import io.pipelines.warehouse.StagingLoader;

/**
 * The block warehouse-load (kamelets/warehouse-load.kamelet.yaml) in mode replace-date (mode upsert:
 * SourceLoad, which this bean checks only for the extract it reads): replaces the logical date in a
 * warehouse table with the rows an extract step of the run landed (refused when it would leave far
 * fewer rows than the loads before, unless the run is forced); once that is committed, the date's
 * earlier runs are dropped from the lake.
 */
@Component("loadTask")
public class LoadStaging implements BlockTask {

    private static final Logger log = LoggerFactory.getLogger(LoadStaging.class);

    private final PipelineCatalog catalog;
    private final LandedRuns landed;
    private final StagingLoader loader;
    private final Quarantines quarantines;

    public LoadStaging(PipelineCatalog catalog, LandedRuns landed, StagingLoader loader, Quarantines quarantines) {
        this.catalog = catalog;
        this.landed = landed;
        this.loader = loader;
        this.quarantines = quarantines;
    }

    @Override
    public java.util.Set<String> blocks() {
        return java.util.Set.of("warehouse-load");
    }

    @Override
    public void check(Step step, BatchPipeline pipeline) {
        try {
            SqlIdentifiers.qualified(step.text("table"), "table");
        } catch (RuntimeException e) {
            throw step.wrong("table", "'" + step.text("table") + "' is not schema.table, each a plain SQL name "
                    + "([A-Za-z_][A-Za-z0-9_]*)");
        }
        if (step.text("mode").equals("upsert")) {
            // Upserts a source's rows read after the watermark; the extract checks the rest (SourceExtract).
            Step extract = extractOf(step, pipeline);
            if (!Blocks.SOURCE_EXTRACTS.contains(extract.block())) {
                throw step.wrong("mode", "upsert loads the rows of a " + String.join(" or ", Blocks.SOURCE_EXTRACTS.stream()
                        .sorted().toList()) + " step (by their key, moving the watermark); step " + extract.task()
                        + " is a " + extract.block() + " step: use replace-date");
            }
            return;
        }
        double share = step.number("minReplaceShare");
        if (share < 0 || share > 1) {
            throw step.wrong("minReplaceShare", share + " is not a share between 0 and 1");
        }
        landedBy(step, pipeline);
    }

    /** The extract step whose landed rows a check step reads: a jdbc-extract, table-extract or api-extract step before it. */
    static Step checkedBy(Step step, BatchPipeline pipeline) {
        Step extract = extractOf(step, pipeline);
        if (!(extract.block().equals("jdbc-extract") || Blocks.SOURCE_EXTRACTS.contains(extract.block()))
                || after(extract, step, pipeline)) {
            throw step.wrong("extract", "step " + extract.task() + " is not an extract step (jdbc-extract, "
                    + String.join(", ", Blocks.SOURCE_EXTRACTS.stream().sorted().toList()) + ") before this one");
        }
        return extract;
    }

    /** The extract step whose landed rows a replace-date load reads: a jdbc-extract step before it. */
    static Step landedBy(Step step, BatchPipeline pipeline) {
        Step extract = extractOf(step, pipeline);
        if (!extract.block().equals("jdbc-extract") || after(extract, step, pipeline)) {
            throw step.wrong("extract", "step " + extract.task() + " is not a jdbc-extract step before this one"
                    + (Blocks.SOURCE_EXTRACTS.contains(extract.block()) && step.block().equals("warehouse-load")
                            ? " (a " + extract.block() + " step's rows are loaded with mode: upsert)" : ""));
        }
        return extract;
    }

    private static boolean after(Step extract, Step step, BatchPipeline pipeline) {
        return pipeline.steps().indexOf(extract) > pipeline.steps().indexOf(step);
    }

    /** The step a check or load step's parameter extract names. */
    private static Step extractOf(Step step, BatchPipeline pipeline) {
        return pipeline.step(step.text("extract")).orElseThrow(() -> step.wrong("extract", "pipeline "
                + pipeline.name() + " has no step " + step.text("extract")));
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date, @Header(RunHeaders.FORCE) Boolean force,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) throws Exception {
        Step step = catalog.step(pipeline, task);
        BatchPipeline batch = catalog.batch(pipeline);
        String lakePrefix = landedBy(step, batch).text("lakePrefix");
        Manifest manifest = landed.manifest(LakeKeys.runFolder(lakePrefix, date, runId));
        TableLoad load = quarantines.wrap(Quarantines.checkOf(batch, step.text("extract")).orElse(null), pipeline, date,
                runId, new Schema.Parser().parse(manifest.schema()), new ReplaceDateLoad(step.text("table"), date, runId,
                        new ReplaceGuard(pipeline, step.number("minReplaceShare"), Boolean.TRUE.equals(force))));
        long loaded = loader.replaceDate(runId, manifest, load);
        dropEarlierRuns(landed, pipeline, lakePrefix, runId, date);
        return new TaskResult(manifest.rows(), loaded, manifest.keys());
    }

    /** Once the date is loaded from this run: the date's earlier runs go from the lake. */
    static void dropEarlierRuns(LandedRuns landed, String pipeline, String lakePrefix, long runId, LocalDate date) {
        List<String> dropped = landed.dropOtherRuns(LakeKeys.datePartition(lakePrefix, date),
                LakeKeys.runFolder(lakePrefix, date, runId));
        if (!dropped.isEmpty()) {
            log.info("{} run {}: dropped {} lake object(s) of earlier runs for {}", pipeline, runId, dropped.size(), date);
        }
    }
}
