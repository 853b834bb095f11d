package io.pipelines.task;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.Manifest;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.quality.QualityResults;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.quality.SuiteRun;
import io.pipelines.run.RunLedger;
import io.pipelines.run.TaskResult;
import io.pipelines.util.ChunkWorker;
import io.pipelines.warehouse.CopyRows;
import io.pipelines.warehouse.LandedCopy;
import io.pipelines.warehouse.ReplaceGuard;
import io.pipelines.warehouse.StagingLoader;

/**
 * The validate and load tasks done inside the extract's pass (a batch pipeline's single pass): the
 * rows the extract reads are checked against the quality suite and copied into staging, on a thread
 * of their own, in one warehouse transaction. It commits only when the manifest is written, every
 * expectation passed and the count is the manifest's; then, in that transaction, it takes the run
 * (as the load task does: a run taken over meanwhile is not committed), removes the date's other
 * rows and records the extract, validate and load tasks as succeeded. Until then it holds no lock
 * another run or instance waits for. Anything else rolls the transaction back and leaves validate
 * and load to their own tasks, which read the landed objects back: a failed expectation is then
 * recorded and fails the run there, a warehouse error is retried there. Nothing is committed that
 * the two-pass run would not have committed.
 */
@Component
public class InPassLoader {

    private static final Logger log = LoggerFactory.getLogger(InPassLoader.class);

    private final DataSource warehouse;
    private final RunFence fence;
    private final QualitySuiteParser parser;
    private final QualityResults results;
    private final RunLedger ledger;
    private final Path spoolDir;
    private final Duration stall;

    public InPassLoader(DataSource warehouse, RunFence fence, QualitySuiteParser parser, QualityResults results,
                        RunLedger ledger, PipelinesProperties properties) {
        this.warehouse = warehouse;
        this.fence = fence;
        this.parser = parser;
        this.results = results;
        this.ledger = ledger;
        this.spoolDir = properties.getLake().getSpoolDir();
        this.stall = properties.getRuns().getLoadStallTimeout();
    }

    /**
     * Starts validating and loading the run's rows of {@code schema}; null when the pass cannot
     * (single pass off, or the warehouse or the suite not ready: the tasks then do it as usual).
     */
    public Load open(Target p, long runId, LocalDate date, Schema schema, boolean force) {
        Load load = null;
        try {
            QualitySuite suite = parser.parse(ProjectFiles.path(p.suite()));
            load = new Load(p, runId, date, suite, schema, new ReplaceGuard(p.pipeline(), p.minReplaceShare(), force));
            load.begin();
            return load;
        } catch (Exception e) {
            if (load != null) {
                load.close();
            }
            log.warn("{} run {}: validating and loading in the extract's pass could not start ({}); "
                    + "{} and {} will read the landed objects back", p.pipeline(), runId, e.toString(), p.check(), p.load());
            return null;
        }
    }

    /**
     * What the pass feeds: the check step (its task name and suite) and the load step (its task
     * name, table and least share replaced) of the pipeline.
     */
    public record Target(String pipeline, String check, String suite, String load, String table,
                         double minReplaceShare) {
    }

    /** One run's in-pass validate and load. */
    public final class Load implements AutoCloseable {
        private final Target p;
        private final long runId;
        private final LocalDate date;
        private final QualitySuite suite;
        private final Schema schema;
        private final ReplaceGuard guard;
        private Connection c;
        private SuiteRun check;
        private CopyRows copy;
        private ChunkWorker<GenericRecord> worker;
        private boolean replaces;
        private boolean given;

        private Load(Target p, long runId, LocalDate date, QualitySuite suite, Schema schema, ReplaceGuard guard) {
            this.p = p;
            this.runId = runId;
            this.date = date;
            this.suite = suite;
            this.schema = schema;
            this.guard = guard;
        }

        private void begin() throws SQLException {
            check = new SuiteRun(suite, schema, spoolDir);
            c = warehouse.getConnection();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                // A lock on the staging table (DDL, LOCK TABLE) is waited for no longer than a stalled COPY.
                st.execute("SET LOCAL lock_timeout = " + stall.toMillis());
            }
            // Whether the date has rows of other runs to replace: only one run of a date is active at a
            // time, so none can appear meanwhile, and a first load of the date deletes nothing at its end.
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + stagingTable()
                    + " WHERE logical_date = ? AND run_id <> ?)")) {
                ps.setObject(1, date);
                ps.setLong(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    replaces = rs.getBoolean(1);
                }
            }
            copy = CopyRows.open(c, p.table(), StagingLoader.LEADING_COLUMNS, schema, date, runId);
            worker = new ChunkWorker<>(Thread.currentThread().getName() + "-load", records -> {
                for (GenericRecord r : records) {
                    check.accept(r);
                    copy.row(r);
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
        public List<TaskResult.Folded> finish(Manifest manifest, String task, TaskResult result) throws InterruptedException {
            if (given) {
                return List.of();
            }
            try {
                worker.finish(stall);
                long copied = copy.finish();
                List<ExpectationResult> outcome = check.results();
                if (outcome.stream().anyMatch(r -> !r.success())) {
                    log.info("{} run {}: the quality suite {} failed in the extract's pass; nothing loaded, "
                            + "{} reads the landed objects back to record it", p.pipeline(), runId, suite.name(), p.check());
                    close();
                    return List.of();
                }
                LandedCopy.checkCount(copied, manifest, p.table());
                if (replaces) {
                    Optional<String> refused = guard.refusal(c, p.table(), date, runId, copied);
                    if (refused.isPresent()) {
                        log.info("{} run {}: not loaded in the extract's pass: {}; {} decides", p.pipeline(),
                                runId, refused.get(), p.load());
                        close();
                        return List.of();
                    }
                }
                // Only while the run is this instance's: one taken for dead must not load over the new owner.
                fence.hold(c, runId);
                if (replaces) {
                    try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + stagingTable()
                            + " WHERE logical_date = ? AND run_id <> ?")) {
                        delete.setObject(1, date);
                        delete.setLong(2, runId);
                        delete.executeUpdate();
                    }
                }
                results.save(runId, suite.name(), outcome);
                // Both read the manifest's rows and passed them all on (the count was just checked).
                List<TaskResult.Folded> done = ledger.finishInPass(c, runId, task, result,
                        List.of(p.check(), p.load()), new TaskResult(copied, copied, manifest.keys()));
                c.commit();
                log.info("{} run {}: {} expectation(s) of {} met and {} rows loaded into {} in the extract's pass",
                        p.pipeline(), runId, outcome.size(), suite.name(), copied, p.table());
                return done;
            } catch (InterruptedException | RunTakenOverException e) {
                close();
                throw e;
            } catch (Exception e) {
                giveUp(e);
                return List.of();
            }
        }

        private String stagingTable() {
            return SqlIdentifiers.qualified(p.table(), "staging table");
        }

        private void giveUp(Exception e) {
            given = true;
            log.warn("{} run {}: validating and loading in the extract's pass failed ({}); the extract goes on, "
                    + "{} and {} will read the landed objects back", p.pipeline(), runId, e.toString(), p.check(), p.load());
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
                        if (copy != null) {
                            copy.close();
                        }
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
