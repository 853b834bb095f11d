package io.pipelines.task;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunFence;
import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;
import io.pipelines.lake.Manifest;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.quality.QualityResults;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.quality.SuiteRun;
import io.pipelines.run.RunLedger;
import io.pipelines.run.TaskResult;
import io.pipelines.util.ChunkWorker;
import io.pipelines.warehouse.LandedCopy;
import io.pipelines.warehouse.QuarantiningLoad;
import io.pipelines.warehouse.ReplaceDateLoad;
import io.pipelines.warehouse.ReplaceGuard;
import io.pipelines.warehouse.TableLoad;

/**
 * The check and load steps done inside the extract's pass: the rows the extract reads are checked
 * against the quality suite (when the pass feeds a check) and loaded into the warehouse by the load
 * step's mode ({@link TableLoad}: replace the date, or upsert a source's rows by key), on a thread
 * of their own, in one warehouse transaction. It commits only when the manifest is written, every
 * expectation passed, the count is the manifest's and the mode does not refuse; then, in that
 * transaction, it takes the run (as the load task does: a run taken over meanwhile is not
 * committed), completes the mode's load and records the extract, check and load tasks as
 * succeeded. Until then it holds no lock another run or instance waits for (a source's load holds
 * its own watermark). Anything else rolls the transaction back and leaves the check and the load to
 * their own tasks, which read the landed objects back: a failed expectation is then recorded and
 * fails the run there, a warehouse error is retried there. Nothing is committed that the two-pass
 * run would not have committed.
 */
@Component
public class InPassLoader {

    private static final Logger log = LoggerFactory.getLogger(InPassLoader.class);

    private final DataSource warehouse;
    private final RunFence fence;
    private final QualitySuiteParser parser;
    private final QualityResults results;
    private final QualityWarnings warnings;
    private final RunLedger ledger;
    private final LoadHistory history;
    private final Path spoolDir;
    private final Duration stall;
    private final Quarantines quarantines;
    private final int maxUnexpectedRows;
    private final DataDocs dataDocs;

    public InPassLoader(DataSource warehouse, RunFence fence, QualitySuiteParser parser, QualityResults results,
                        QualityWarnings warnings, RunLedger ledger, LoadHistory history, Quarantines quarantines,
                        DataDocs dataDocs, PipelinesProperties properties) {
        this.dataDocs = dataDocs;
        this.quarantines = quarantines;
        this.warnings = warnings;
        this.history = history;
        this.warehouse = warehouse;
        this.fence = fence;
        this.parser = parser;
        this.results = results;
        this.ledger = ledger;
        this.spoolDir = properties.getLake().getSpoolDir();
        this.stall = properties.getRuns().getLoadStallTimeout();
        this.maxUnexpectedRows = properties.getQuality().getMaxUnexpectedRows();
    }

    /**
     * Starts validating and loading the run's rows of {@code schema} into a date of a table; null
     * when the pass cannot (the warehouse or the suite not ready: the tasks then do it as usual).
     */
    public Load open(Target p, long runId, LocalDate date, Schema schema, boolean force) {
        TableLoad mode;
        try {
            mode = quarantines.wrap(p.suite(), p.quarantine(), p.pipeline(), date, runId, schema,
                    new ReplaceDateLoad(p.table(), date, runId, new ReplaceGuard(p.pipeline(), p.minReplaceShare(), force)));
        } catch (RuntimeException e) {
            log.warn("{} run {}: the quarantine's rules could not be read ({}); {} will read the landed objects back",
                    p.pipeline(), runId, e.toString(), p.check());
            return null;
        }
        Load load = open(p.pipeline(), runId, p.check(), p.suite(), p.load(), schema, mode);
        if (load != null && p.quarantine()) {
            load.quarantine = QuarantiningLoad.tableOf(p.table());
        }
        return load;
    }

    /**
     * Starts checking (when {@code checkTask} is not null, against {@code suite}) and loading the run's
     * rows of {@code schema} by {@code mode}, for the load step {@code loadTask}; null when the pass
     * cannot (the tasks then do it as usual).
     */
    public Load open(String pipeline, long runId, String checkTask, String suite, String loadTask, Schema schema,
                     TableLoad mode) {
        Load load = null;
        try {
            QualitySuite parsed = checkTask == null ? null : parser.parse(ProjectFiles.path(suite));
            if (parsed != null && parsed.queriesRows()) {
                log.info("{} run {}: {} has an SQL check, which reads the rows in the warehouse: {} checks them on its "
                        + "own, then {} loads them", pipeline, runId, parsed.name(), checkTask, loadTask);
                mode.close();
                return null;
            }
            load = new Load(pipeline, runId, checkTask, loadTask, parsed, schema, mode);
            load.begin();
            return load;
        } catch (Exception e) {
            if (load != null) {
                load.close();
            }
            log.warn("{} run {}: {} in the extract's pass could not start ({}); {} will read the landed objects back",
                    pipeline, runId, checkTask == null ? "loading" : "validating and loading", e.toString(),
                    checkTask == null ? loadTask : checkTask + " and " + loadTask);
            return null;
        }
    }

    /**
     * What the pass of a batch pipeline's extract feeds: the check step (its task name, suite and
     * whether it quarantines)
     * and the load step (its task name, table and least share replaced) of the pipeline.
     */
    public record Target(String pipeline, String check, String suite, boolean quarantine, String load, String table,
                         double minReplaceShare) {
    }

    /** One run's in-pass check and load. */
    public final class Load implements AutoCloseable {
        private final String pipeline;
        private final long runId;
        private final String checkTask;
        private final String loadTask;
        private final QualitySuite suite;
        private final Schema schema;
        private final TableLoad mode;
        private Connection c;
        private SuiteRun check;
        /** The quarantine table its load holds rows back into; null: none (for the report). */
        private String quarantine;
        private ChunkWorker<GenericRecord> worker;
        private boolean given;

        private Load(String pipeline, long runId, String checkTask, String loadTask, QualitySuite suite, Schema schema,
                     TableLoad mode) {
            this.pipeline = pipeline;
            this.runId = runId;
            this.checkTask = checkTask;
            this.loadTask = loadTask;
            this.suite = suite;
            this.schema = schema;
            this.mode = mode;
        }

        private void begin() throws Exception {
            check = suite == null ? null : new SuiteRun(suite, schema, spoolDir, history.of(checkTask, runId), maxUnexpectedRows);
            c = warehouse.getConnection();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // A lock (the table's, a source's watermark) is waited for no longer than a stalled COPY.
                st.execute("SET LOCAL lock_timeout = " + stall.toMillis());
            }
            mode.begin(c, schema);
            worker = new ChunkWorker<>(Thread.currentThread().getName() + "-load", records -> {
                for (GenericRecord r : records) {
                    if (check != null) {
                        check.accept(r);
                    }
                    mode.row(r);
                }
            });
        }

        /** Hands a chunk of rows over (not to be changed afterwards); after a failure here, rows are ignored. */
        public void accept(List<GenericRecord> chunk) throws InterruptedException {
            if (given) {
                return;
            }
            try {
                worker.submit(chunk, stall);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                giveUp(e);
            }
        }

        /**
         * Ends the pass once the manifest is written: commits the load when every expectation passed
         * and the count is the manifest's, recording {@code task} (the extract, with {@code result})
         * and the check and the load it feeds as succeeded in the same transaction, and returns
         * the two; otherwise rolls back and returns none (the tasks then run on their own). Fails
         * when the run was taken over by another instance meanwhile.
         */
        public List<TaskResult.Folded> finish(Manifest manifest, String runFolder, String task, TaskResult result)
                throws InterruptedException {
            if (given) {
                return List.of();
            }
            try {
                worker.finish(stall);
                long copied = mode.endRows();
                List<ExpectationResult> outcome = check == null ? List.of() : check.results();
                if (outcome.stream().anyMatch(ExpectationResult::blocking)) {
                    log.info("{} run {}: the quality suite {} failed in the extract's pass; nothing loaded, "
                            + "{} reads the landed objects back to record it", pipeline, runId, suite.name(), checkTask);
                    close();
                    return List.of();
                }
                LandedCopy.checkCount(copied, manifest, mode.table());
                Optional<String> refused = mode.refusal(c, copied);
                if (refused.isPresent()) {
                    log.info("{} run {}: not loaded in the extract's pass: {}; {} decides", pipeline, runId,
                            refused.get(), loadTask);
                    close();
                    return List.of();
                }
                // Only while the run is this instance's: one taken for dead must not load over the new owner.
                fence.hold(c, runId);
                long loaded = mode.complete(c, manifest);
                if (check != null) {
                    results.save(runId, suite.name(), outcome, check.unexpectedRows());
                }
                List<String> folded = checkTask == null ? List.of(loadTask) : List.of(checkTask, loadTask);
                // The check and the load read the manifest's rows (the count was just checked).
                List<TaskResult.Folded> done = ledger.finishInPass(c, runId, task, result, folded,
                        new TaskResult(copied, loaded, manifest.keys()));
                c.commit();
                log.info("{} run {}: {}{} rows loaded into {} in the extract's pass", pipeline, runId,
                        check == null ? "" : outcome.size() + " expectation(s) of " + suite.name() + " checked and ",
                        loaded, mode.table());
                if (check != null) {
                    warnings.report(pipeline, runId, checkTask, suite.name(), outcome);
                    dataDocs.write(pipeline, runId, manifest.logicalDate(), checkTask, runFolder, suite.name(), check, outcome,
                            quarantine);
                }
                return done;
            } catch (InterruptedException | RunTakenOverException e) {
                close();
                throw e;
            } catch (Exception e) {
                giveUp(e);
                return List.of();
            }
        }

        private void giveUp(Exception e) {
            given = true;
            log.warn("{} run {}: {} in the extract's pass failed ({}); the extract goes on, {} will read the "
                    + "landed objects back", pipeline, runId, checkTask == null ? "loading" : "validating and loading",
                    e.toString(), checkTask == null ? loadTask : checkTask + " and " + loadTask);
            close();
        }

        /**
         * Rolls back what was not committed and lets the connection, the thread and the checks go. A
         * load thread still blocked writing to the warehouse after it was stopped gets its
         * connection aborted (the server then rolls back) rather than waited for.
         */
        @Override
        public void close() {
            if (worker != null) {
                worker.close();
            }
            if (c != null) {
                Connection connection = c;
                c = null;
                try {
                    if (worker != null && worker.isAlive()) {
                        connection.abort(Runnable::run);
                    } else {
                        mode.close();
                        connection.rollback();
                        connection.setAutoCommit(true);
                    }
                } catch (SQLException e) {
                    log.debug("Rolling back run {}'s in-pass load failed: {}", runId, e.toString());
                } finally {
                    try {
                        connection.close();
                    } catch (SQLException e) {
                        log.debug("Closing run {}'s in-pass load connection failed: {}", runId, e.toString());
                    }
                }
            }
            if (check != null && (worker == null || !worker.isAlive())) {
                check.close();
            }
        }
    }
}
