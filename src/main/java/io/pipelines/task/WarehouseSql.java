package io.pipelines.task;

import java.time.LocalDate;
import java.util.Map;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.cluster.RunFence;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.SqlScripts;

/** Tasks transform and aggregate: the pipeline's SQL files, run for the logical date (:logical_date). */
@Component("sqlTask")
public class WarehouseSql {

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

    public TaskResult transform(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                                @Header(RunHeaders.LOGICAL_DATE) LocalDate date) {
        return run(catalog.batch(pipeline).getTransform(), runId, date);
    }

    public TaskResult aggregate(@Header(RunHeaders.PIPELINE) String pipeline, @Header(RunHeaders.RUN_ID) long runId,
                                @Header(RunHeaders.LOGICAL_DATE) LocalDate date) {
        return run(catalog.batch(pipeline).getAggregate(), runId, date);
    }

    /** The file in one transaction (the script's own joins it), while the run is this instance's. */
    private TaskResult run(String file, long runId, LocalDate date) {
        long rows = tx.execute(status -> {
            fence.hold(runId);
            return scripts.run(file, Map.of("logical_date", date));
        });
        return new TaskResult(null, rows, null);
    }
}
