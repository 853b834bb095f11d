package io.pipelines.task;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;

import javax.sql.DataSource;

import org.apache.avro.Schema;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.quality.QualityCheckFailedException;
import io.pipelines.quality.QualityResults;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.quality.SuiteRun;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.BlockTask;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.Step;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.BatchTable;

/**
 * The block quality-check (kamelets/quality-check.kamelet.yaml): checks the rows an extract step
 * of the run landed against a quality suite, in one pass over its Parquet objects. Every
 * expectation's outcome goes to etl.quality_results; any failed expectation fails the task, so
 * nothing of the date is loaded.
 */
@Component("validateTask")
public class ValidateLanded implements BlockTask {

    private static final Logger log = LoggerFactory.getLogger(ValidateLanded.class);

    private final PipelineCatalog catalog;
    private final LandedRuns landed;
    private final QualitySuiteParser parser;
    private final QualityResults results;
    private final QualityWarnings warnings;
    private final Path spoolDir;
    private final int maxUnexpectedRows;
    private final DataDocs dataDocs;
    private final DataSource warehouse;

    private final LoadHistory history;

    public ValidateLanded(PipelineCatalog catalog, LandedRuns landed, QualitySuiteParser parser, QualityResults results,
                          QualityWarnings warnings, LoadHistory history, DataDocs dataDocs, DataSource warehouse,
                          PipelinesProperties properties) {
        this.dataDocs = dataDocs;
        this.warehouse = warehouse;
        this.warnings = warnings;
        this.history = history;
        this.catalog = catalog;
        this.landed = landed;
        this.parser = parser;
        this.results = results;
        this.spoolDir = properties.getLake().getSpoolDir();
        this.maxUnexpectedRows = properties.getQuality().getMaxUnexpectedRows();
    }

    @Override
    public java.util.Set<String> blocks() {
        return java.util.Set.of("quality-check");
    }

    @Override
    public void check(Step step, BatchPipeline pipeline) {
        try {
            parser.parse(ProjectFiles.path(step.text("suite")));
        } catch (RuntimeException e) {
            throw step.wrong("suite", e.getMessage());
        }
        Step extract = LoadStaging.checkedBy(step, pipeline);
        if (step.flag("quarantine") && pipeline.steps().stream().noneMatch(s -> s.block().equals("warehouse-load")
                && s.text("extract").equals(extract.task()) && !s.text("mode").equals("upsert"))) {
            throw step.wrong("quarantine", "the rows held back go to quarantine.<table> of a warehouse-load step in mode "
                    + "replace-date reading extract " + extract.task() + ", and the pipeline has none");
        }
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) throws Exception {
        Step step = catalog.step(pipeline, task);
        QualitySuite suite = parser.parse(ProjectFiles.path(step.text("suite")));
        String lakePrefix = LoadStaging.checkedBy(step, catalog.batch(pipeline)).text("lakePrefix");
        Manifest manifest = landed.manifest(LakeKeys.runFolder(lakePrefix, date, runId));
        List<ExpectationResult> outcome;
        Schema schema = new Schema.Parser().parse(manifest.schema());
        // A suite's SQL checks read the rows in a temporary table of the warehouse, filled in the same pass.
        try (SuiteRun check = new SuiteRun(suite, schema, spoolDir, history.of(task, runId), maxUnexpectedRows);
             Connection c = suite.queriesRows() ? warehouse.getConnection() : null;
             BatchTable batch = c == null ? null : new BatchTable(c, schema)) {
            if (batch != null) {
                check.queryRowsWith(batch);
            }
            landed.forEachRecord(manifest, r -> {
                check.accept(r);
                if (batch != null) {
                    batch.row(r);
                }
            });
            outcome = check.results();
            results.save(runId, suite.name(), outcome, check.unexpectedRows());
            dataDocs.write(pipeline, runId, date, task, LakeKeys.runFolder(lakePrefix, date, runId), suite.name(), check,
                    outcome, step.flag("quarantine") ? Quarantines.tableOf(catalog.batch(pipeline)).orElse(null) : null);
        }
        List<ExpectationResult> failed = outcome.stream().filter(ExpectationResult::blocking).toList();
        if (!failed.isEmpty()) {
            throw new QualityCheckFailedException(suite.name(), failed);
        }
        warnings.report(pipeline, runId, task, suite.name(), outcome);
        log.info("{} run {}: {} expectation(s) of {} met on {} rows", pipeline, runId, outcome.size(), suite.name(),
                manifest.rows());
        return new TaskResult(manifest.rows(), manifest.rows(), manifest.keys());
    }
}
