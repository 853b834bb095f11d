package io.pipelines.run;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Once Camel has read routes/ and before anything starts: learns the batch pipelines from their
 * routes and checks every step with the bean of its block, so that a bad pipeline file stops
 * start-up with a message naming its file, line, route, step and parameter.
 */
@Component
public class PipelineVerifier implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineVerifier.class);

    private final PipelineCatalog catalog;
    private final Map<String, BlockTask> tasks;

    public PipelineVerifier(PipelineCatalog catalog, List<BlockTask> tasks) {
        this.catalog = catalog;
        this.tasks = tasks.stream().collect(Collectors.toMap(BlockTask::block, Function.identity()));
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
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
