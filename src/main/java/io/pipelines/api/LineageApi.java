package io.pipelines.api;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.pipelines.run.PipelineCatalog;
import io.pipelines.source.LineageStore;
import io.pipelines.config.SourceDefinition;

/** GET /api/lineage?table=staging.<name> (routes/rest-api.camel.yaml): the loads of a staging table, newest first. */
@Component("lineageApi")
public class LineageApi {

    private final LineageStore lineage;
    private final PipelineCatalog catalog;

    public LineageApi(LineageStore lineage, PipelineCatalog catalog) {
        this.lineage = lineage;
        this.catalog = catalog;
    }

    public List<Map<String, Object>> list(String table, String limit) {
        if (table == null || table.isBlank()) {
            throw ApiProblem.badRequest("table", "table is required, as schema.table (for example staging.mysql_customers)");
        }
        List<String> known = catalog.sources().stream().map(SourceDefinition::stagingTable).toList();
        if (!known.contains(table)) {
            throw ApiProblem.notFound("No source loads into '" + table + "' (tables with lineage: " + known + ")");
        }
        return lineage.forTable(table, ListParameters.limit(limit));
    }
}
