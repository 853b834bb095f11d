package io.pipelines.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceDefinition;
import io.pipelines.config.SourceSettings;
import io.pipelines.run.ConfiguredPipelines;
import io.pipelines.run.DeadlineRules;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineRoutes;
import io.pipelines.run.RunRoutePolicies;

/**
 * The pipeline of every entry of pipelines.sources, written as a route of building blocks like a
 * route file's (see {@link #yaml}), before Camel starts:
 *
 * <pre>
 * - route:
 *     id: &lt;source&gt;                                   # group pipelines, routeConfigurationId pipeline-steps
 *     errorHandler: ...                             # the tasks' dead letter channel, with the source's retries
 *     from:
 *       uri: kamelet:pipeline-runs                  # its schedule, one run at a time
 *       steps:
 *         - to: kamelet:table-extract/&lt;source&gt;.extract   # or api-extract; feeds the check and load in its pass
 *         - to: kamelet:quality-check/&lt;source&gt;.check     # with quality-suite only
 *         - to: kamelet:warehouse-load/&lt;source&gt;.load     # mode upsert into staging.&lt;source&gt;
 * </pre>
 *
 * So a source pipeline is read, checked, scheduled, run, retried, resumed and shown in Hawtio (with
 * its real parameters) exactly as a pipeline of a route file; its messages name the route as the
 * file {@code sources/<source>.yaml} (made in memory from the entry, never written). Adding a source
 * is adding an entry: no route file, no Java.
 */
@Component("sourcePipelines")
public class SourcePipelines implements ConfiguredPipelines {

    /** The task names of a source pipeline. */
    public static final String EXTRACT = "extract";
    public static final String LOAD = "load";
    public static final String CHECK = "check";
    private static final Logger log = LoggerFactory.getLogger(SourcePipelines.class);

    private final PipelineCatalog catalog;
    /** pipelines.retry: what a source's own retry settings leave unset. */
    private final PipelinesProperties.Retry defaults;

    public SourcePipelines(PipelineCatalog catalog, PipelinesProperties properties) {
        this.catalog = catalog;
        this.defaults = properties.getRetry();
    }

    @Override
    public void addRoutes(CamelContext camel) throws Exception {
        for (SourceDefinition s : catalog.sources()) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(file(s.name()), yaml(s)));
            log.info("Source pipeline {} ({} {} -> {}) scheduled at '{}' ({})", s.name(), s.type(), s.origin(),
                    s.stagingTable(), s.cron(), s.settings().getTimeZone());
        }
    }

    /** Where a source's pipeline comes from. */
    private static String entry(SourceDefinition s) {
        return "pipelines.sources." + s.name();
    }

    /** The file the route of a source's pipeline is read from (held in memory): its messages name it. */
    public static String file(String source) {
        return ConfiguredPipelines.FOLDER + source + ".yaml";
    }

    /** The route of a source's pipeline, in the YAML DSL. */
    String yaml(SourceDefinition s) {
        SourceSettings settings = s.settings();
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("id", s.name());
        route.put("group", RunRoutePolicies.PIPELINES_GROUP);
        route.put("description", settings.getDescription().isBlank()
                ? "Rows of " + s.origin() + " changed since the last run, upserted into " + s.stagingTable()
                : settings.getDescription());
        route.put("routeConfigurationId", PipelineRoutes.STEPS_CONFIGURATION);
        route.put("errorHandler", Map.of("deadLetterChannel", deadLetterChannel(settings.getRetry())));
        Map<String, Object> runs = new LinkedHashMap<>();
        runs.put("cron", s.cron());
        runs.put("timeZone", settings.getTimeZone());
        // One run of a source at a time: each goes on from the watermark the one before left.
        runs.put("concurrency", 1);
        if (settings.getFreshnessWarn() != null) {
            runs.put("freshnessWarn", DeadlineRules.text(settings.getFreshnessWarn()));
        }
        if (settings.getFreshnessError() != null) {
            runs.put("freshnessError", DeadlineRules.text(settings.getFreshnessError()));
        }
        Map<String, Object> extract = new LinkedHashMap<>(s.isJdbc() ? tableParameters(s) : apiParameters(s));
        extract.put("lakePrefix", s.lakePrefix());
        extract.put("load", LOAD);
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("table", s.stagingTable());
        load.put("extract", EXTRACT);
        load.put("mode", "upsert");
        List<Object> steps = new ArrayList<>();
        boolean checked = !settings.getQualitySuite().isBlank();
        if (checked) {
            extract.put("check", CHECK);
        }
        steps.add(Map.of("to", Map.of("uri", "kamelet:" + (s.isJdbc() ? "table-extract" : "api-extract") + "/" + s.name()
                + "." + EXTRACT, "parameters", extract)));
        if (checked) {
            steps.add(Map.of("to", Map.of("uri", "kamelet:quality-check/" + s.name() + "." + CHECK, "parameters",
                    Map.of("suite", settings.getQualitySuite(), "extract", EXTRACT))));
        }
        steps.add(Map.of("to", Map.of("uri", "kamelet:warehouse-load/" + s.name() + "." + LOAD, "parameters", load)));
        // The queue's route is named <source>-runs: two sources of the same schedule are two endpoints.
        route.put("from", Map.of("uri", "kamelet:" + PipelineRoutes.RUNS_BLOCK + "/" + s.name() + "-runs",
                "parameters", runs, "steps", steps));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(List.of(Map.of("route", route)));
    }

    /** The dead letter channel of routes/error-handling.camel.yaml, with the source's retries. */
    private Map<String, Object> deadLetterChannel(PipelinesProperties.Retry own) {
        PipelinesProperties.Retry retry = own.over(defaults);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("maximumRedeliveries", retry.getMaxRetries());
        policy.put("redeliveryDelay", retry.getInitialDelay().toMillis());
        policy.put("useExponentialBackOff", true);
        policy.put("backOffMultiplier", retry.getMultiplier());
        policy.put("maximumRedeliveryDelay", retry.getMaxDelay().toMillis());
        policy.put("retryAttemptedLogLevel", "DEBUG");
        policy.put("logExhausted", false);
        Map<String, Object> channel = new LinkedHashMap<>();
        channel.put("deadLetterUri", PipelineRoutes.DEAD_LETTER_URI);
        channel.put("onExceptionOccurredRef", "taskFailed");
        channel.put("onRedeliveryRef", "taskRetries");
        channel.put("redeliveryPolicy", policy);
        return channel;
    }

    private static Map<String, Object> tableParameters(SourceDefinition s) {
        SourceSettings settings = s.settings();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("connection", settings.getConnection());
        p.put("table", settings.getTable());
        p.put("cursorColumn", settings.getCursorColumn());
        p.put("keyColumns", String.join(",", settings.getKeyColumns()));
        p.put("maxRowsPerRun", settings.getMaxRowsPerRun());
        return p;
    }

    private static Map<String, Object> apiParameters(SourceDefinition s) {
        SourceSettings settings = s.settings();
        SourceSettings.Http http = settings.getHttp();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("url", settings.getUrl());
        p.put("endpoint", settings.getEndpoint());
        p.put("cursorColumn", settings.getCursorColumn());
        p.put("keyColumns", String.join(",", settings.getKeyColumns()));
        p.putAll(ApiParameters.write(http));
        // The token stays in the settings: the route names where it is, never the token itself.
        p.put("tokenSetting", "none".equals(http.getAuth()) ? "" : entry(s) + ".http.token");
        return p;
    }

}
