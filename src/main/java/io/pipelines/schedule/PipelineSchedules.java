package io.pipelines.schedule;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.run.BatchPipeline;
import io.pipelines.run.PipelineCatalog;


/**
 * The pipelines' schedules. Once Camel has started, checks that every pipeline has its route, then
 * makes the schedule route {@code <pipeline>.schedule} of every pipeline from the route template
 * {@code pipeline-schedule} (routes/templates/), with the cron and time zone of its pipeline-runs;
 * then gives each schedule's state, and suspends and resumes it (its Quartz trigger, for every
 * instance).
 */
@Component
public class PipelineSchedules implements CamelContextConfiguration {

    public static final String TEMPLATE = "pipeline-schedule";
    private static final Logger log = LoggerFactory.getLogger(PipelineSchedules.class);

    private final PipelineCatalog catalog;
    private final ScheduleTriggers triggers;
    private final CamelContext camel;

    public PipelineSchedules(PipelineCatalog catalog, ScheduleTriggers triggers, CamelContext camel) {
        this.catalog = catalog;
        this.triggers = triggers;
        this.camel = camel;
    }

    /**
     * started, suspended (its trigger is paused, on every instance), unscheduled, or the state of
     * its schedule route here when that is not started (stopped by an operator, say).
     */
    public String state(String name) {
        catalog.known(name);
        ServiceStatus status = camel.getRouteController().getRouteStatus(name + PipelineCatalog.SCHEDULE_SUFFIX);
        if (status == null) {
            return "unscheduled";
        }
        if (!status.isStarted()) {
            return status.name().toLowerCase(java.util.Locale.ROOT);
        }
        return triggers.state(name);
    }

    /** When the pipeline's schedule fires next; empty when it is unscheduled or suspended. */
    public java.util.Optional<java.time.Instant> nextFire(String name) {
        catalog.known(name);
        return triggers.nextFire(name);
    }

    /** Pauses the pipeline's schedule on every instance (manual runs are still accepted). */
    public void suspend(String name) throws SchedulerException {
        catalog.known(name);
        triggers.pause(name);
    }

    public void resume(String name) throws SchedulerException {
        catalog.known(name);
        triggers.resume(name);
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
