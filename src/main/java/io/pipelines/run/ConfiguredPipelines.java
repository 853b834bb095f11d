package io.pipelines.run;

import org.apache.camel.CamelContext;

/**
 * Pipelines made from configuration rather than written in route files (the entries of
 * pipelines.sources): their routes, of the same building blocks, are added before the pipelines
 * are read from the loaded routes ({@link PipelineVerifier}), so they are checked, scheduled, run
 * and shown like any other.
 */
public interface ConfiguredPipelines {

    /** The folder the routes made from configuration are read from (in memory): {@code sources/<name>.yaml}. */
    String FOLDER = "sources/";

    /** Adds the pipelines' routes to Camel (not started yet). */
    void addRoutes(CamelContext camel) throws Exception;

    /** Whether the pipeline's route was made from configuration (from its file, sources/<name>.yaml). */
    static boolean made(BatchPipeline pipeline) {
        return pipeline.where().startsWith(FOLDER + pipeline.name() + ".yaml:");
    }
}
