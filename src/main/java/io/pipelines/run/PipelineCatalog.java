package io.pipelines.run;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceDefinition;
import io.pipelines.config.SourceDefinitions;

/**
 * The pipelines of the service: the routes that start from the block pipeline-runs (see
 * {@link PipelineRoutes}): those of the route files, and those made from the entries of
 * pipelines.sources ({@link ConfiguredPipelines}), whose entries are kept too (they describe the
 * source). A pipeline {@code p} is run by the route with id {@code p}; its schedule is the route
 * {@code p.schedule} (io.pipelines.schedule).
 * The pipelines are known once Camel has read the routes ({@link #learn}, before Camel starts).
 */
@Component
public class PipelineCatalog {

    public static final String SCHEDULE_SUFFIX = ".schedule";

    private volatile Map<String, BatchPipeline> batch;
    /** The entries of pipelines.sources, each the pipeline of a route made from it (see SourcePipelines). */
    private final Map<String, SourceDefinition> sources;
    private final CamelContext camel;
    private final Blocks blocks;

    public PipelineCatalog(PipelinesProperties properties, CamelContext camel, Blocks blocks) {
        this.sources = SourceDefinitions.resolve(properties.getSources(), properties.getConnections().keySet(), Set.of());
        this.camel = camel;
        this.blocks = blocks;
    }

    /**
     * Reads the batch pipelines from the routes Camel has loaded; a bad one stops start-up with a
     * message naming its file, line, route, step and parameter.
     */
    public synchronized void learn() {
        Map<String, BatchPipeline> read = PipelineRoutes.read(camel, blocks);
        for (BatchPipeline p : read.values()) {
            if (sources.containsKey(p.name()) && !ConfiguredPipelines.made(p)) {
                throw new IllegalStateException(p.where() + ": pipelines.sources." + p.name() + " has the same name");
            }
        }
        for (String source : sources.keySet()) {
            if (!read.containsKey(source)) {
                throw new IllegalStateException("pipelines.sources." + source + ": its pipeline's route was not made");
            }
        }
        batch = read;
    }

    private Map<String, BatchPipeline> batch() {
        Map<String, BatchPipeline> known = batch;
        if (known == null) {
            throw new IllegalStateException("The batch pipelines are not known before Camel has read routes/");
        }
        return known;
    }

    /** Checks that every pipeline has its route, once Camel has started. */
    public void verifyRoutes() {
        for (String name : batch().keySet()) {
            if (camel.getRoute(name) == null) {
                throw new IllegalStateException("Pipeline '" + name + "' has no route with id '" + name + "'");
            }
        }
    }

    public boolean exists(String name) {
        return batch().containsKey(name);
    }

    /** Whether the pipeline is made from an entry of pipelines.sources. */
    public boolean isSource(String name) {
        return sources.containsKey(name);
    }

    /** A pipeline made from an entry of pipelines.sources. */
    public SourceDefinition source(String name) {
        return named(sources, name);
    }

    public List<SourceDefinition> sources() {
        return new ArrayList<>(sources.values());
    }

    /** The names of every pipeline, of a route file or of a source. */
    public List<String> names() {
        return new ArrayList<>(batch().keySet());
    }

    /** Lake prefix of the pipeline's run folders (its first step that lands data); null: none. */
    public String lakePrefix(String name) {
        return batch(name).steps().stream().map(s -> s.text("lakePrefix")).filter(s -> !s.isEmpty()).findFirst()
                .orElse(null);
    }

    /** The step of a pipeline that is that task. */
    public Step step(String pipeline, String task) {
        return batch(pipeline).step(task).orElseThrow(() -> new IllegalStateException("Pipeline " + pipeline
                + " has no step " + task));
    }

    /** Fails with UnknownPipelineException when there is no such pipeline. */
    public void known(String name) {
        if (!exists(name)) {
            throw new UnknownPipelineException(name);
        }
    }

    public BatchPipeline batch(String name) {
        return named(batch(), name);
    }

    private static <T> T named(Map<String, T> pipelines, String name) {
        T p = pipelines.get(name);
        if (p == null) {
            throw new UnknownPipelineException(name);
        }
        return p;
    }

    /** Every pipeline, in the order the routes were read (those of the sources last). */
    public List<BatchPipeline> all() {
        return new ArrayList<>(batch().values());
    }

    /** The pipeline's schedule as a Quartz cron expression. */
    public String cron(String name) {
        return batch(name).cron();
    }

    public ZoneId zone(String name) {
        return batch(name).zone();
    }

    /** The endpoint that takes the pipeline's runs: the queue seda:<pipeline> of its block pipeline-runs. */
    public Endpoint entry(String name) {
        known(name);
        if (camel.getRoute(name) == null) {
            throw new IllegalStateException("Pipeline '" + name + "' has no route with id '" + name + "'");
        }
        return camel.getEndpoint("seda:" + name);
    }
}
