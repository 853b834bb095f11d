package io.pipelines.run;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Once Camel has read routes/ and before anything starts: adds the routes of the pipelines made
 * from configuration (the sources), learns the pipelines from the routes and checks every step with
 * the bean of its block, so that a bad pipeline file stops start-up with a message naming its file,
 * line, route, step and parameter.
 */
@Component
public class PipelineVerifier implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineVerifier.class);

    private final PipelineCatalog catalog;
    private final Map<String, BlockTask> tasks;
    private final List<ConfiguredPipelines> configured;

    public PipelineVerifier(PipelineCatalog catalog, List<BlockTask> tasks, List<ConfiguredPipelines> configured) {
        this.catalog = catalog;
        this.tasks = new java.util.HashMap<>();
        tasks.forEach(t -> t.blocks().forEach(block -> this.tasks.put(block, t)));
        this.configured = configured;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        for (ConfiguredPipelines c : configured) {
            try {
                c.addRoutes(camel);
            } catch (Exception e) {
                throw new IllegalStateException("The routes of the configured pipelines could not be made: " + e.getMessage(), e);
            }
        }
        catalog.learn();
        for (BatchPipeline p : catalog.all()) {
            for (Step step : p.steps()) {
                BlockTask task = tasks.get(step.block());
                if (task != null) {
                    task.check(step, p);
                }
            }
            log.info("Pipeline {} ({}): {}", p.name(), p.where(),
                    p.steps().stream().map(s -> s.task() + " (" + s.block() + ")").collect(Collectors.joining(" >> ")));
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }
}
