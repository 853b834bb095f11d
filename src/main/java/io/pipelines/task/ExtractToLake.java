package io.pipelines.task;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.avro.generic.GenericRecord;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunFence;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;
import io.pipelines.config.SourceConnections;
import io.pipelines.lake.BackgroundPartWriter;
import io.pipelines.lake.JdbcAvroSchema;
import io.pipelines.lake.Lake;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.lake.ParquetPartWriter;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.BlockTask;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.Step;
import io.pipelines.run.TaskResult;

/**
 * The block jdbc-extract (kamelets/jdbc-extract.kamelet.yaml): streams the rows of the logical
 * date from the source (a cursor with a fetch size) into Parquet objects of the run's lake folder,
 * then commits the folder with its manifest. When the step names the check and the load it feeds
 * (and its single pass is on), the same rows are validated and loaded at once ({@link InPassLoader}),
 * and those two steps are then recorded as done with this one; the date's earlier runs stay until
 * this run is loaded. Nothing is held in memory but one row group and a few chunks of rows.
 */
@Component("extractTask")
public class ExtractToLake implements BlockTask {

    private static final Logger log = LoggerFactory.getLogger(ExtractToLake.class);
    private static final Set<String> PARAMETERS = Set.of("window_start", "window_end");

    private final PipelineCatalog catalog;
    private final SourceConnections sources;
    private final Lake lake;
    private final LandedRuns landed;
    private final PipelinesProperties.Lake settings;
    private final RunFence fence;
    private final InPassLoader inPass;

    public ExtractToLake(PipelineCatalog catalog, SourceConnections sources, Lake lake, LandedRuns landed,
                         PipelinesProperties properties, RunFence fence, InPassLoader inPass) {
        this.catalog = catalog;
        this.sources = sources;
        this.lake = lake;
        this.landed = landed;
        this.settings = properties.getLake();
        this.fence = fence;
        this.inPass = inPass;
    }

    @Override
    public java.util.Set<String> blocks() {
        return java.util.Set.of("jdbc-extract");
    }

    @Override
    public void check(Step step, BatchPipeline pipeline) {
        try {
            sources.settings(step.text("connection"));
        } catch (RuntimeException e) {
            throw step.wrong("connection", e.getMessage());
        }
        try {
            checkParameters(step.text("query"), NamedParameterUtils.parseSqlStatement(ProjectFiles.read(step.text("query"))));
        } catch (RuntimeException e) {
            throw step.wrong("query", e.getMessage());
        }
        if (step.text("check").isEmpty() != step.text("load").isEmpty()) {
            throw step.wrong(step.text("check").isEmpty() ? "check" : "load", "the pass feeds a check and a load "
                    + "together: name both or neither");
        }
        fed(step, pipeline, "check", "quality-check");
        fed(step, pipeline, "load", "warehouse-load");
    }

    /** A check or load the pass feeds: a later step of the pipeline, of that block, reading this extract. */
    public static void fed(Step step, BatchPipeline pipeline, String parameter, String block) {
        String task = step.text(parameter);
        if (task.isEmpty()) {
            return;
        }
        Step fed = pipeline.step(task).orElseThrow(() -> step.wrong(parameter, "pipeline " + pipeline.name()
                + " has no step " + task));
        if (!fed.block().equals(block) || !fed.text("extract").equals(step.task())
                || pipeline.steps().indexOf(fed) < pipeline.steps().indexOf(step)) {
            throw step.wrong(parameter, "step " + task + " must be a " + block + " step after this one, with extract: "
                    + step.task());
        }
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date, @Header(RunHeaders.FORCE) Boolean force,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) throws Exception {
        Step step = catalog.step(pipeline, task);
        String lakePrefix = step.text("lakePrefix");
        String runFolder = LakeKeys.runFolder(lakePrefix, date, runId);
        landed.clear(runFolder);

        ZoneId zone = catalog.zone(pipeline);
        MapSqlParameterSource window = new MapSqlParameterSource()
                .addValue("window_start", date.atStartOfDay(zone).toOffsetDateTime())
                .addValue("window_end", date.plusDays(1).atStartOfDay(zone).toOffsetDateTime());
        ParsedSql query = NamedParameterUtils.parseSqlStatement(ProjectFiles.read(step.text("query")));
        checkParameters(step.text("query"), query);

        // The rows' Avro record is named after the last part of the lake prefix (raw/sales/orders: orders).
        String table = lakePrefix.substring(lakePrefix.lastIndexOf('/') + 1);
        PipelinesProperties.Connection source = sources.settings(step.text("connection"));
        DataSource dataSource = sources.dataSource(step.text("connection"));
        ProgressLog progress = new ProgressLog(log, pipeline + " run " + runId + " extract");
        List<Manifest.LakeObject> objects;
        String schemaJson;
        InPassLoader.Load load = null;
        try (Connection c = dataSource.getConnection()) {
            // PostgreSQL streams with a cursor only inside a transaction.
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(NamedParameterUtils.substituteNamedParameters(query, window),
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(source.getFetchSize());
                JdbcAvroSchema.preferBinary(ps);
                Object[] values = NamedParameterUtils.buildValueArray(query, window, null);
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    JdbcAvroSchema rows = JdbcAvroSchema.of(rs.getMetaData(), table);
                    schemaJson = rows.schema().toString();
                    Map<String, String> metadata = Map.of("pipelines.pipeline", pipeline,
                            "pipelines.run_id", Long.toString(runId), "pipelines.logical_date", date.toString());
                    InPassLoader.Target target = target(pipeline, step);
                    load = target == null ? null : inPass.open(target, runId, date, rows.schema(), Boolean.TRUE.equals(force));
                    // Parquet is encoded and uploaded on a second thread, the suite and the COPY run on a third
                    // one, while this one reads the source: each chunk of rows goes to both.
                    try (BackgroundPartWriter writer = new BackgroundPartWriter(new ParquetPartWriter(lake,
                            settings.getSpoolDir(), runFolder, rows.schema(), metadata, settings.getRowsPerObject(),
                            // An instance taken for dead uploads no further part into the folder the new owner writes.
                            () -> fence.check(runId)),
                            Thread.currentThread().getName() + "-parquet")) {
                        List<GenericRecord> chunk = new ArrayList<>(BackgroundPartWriter.CHUNK);
                        while (rs.next()) {
                            chunk.add(rows.read(rs));
                            progress.row();
                            if (chunk.size() == BackgroundPartWriter.CHUNK) {
                                hand(chunk, writer, load);
                                chunk = new ArrayList<>(BackgroundPartWriter.CHUNK);
                            }
                        }
                        if (!chunk.isEmpty()) {
                            hand(chunk, writer, load);
                        }
                        objects = writer.finish();
                    }
                }
            } finally {
                c.rollback();
            }
            long count = progress.rows();
            Manifest manifest = new Manifest(pipeline, runId, date, count, schemaJson, objects, Instant.now());
            // An instance taken for dead meanwhile must not commit the folder that the run's new owner is writing.
            fence.check(runId);
            String manifestKey = landed.commit(runFolder, manifest);
            List<String> keys = new ArrayList<>(manifest.keys());
            keys.add(manifestKey);
            TaskResult result = new TaskResult(count, count, keys);
            List<TaskResult.Folded> folded = load == null ? List.of() : load.finish(manifest, runFolder, task, result);
            if (folded.isEmpty()) {
                return result;
            }
            // Loaded and recorded: nothing after this point may fail the task (its retry would extract again).
            try {
                LoadStaging.dropEarlierRuns(landed, pipeline, lakePrefix, runId, date);
            } catch (RuntimeException e) {
                log.warn("{} run {}: the date's earlier runs could not be dropped from the lake ({}); they stay "
                        + "until the date's next loaded run drops them", pipeline, runId, e.toString());
            }
            return new TaskResult(count, count, keys, folded);
        } finally {
            if (load != null) {
                load.close();
            }
        }
    }

    private static void hand(List<GenericRecord> chunk, BackgroundPartWriter writer, InPassLoader.Load load)
            throws Exception {
        writer.writeChunk(chunk);
        if (load != null) {
            load.accept(chunk);
        }
    }

    /** What the step's pass feeds, or null when it validates and loads nothing in its pass. */
    private InPassLoader.Target target(String pipeline, Step step) {
        if (!step.flag("singlePass") || step.text("check").isEmpty()) {
            return null;
        }
        Step check = catalog.step(pipeline, step.text("check"));
        Step load = catalog.step(pipeline, step.text("load"));
        return new InPassLoader.Target(pipeline, check.task(), check.text("suite"), check.flag("quarantine"), load.task(),
                load.text("table"), load.number("minReplaceShare"));
    }

    private static void checkParameters(String file, ParsedSql query) {
        MapSqlParameterSource probe = new MapSqlParameterSource();
        PARAMETERS.forEach(name -> probe.addValue(name, null));
        try {
            NamedParameterUtils.buildValueArray(query, probe, null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": only the parameters " + PARAMETERS
                    + " can be used: " + e.getMessage(), e);
        }
    }
}
