package io.pipelines.source;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.cluster.RunFence;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.lake.BackgroundPartWriter;
import io.pipelines.lake.Lake;
import io.pipelines.lake.LakeKeys;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;
import io.pipelines.lake.ParquetPartWriter;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.BlockTask;
import io.pipelines.run.Blocks;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.Step;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.TaskResult;
import io.pipelines.task.ExtractToLake;
import io.pipelines.task.InPassLoader;
import io.pipelines.task.ProgressLog;
import io.pipelines.config.SourceDefinition;
import io.pipelines.schema.SchemaEvolution;
import io.pipelines.schema.SourceColumn;
import io.pipelines.schema.SourceRejectedException;

/**
 * The blocks table-extract and api-extract (kamelets/), a source pipeline's task extract: reads the rows after the source's watermark (a table, or the
 * pages of an API), checks their columns against the last recorded schema version (a type that
 * cannot be widened fails the run here, before anything lands), and lands them as Parquet objects
 * that carry the schema version in their metadata; then {@code _increment.json} (watermark range,
 * bound or pages, schema) and the manifest, last. The same rows are loaded as they are read, in the
 * pass ({@link InPassLoader} with {@link SourceUpsertLoad}, the load task's own load): committed with
 * the manifest written and the count the manifest's, the load task then recorded as done with this
 * one; when the pass cannot load (a lock waited for too long, two rows of one key in a first load, a
 * warehouse error), the load task reads the landed objects back.
 */
@Component("sourceExtractTask")
public class SourceExtract implements BlockTask {

    public static final String SCHEMA_VERSION_METADATA = "pipelines.schema_version";
    private static final Logger log = LoggerFactory.getLogger(SourceExtract.class);

    private final PipelineCatalog catalog;
    private final JdbcSourceReader jdbcReader;
    private final HttpSourceReader httpReader;
    private final WatermarkStore watermarks;
    private final SchemaVersions schemaVersions;
    private final Lake lake;
    private final LandedRuns landed;
    private final ObjectMapper json;
    private final PipelinesProperties.Lake settings;
    private final RunFence fence;
    private final InPassLoader inPass;
    private final SourceStores stores;
    private final SourceSteps steps;

    public SourceExtract(PipelineCatalog catalog, JdbcSourceReader jdbcReader, HttpSourceReader httpReader,
                         WatermarkStore watermarks, SchemaVersions schemaVersions, Lake lake, LandedRuns landed,
                         ObjectMapper json, PipelinesProperties properties, RunFence fence, InPassLoader inPass,
                         SourceStores stores, SourceSteps steps) {
        this.catalog = catalog;
        this.jdbcReader = jdbcReader;
        this.httpReader = httpReader;
        this.watermarks = watermarks;
        this.schemaVersions = schemaVersions;
        this.lake = lake;
        this.landed = landed;
        this.json = json;
        this.settings = properties.getLake();
        this.fence = fence;
        this.inPass = inPass;
        this.stores = stores;
        this.steps = steps;
    }

    @Override
    public Set<String> blocks() {
        return Blocks.SOURCE_EXTRACTS;
    }

    /** The step reads a source as an entry of pipelines.sources would, and a later warehouse-load (upsert) loads it. */
    @Override
    public void check(Step step, BatchPipeline pipeline) {
        steps.of(pipeline, step);
        Step load = SourceSteps.loadOf(pipeline, step);
        if (pipeline.steps().indexOf(load) < pipeline.steps().indexOf(step)) {
            throw step.wrong("load", "step " + load.task() + " must come after this one");
        }
        ExtractToLake.fed(step, pipeline, "check", "quality-check");
        long extracts = pipeline.steps().stream().filter(s -> Blocks.SOURCE_EXTRACTS.contains(s.block())).count();
        if (extracts > 1) {
            throw step.wrong("lakePrefix", "pipeline " + pipeline.name() + " has " + extracts + " steps that read a source "
                    + "after its watermark; the watermark is the pipeline's: one such step a pipeline");
        }
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) throws Exception {
        Step step = catalog.step(pipeline, task);
        SourceDefinition source = steps.of(catalog.batch(pipeline), step);
        String loadTask = step.text("load");
        String checkTask = step.text("check");
        String suite = checkTask.isEmpty() ? null : catalog.step(pipeline, checkTask).text("suite");
        String runFolder = LakeKeys.runFolder(source.lakePrefix(), date, runId);
        landed.clear(runFolder);
        Watermark from = watermarks.current(source.name());
        SchemaVersions.Version recorded = schemaVersions.latest(source.name());
        Landing landing = new Landing(source, runId, date, runFolder, recorded, from, loadTask, checkTask, suite);
        try {
            SourceReader.Summary summary = (source.isJdbc() ? jdbcReader : httpReader).read(source, from, landing);
            landing.finish();
            Increment increment = new Increment(source.name(), runId, date, from, landing.last, summary.bound(),
                    summary.pagesRead(), landing.progress.rows(), landing.version, landing.columns, landing.change);
            // An instance taken for dead meanwhile must not commit the folder that the run's new owner is writing.
            fence.check(runId);
            lake.put(runFolder + Increment.FILE, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(increment),
                    "application/json");
            Manifest manifest = new Manifest(pipeline, runId, date, landing.progress.rows(), landing.schema.toString(),
                    landing.objects, Instant.now());
            fence.check(runId);
            String manifestKey = landed.commit(runFolder, manifest);
            List<String> keys = new ArrayList<>(manifest.keys());
            keys.add(runFolder + Increment.FILE);
            keys.add(manifestKey);
            log.info("{} run {}: {} row(s) after {} up to {}{}", pipeline, runId, landing.progress.rows(), from,
                    landing.last, summary.bound() != null ? " (bound " + summary.bound() + ")" : " (" + summary.pagesRead() + " page(s))");
            TaskResult result = new TaskResult(landing.progress.rows(), landing.progress.rows(), keys);
            if (landing.load == null) {
                return result;
            }
            landing.mode.increment(increment);
            List<TaskResult.Folded> folded = landing.load.finish(manifest, runFolder, task, result);
            return folded.isEmpty() ? result : new TaskResult(result.rowsIn(), result.rowsOut(), keys, folded);
        } finally {
            landing.close();
        }
    }

    /** Receives the rows read: checks the schema, writes Parquet, keeps the mark (jdbc: the last row read; http: the largest). */
    private final class Landing implements SourceReader.Rows, AutoCloseable {
        private final SourceDefinition source;
        private final long runId;
        private final LocalDate date;
        private final String runFolder;
        private final SchemaVersions.Version recorded;
        private final Watermark from;
        /** The load step fed in the pass; empty: none. */
        private final String loadTask;
        /** The check step fed in the pass with the load, and its suite; empty and null: none. */
        private final String checkTask;
        private final String suite;
        private final ProgressLog progress;
        private BackgroundPartWriter writer;
        private List<GenericRecord> chunk = new ArrayList<>(BackgroundPartWriter.CHUNK);
        /** The load fed in the pass (null: the load task reads the landed objects back), and its mode. */
        private InPassLoader.Load load;
        private SourceUpsertLoad mode;
        private Schema schema;
        private List<SourceColumn> columns;
        private int version;
        private String change;
        private String cursorType;
        private List<String> keyTypes;
        private Watermark last;
        /** jdbc: the last row read, whose (cursor, key...) is the mark. */
        private GenericRecord lastRow;
        private List<Manifest.LakeObject> objects = List.of();

        Landing(SourceDefinition source, long runId, LocalDate date, String runFolder, SchemaVersions.Version recorded,
                Watermark from, String loadTask, String checkTask, String suite) {
            this.from = from;
            this.loadTask = loadTask;
            this.checkTask = checkTask;
            this.suite = suite;
            this.source = source;
            this.runId = runId;
            this.date = date;
            this.runFolder = runFolder;
            this.recorded = recorded;
            this.progress = new ProgressLog(log, source.name() + " run " + runId + " extract");
        }

        @Override
        public void begin(Schema schema) {
            this.schema = schema;
            // A type the recorded column holds (bigint values in a numeric column) is recorded as the column's.
            this.columns = SchemaEvolution.kept(recorded == null ? List.of() : recorded.columns(), SourceColumn.of(schema));
            for (Schema.Field f : schema.getFields()) {
                boolean absentFields = f.name().equals(SourceColumn.ABSENT) && !source.isJdbc(); // the http reader's own
                if (f.name().startsWith("_") && !absentFields) {
                    throw new SourceRejectedException("Source " + source.name() + ": column " + f.name()
                            + " starts with '_', which staging keeps for its own columns " + io.pipelines.warehouse.StagingSchema.LOAD_COLUMNS);
                }
            }
            SchemaEvolution.Change diff = SchemaEvolution.compare(source.name(),
                    recorded == null ? List.of() : recorded.columns(), columns);
            if (columns.isEmpty()) {
                // An API that sent no record at all: nothing lands, the recorded schema stays.
                version = recorded == null ? 0 : recorded.version();
                change = null;
            } else if (recorded == null) {
                version = 1;
                change = "initial";
            } else if (diff.changed()) {
                version = recorded.version() + 1;
                change = diff.describe();
                log.info("Source {}: schema version {} ({})", source.name(), version, change);
            } else {
                version = recorded.version();
                change = null;
            }
            Map<String, String> types = new java.util.HashMap<>();
            columns.forEach(c -> types.put(c.name(), c.type()));
            cursorType = types.get(source.settings().getCursorColumn());
            keyTypes = source.settings().getKeyColumns().stream().map(types::get).toList();
            Map<String, String> metadata = Map.of("pipelines.pipeline", source.name(), "pipelines.run_id", Long.toString(runId),
                    "pipelines.logical_date", date.toString(), SCHEMA_VERSION_METADATA, Integer.toString(version));
            // A key of one column holds no value twice: no dictionary for it (bench/README.md, B4).
            List<String> keys = source.settings().getKeyColumns();
            Set<String> unique = keys.size() == 1 && schema.getField(keys.get(0)) != null ? Set.of(keys.get(0)) : Set.of();
            writer = new BackgroundPartWriter(new ParquetPartWriter(lake, settings.getSpoolDir(), runFolder, schema, metadata,
                    unique, settings.getRowsPerObject(), () -> fence.check(runId)), Thread.currentThread().getName() + "-parquet");
            if (!columns.isEmpty() && !loadTask.isEmpty()) {
                mode = new SourceUpsertLoad(source, runId, from, true, stores);
                load = inPass.open(source.name(), runId, checkTask.isEmpty() ? null : checkTask, suite, loadTask, schema, mode);
            }
        }

        @Override
        public void row(GenericRecord record) throws Exception {
            chunk.add(record);
            if (chunk.size() == BackgroundPartWriter.CHUNK) {
                hand();
            }
            progress.row();
            // jdbc: the rows come in the database's (cursor, key...) order, which the next run's query continues
            // from; the last row read is the mark (Java's order of text differs from the database's collation),
            // made once at the end (a first load reads in no order and gives its mark with last()). http: the
            // records come in the API's order, so the largest in (cursor, key...) order is the mark.
            if (source.isJdbc()) {
                lastRow = record;
                return;
            }
            Watermark mark = mark(record);
            if (last == null || Watermark.compare(mark, last, cursorType, keyTypes) > 0) {
                last = mark;
            }
        }

        @Override
        public Map<String, String> recordedTypes() {
            Map<String, String> types = new java.util.HashMap<>();
            if (recorded != null) {
                recorded.columns().forEach(c -> types.put(c.name(), c.type()));
            }
            return types;
        }

        /** jdbc, a first load: the row that sorts last in the database's order, read after the rows. */
        @Override
        public void last(GenericRecord record) {
            lastRow = record;
        }

        private Watermark mark(GenericRecord record) {
            List<Object> key = new ArrayList<>();
            source.settings().getKeyColumns().forEach(k -> key.add(record.get(k)));
            return Watermark.of(record.get(source.settings().getCursorColumn()), key);
        }

        /** The chunk to the Parquet writer's thread and to the pass's load thread. */
        private void hand() throws Exception {
            writer.writeChunk(chunk);
            if (load != null) {
                load.accept(chunk);
            }
            chunk = new ArrayList<>(BackgroundPartWriter.CHUNK);
        }

        void finish() throws Exception {
            if (!chunk.isEmpty()) {
                hand();
            }
            objects = writer.finish();
            if (lastRow != null) {
                last = mark(lastRow);
            }
        }

        @Override
        public void close() throws IOException {
            if (load != null) {
                load.close();
            }
            if (writer != null) {
                writer.close();
            }
        }
    }
}
