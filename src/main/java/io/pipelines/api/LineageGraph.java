package io.pipelines.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.pipelines.run.BatchPipeline;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineTables;
import io.pipelines.run.PipelineVersions;
import io.pipelines.run.Step;
import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;

/**
 * Where the warehouse tables' rows come from, read from the pipelines' definitions (GET /api/lineage/graph, the
 * console's lineage page): a source (a connection's query or table, an API, a topic) lands in a lake prefix, a
 * load takes a lake prefix into a staging table, a SQL file takes the tables it reads into those it writes
 * (INSERT INTO, UPDATE, DELETE FROM, MERGE INTO). Nodes have a kind: source, lake, staging (schema staging) or
 * analytics (any other schema); edges name the pipeline that makes them.
 */
@Component("lineageGraph")
public class LineageGraph {

    private final PipelineCatalog catalog;
    private final Streams streams;

    public LineageGraph(PipelineCatalog catalog, Streams streams) {
        this.catalog = catalog;
        this.streams = streams;
    }

    private static final class Graph {
        final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
        final Set<List<String>> edges = new LinkedHashSet<>();

        void node(String id, String kind, String label) {
            nodes.putIfAbsent(id, Map.of("id", id, "kind", kind, "label", label));
        }

        void table(String table) {
            node(table, table.toLowerCase(java.util.Locale.ROOT).startsWith("staging.") ? "staging" : "analytics", table);
        }

        void edge(String from, String to, String pipeline) {
            edges.add(List.of(from, to, pipeline));
        }
    }

    public Map<String, Object> graph() {
        Graph graph = new Graph();
        for (BatchPipeline pipeline : catalog.all()) {
            Map<String, String> landed = new LinkedHashMap<>();
            for (Step step : pipeline.steps()) {
                String lake = "lake:" + step.text("lakePrefix");
                switch (step.block()) {
                    case "jdbc-extract" -> source(graph, pipeline, lake, step, "connection:" + step.text("connection")
                            + ":" + step.text("query"), step.text("connection") + " (" + Path.of(step.text("query")).getFileName() + ")");
                    case "table-extract" -> source(graph, pipeline, lake, step, "connection:" + step.text("connection")
                            + ":" + step.text("table"), step.text("connection") + " " + step.text("table"));
                    case "api-extract" -> source(graph, pipeline, lake, step, "api:" + PipelineVersions.shown(step.text("url")
                            + step.text("endpoint")), PipelineVersions.shown(step.text("url") + step.text("endpoint")));
                    case "warehouse-load" -> {
                        graph.table(step.text("table"));
                        String from = landed.get(step.text("extract"));
                        if (from != null) {
                            graph.edge(from, step.text("table"), pipeline.name());
                        }
                    }
                    case "sql-file" -> sqlFile(graph, pipeline.name(), Path.of(step.text("file")));
                    default -> { }
                }
                if (!step.text("lakePrefix").isEmpty()) {
                    landed.put(step.task(), lake);
                }
            }
        }
        for (DeclaredStream stream : streams.all()) {
            StreamDeclaration d = stream.declaration();
            String topic = "topic:" + d.source().topic();
            String lake = "lake:" + d.lakePrefix();
            graph.node(topic, "source", "Kafka " + d.source().topic());
            graph.node(lake, "lake", d.lakePrefix());
            graph.table(d.staging());
            graph.table(d.window().table());
            graph.edge(topic, lake, d.name());
            graph.edge(lake, d.staging(), d.name());
            graph.edge(d.staging(), d.window().table(), d.name());
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        graph.edges.forEach(e -> edges.add(Map.of("from", e.get(0), "to", e.get(1), "pipeline", e.get(2))));
        return Map.of("nodes", new ArrayList<>(graph.nodes.values()), "edges", edges);
    }

    private static void source(Graph graph, BatchPipeline pipeline, String lake, Step step, String id, String label) {
        graph.node(id, "source", label);
        graph.node(lake, "lake", step.text("lakePrefix"));
        graph.edge(id, lake, pipeline.name());
    }

    /** The tables a SQL file writes, each from the tables it reads. */
    private static void sqlFile(Graph graph, String pipeline, Path file) {
        PipelineTables.Sql sql = PipelineTables.sql(file);
        for (String target : sql.writes()) {
            graph.table(target);
            for (String source : sql.reads()) {
                graph.table(source);
                graph.edge(source, target, pipeline);
            }
        }
    }
}
