package io.pipelines.source;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceDefinition;
import io.pipelines.config.SourceDefinitions;
import io.pipelines.config.SourceSettings;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.Blocks;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.Step;

/**
 * The source an extract step (table-extract, api-extract) reads, from its parameters: the
 * pipeline's name names its watermark, schema versions and lineage, and its staging table is that
 * of the warehouse-load step (mode upsert) that reads the extract. Checked as an entry of
 * pipelines.sources is, each error naming the step's parameter.
 */
@Component
public class SourceSteps {

    /** The parameter of a step for each field of a source entry (for messages). */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(Map.entry("connection", "connection"),
            Map.entry("table", "table"), Map.entry("url", "url"), Map.entry("cursor-column", "cursorColumn"),
            Map.entry("key-columns", "keyColumns"), Map.entry("lake-prefix", "lakePrefix"),
            Map.entry("max-rows-per-run", "maxRowsPerRun"), Map.entry("http.pagination", "pagination"),
            Map.entry("http.auth", "auth"), Map.entry("http.token", "tokenSetting"), Map.entry("http.page-size", "pageSize"),
            Map.entry("http.max-page-size", "maxPageSize"), Map.entry("http.max-records", "maxRecords"),
            Map.entry("http.max-fields", "maxFields"),
            Map.entry("warehouse-table", "load"));

    private final PipelineCatalog catalog;
    private final Environment environment;
    private final Set<String> connections;

    public SourceSteps(PipelineCatalog catalog, Environment environment, PipelinesProperties properties) {
        this.catalog = catalog;
        this.environment = environment;
        this.connections = properties.getConnections().keySet();
    }

    /** The source of the pipeline's extract step {@code task}. */
    public SourceDefinition of(String pipeline, String task) {
        BatchPipeline p = catalog.batch(pipeline);
        return of(p, catalog.step(pipeline, task));
    }

    /** The source of an extract step of {@code pipeline}; throws naming the step's parameter. */
    public SourceDefinition of(BatchPipeline pipeline, Step extract) {
        Step load = loadOf(pipeline, extract);
        SourceSettings s = new SourceSettings();
        s.setType(extract.block().equals("table-extract") ? "jdbc" : "http");
        s.setCursorColumn(extract.text("cursorColumn"));
        s.setKeyColumns(Arrays.stream(extract.text("keyColumns").split(",")).map(String::strip).toList());
        s.setLakePrefix(extract.text("lakePrefix"));
        s.setWarehouseTable(load.text("table"));
        s.setSchedule(pipeline.cron());
        s.setTimeZone(pipeline.zone().getId());
        if (s.getType().equals("jdbc")) {
            s.setConnection(extract.text("connection"));
            s.setTable(extract.text("table"));
            s.setMaxRowsPerRun(Long.parseLong(extract.text("maxRowsPerRun")));
        } else {
            s.setUrl(extract.text("url"));
            s.setEndpoint(extract.text("endpoint"));
            SourceSettings.Http h = s.getHttp();
            ApiParameters.read(h, extract::text);
            String tokenSetting = extract.text("tokenSetting");
            h.setToken(tokenSetting.isEmpty() ? "" : environment.getProperty(tokenSetting, ""));
        }
        try {
            return SourceDefinitions.resolve(pipeline.name(), s, connections, Set.of());
        } catch (IllegalStateException e) {
            // "pipelines.sources.<pipeline>.<field>: problem" as a problem of the step's parameter.
            String message = e.getMessage();
            String prefix = "pipelines.sources." + pipeline.name() + ".";
            int colon = message.indexOf(": ");
            if (message.startsWith(prefix) && colon > 0) {
                String field = message.substring(prefix.length(), colon);
                throw extract.wrong(PARAMETERS.getOrDefault(field, field), message.substring(colon + 2));
            }
            throw extract.wrong("url", message);
        }
    }

    /** The warehouse-load step (mode upsert) that reads the extract: the one its load parameter names, else the first. */
    static Step loadOf(BatchPipeline pipeline, Step extract) {
        String named = extract.text("load");
        return pipeline.steps().stream()
                .filter(s -> s.block().equals("warehouse-load") && s.text("extract").equals(extract.task())
                        && (named.isEmpty() || s.task().equals(named)))
                .findFirst()
                .filter(s -> s.text("mode").equals("upsert"))
                .orElseThrow(() -> extract.wrong("load", named.isEmpty()
                        ? "no warehouse-load step of mode upsert reads this extract (extract: " + extract.task()
                                + "): without it the watermark never moves"
                        : "step " + named + " must be a warehouse-load step of mode upsert, with extract: " + extract.task()));
    }

}
