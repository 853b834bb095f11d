package io.pipelines.task;

import java.time.LocalDate;
import java.util.Map;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.TaskResult;
import io.pipelines.warehouse.SqlScripts;

/** Tasks transform and aggregate: the pipeline's SQL files, run for the logical date (:logical_date). */
@Component("sqlTask")
public class WarehouseSql {

    private final PipelineCatalog catalog;
    private final SqlScripts scripts;

    public WarehouseSql(PipelineCatalog catalog, SqlScripts scripts) {
        this.catalog = catalog;
        this.scripts = scripts;
    }

    public TaskResult transform(@Header(RunHeaders.PIPELINE) String pipeline,
                                @Header(RunHeaders.LOGICAL_DATE) LocalDate date) {
        return run(catalog.batch(pipeline).getTransform(), date);
    }

    public TaskResult aggregate(@Header(RunHeaders.PIPELINE) String pipeline,
                                @Header(RunHeaders.LOGICAL_DATE) LocalDate date) {
        return run(catalog.batch(pipeline).getAggregate(), date);
    }

    private TaskResult run(String file, LocalDate date) {
        long rows = scripts.run(file, Map.of("logical_date", date));
        return new TaskResult(null, rows, null);
    }
}
