package io.pipelines.run;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;


/**
 * Once Camel has started, checks that every batch pipeline has its route, then makes the schedule
 * route {@code <pipeline>.schedule} of every batch pipeline from the route template
 * {@code pipeline-schedule} (routes/templates/), with the cron and time zone of its pipeline-runs.
 */
@Component
public class PipelineSchedules implements CamelContextConfiguration {

    public static final String TEMPLATE = "pipeline-schedule";
    private static final Logger log = LoggerFactory.getLogger(PipelineSchedules.class);

    private final PipelineCatalog catalog;
    private final ScheduleTriggers triggers;

    public PipelineSchedules(PipelineCatalog catalog, ScheduleTriggers triggers) {
        this.catalog = catalog;
        this.triggers = triggers;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        catalog.verifyRoutes();
        triggers.whileCreating(() -> {
            for (BatchPipeline p : catalog.all()) {
                addScheduleRoute(camel, p.name(), p.cron(), p.zone().getId());
                log.info("Pipeline {} scheduled at '{}' ({})", p.name(), p.cron(), p.zone().getId());
            }
        });
        try {
            triggers.warnOfUnknown(catalog.names());
        } catch (SchedulerException e) {
            throw new IllegalStateException("The Quartz job store (etl.qrtz_*) could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * The schedule route of a pipeline (batch or source), from the template: call it under
     * {@link ScheduleTriggers#whileCreating}, the lock in which instances make their schedules.
     */
    public static void addScheduleRoute(CamelContext camel, String pipeline, String cron, String timeZone) {
        try {
            TemplatedRouteBuilder.builder(camel, TEMPLATE)
                    .routeId(pipeline + PipelineCatalog.SCHEDULE_SUFFIX)
                    .parameter("pipeline", pipeline)
                    .parameter("cron", cron)
                    .parameter("timeZone", timeZone)
                    .add();
        } catch (Exception e) {
            throw new IllegalStateException("Schedule of pipeline " + pipeline + " not made: " + e.getMessage(), e);
        }
    }
}
