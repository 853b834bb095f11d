package io.pipelines.run;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.quartz.CronExpression;
import org.quartz.SchedulerException;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.PipelinesProperties.BatchPipeline;
import io.pipelines.config.ProjectFiles;
import io.pipelines.config.SourceConnections;
import io.pipelines.config.SqlIdentifiers;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.source.SourceDefinition;
import io.pipelines.source.SourceDefinitions;
import jakarta.annotation.PostConstruct;

/**
 * The pipelines of the service: their settings (pipelines.batch) joined with their routes. A
 * pipeline {@code p} is run by the route with id {@code p}; its schedule is the route
 * {@code p.schedule}, whose Quartz trigger suspend and resume pause and resume (for every instance).
 */
@Component
public class PipelineCatalog {

    public static final String SCHEDULE_SUFFIX = ".schedule";

    private final Map<String, BatchPipeline> batch;
    /** The pipelines made from pipelines.sources (routes from routes/templates/, see SourcePipelines). */
    private final Map<String, SourceDefinition> sources;
    private final CamelContext camel;
    private final SourceConnections connections;
    private final QualitySuiteParser suites;
    private final ScheduleTriggers triggers;

    public PipelineCatalog(PipelinesProperties properties, CamelContext camel, SourceConnections connections,
                           QualitySuiteParser suites, ScheduleTriggers triggers) {
        this.batch = properties.getBatch().stream()
                .collect(Collectors.toMap(BatchPipeline::getName, Function.identity(), (a, b) -> {
                    throw new IllegalStateException("pipelines.batch: two entries are named '" + a.getName() + "'");
                }, java.util.LinkedHashMap::new));
        this.sources = SourceDefinitions.resolve(properties.getSources(), properties.getConnections().keySet(),
                batch.keySet());
        this.camel = camel;
        this.connections = connections;
        this.suites = suites;
        this.triggers = triggers;
    }

    /** Checks every entry's settings and files before anything runs: a bad entry stops start-up. */
    @PostConstruct
    void verifySettings() {
        int index = 0;
        for (BatchPipeline p : batch.values()) {
            String where = "pipelines.batch[" + index++ + "] (" + p.getName() + ")";
            SqlIdentifiers.quote(p.getName(), where + ".name");
            try {
                ZoneId.of(p.getTimeZone());
            } catch (DateTimeException e) {
                throw new IllegalStateException(where + ".time-zone: '" + p.getTimeZone() + "' is not a time zone");
            }
            if (!CronExpression.isValidExpression(p.getCron())) {
                throw new IllegalStateException(where + ".cron: '" + p.getCron() + "' is not a Quartz cron expression");
            }
            try {
                connections.settings(p.getSource());
                SqlIdentifiers.qualified(p.getStagingTable(), where + ".staging-table");
                ProjectFiles.read(p.getExtractQuery());
                ProjectFiles.read(p.getTransform());
                ProjectFiles.read(p.getAggregate());
                suites.parse(ProjectFiles.path(p.getQualitySuite()));
            } catch (RuntimeException e) {
                throw new IllegalStateException(where + ": " + e.getMessage(), e);
            }
        }
    }

    /** Checks that every entry has its route, once Camel has read routes/. */
    public void verifyRoutes() {
        for (String name : batch.keySet()) {
            if (camel.getRoute(name) == null) {
                throw new IllegalStateException("Pipeline '" + name + "' (pipelines.batch) has no route with id '"
                        + name + "' in routes/");
            }
        }
    }

    public boolean exists(String name) {
        return batch.containsKey(name) || sources.containsKey(name);
    }

    /** A pipeline made from an entry of pipelines.sources. */
    public SourceDefinition source(String name) {
        return named(sources, name);
    }

    public List<SourceDefinition> sources() {
        return new ArrayList<>(sources.values());
    }

    /** The names of every pipeline, batch and source. */
    public List<String> names() {
        List<String> names = new ArrayList<>(batch.keySet());
        names.addAll(sources.keySet());
        return names;
    }

    /** The pipeline's own retry settings (unset fields: pipelines.retry). */
    public PipelinesProperties.Retry retry(String name) {
        return sources.containsKey(name) ? sources.get(name).settings().getRetry() : batch(name).getRetry();
    }

    /** Lake prefix of the pipeline's run folders. */
    public String lakePrefix(String name) {
        return sources.containsKey(name) ? sources.get(name).lakePrefix() : batch(name).getLakePrefix();
    }

    private void known(String name) {
        if (!exists(name)) {
            throw new UnknownPipelineException(name);
        }
    }

    public BatchPipeline batch(String name) {
        return named(batch, name);
    }

    private static <T> T named(Map<String, T> pipelines, String name) {
        T p = pipelines.get(name);
        if (p == null) {
            throw new UnknownPipelineException(name);
        }
        return p;
    }

    public List<BatchPipeline> all() {
        return new ArrayList<>(batch.values());
    }

    /** The pipeline's schedule as a Quartz cron expression. */
    public String cron(String name) {
        return sources.containsKey(name) ? sources.get(name).cron() : batch(name).getCron();
    }

    public ZoneId zone(String name) {
        return ZoneId.of(sources.containsKey(name) ? sources.get(name).settings().getTimeZone() : batch(name).getTimeZone());
    }

    /** The endpoint that takes the pipeline's runs. */
    public Endpoint entry(String name) {
        known(name);
        Route route = camel.getRoute(name);
        if (route == null) {
            throw new IllegalStateException("Pipeline '" + name + "' has no route with id '" + name + "' in routes/");
        }
        return route.getEndpoint();
    }

    /**
     * started, suspended (its trigger is paused, on every instance), unscheduled, or the state of
     * its schedule route here when that is not started (stopped by an operator, say).
     */
    public String state(String name) {
        known(name);
        ServiceStatus status = camel.getRouteController().getRouteStatus(name + SCHEDULE_SUFFIX);
        if (status == null) {
            return "unscheduled";
        }
        if (!status.isStarted()) {
            return status.name().toLowerCase(java.util.Locale.ROOT);
        }
        return triggers.state(name);
    }

    /** Pauses the pipeline's schedule on every instance (manual runs are still accepted). */
    public void suspend(String name) throws SchedulerException {
        known(name);
        triggers.pause(name);
    }

    public void resume(String name) throws SchedulerException {
        known(name);
        triggers.resume(name);
    }

}
