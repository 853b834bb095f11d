package io.pipelines.source;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineSchedules;
import io.pipelines.run.ScheduleTriggers;
import io.pipelines.config.SourceDefinition;

/**
 * Once Camel has started, makes the pipeline of every entry of pipelines.sources from the route
 * templates: {@code <source>} (template source-pipeline), {@code <source>.extract} and
 * {@code <source>.load} (template source-task), and its schedule {@code <source>.schedule}
 * (template pipeline-schedule). Adding a source is adding an entry: no route file, no Java.
 */
@Component("sourcePipelines")
public class SourcePipelines implements CamelContextConfiguration {

    public static final String PIPELINE_TEMPLATE = "source-pipeline";
    public static final String TASK_TEMPLATE = "source-task";
    private static final Logger log = LoggerFactory.getLogger(SourcePipelines.class);

    private final PipelineCatalog catalog;
    private final ScheduleTriggers triggers;
    /** pipelines.retry: what a source's own retry settings leave unset. */
    private final PipelinesProperties.Retry defaults;

    public SourcePipelines(PipelineCatalog catalog, ScheduleTriggers triggers, PipelinesProperties properties) {
        this.catalog = catalog;
        this.triggers = triggers;
        this.defaults = properties.getRetry();
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        for (SourceDefinition s : catalog.sources()) {
            task(camel, s, "extract", "sourceExtractTask");
            task(camel, s, "load", "sourceLoadTask");
            TemplatedRouteBuilder.builder(camel, PIPELINE_TEMPLATE).routeId(s.name()).parameter("pipeline", s.name()).add();
            // Under the lock in which instances make their schedules (see ScheduleTriggers#whileCreating).
            triggers.whileCreating(() -> PipelineSchedules.addScheduleRoute(camel, s.name(), s.cron(),
                    s.settings().getTimeZone()));
            log.info("Source pipeline {} ({} {} -> {}) scheduled at '{}' ({})", s.name(), s.type(), s.origin(),
                    s.stagingTable(), s.cron(), s.settings().getTimeZone());
        }
    }

    private void task(CamelContext camel, SourceDefinition s, String task, String bean) {
        PipelinesProperties.Retry retry = s.settings().getRetry().over(defaults);
        TemplatedRouteBuilder.builder(camel, TASK_TEMPLATE).routeId(s.name() + "." + task)
                .parameter("pipeline", s.name()).parameter("task", task).parameter("bean", bean)
                .parameter("maxRetries", retry.getMaxRetries())
                .parameter("initialDelay", retry.getInitialDelay().toMillis())
                .parameter("multiplier", retry.getMultiplier())
                .parameter("maxDelay", retry.getMaxDelay().toMillis())
                .add();
    }
}
