package io.pipelines.task;

import java.time.LocalDate;
import java.util.Map;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.cluster.RunFence;
import io.pipelines.config.ProjectFiles;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.BlockTask;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.Step;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.SqlScripts;
import io.pipelines.warehouse.SqlStatements;

/**
 * The block sql-file (kamelets/sql-file.kamelet.yaml): a SQL file run in the warehouse for the
 * run's logical date (:logical_date, and :run_id).
 */
@Component("sqlTask")
public class WarehouseSql implements BlockTask {

    private final PipelineCatalog catalog;
    private final SqlScripts scripts;
    private final RunFence fence;
    private final TransactionTemplate tx;

    public WarehouseSql(PipelineCatalog catalog, SqlScripts scripts, RunFence fence, TransactionTemplate tx) {
        this.catalog = catalog;
        this.scripts = scripts;
        this.fence = fence;
        this.tx = tx;
    }

    @Override
    public java.util.Set<String> blocks() {
        return java.util.Set.of("sql-file");
    }

    @Override
    public void check(Step step, BatchPipeline pipeline) {
        if (SqlStatements.split(ProjectFiles.read(step.text("file"))).isEmpty()) {
            throw step.wrong("file", step.text("file") + " holds no SQL statement");
        }
    }

    public TaskResult run(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                          @Header(RunHeaders.LOGICAL_DATE) LocalDate date,
                          @ExchangeProperty(RunRoutePolicies.CURRENT_TASK) String task) {
        return run(catalog.step(pipeline, task).text("file"), runId, date);
    }

    /** The file in one transaction (the script's own joins it), while the run is this instance's. */
    private TaskResult run(String file, long runId, LocalDate date) {
        long rows = tx.execute(status -> {
            fence.hold(runId);
            return scripts.run(file, Map.of("logical_date", date, "run_id", runId));
        });
        return new TaskResult(null, rows, null);
    }
}
