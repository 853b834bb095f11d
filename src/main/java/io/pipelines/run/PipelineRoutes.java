package io.pipelines.run;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.errorhandler.DeadLetterChannelDefinition;
import org.apache.camel.util.URISupport;
import org.quartz.CronExpression;
import org.springframework.boot.convert.DurationStyle;

import io.pipelines.config.ProjectFiles;
import io.pipelines.config.SqlIdentifiers;

/**
 * Reads the batch pipelines from the routes Camel has loaded (before they start): every route that
 * starts from {@code kamelet:pipeline-runs} is a pipeline named by its id, and each
 * {@code kamelet:<block>/<pipeline>.<task>} it calls is one of its steps. Checks what does not
 * depend on the block's work: the block exists, every parameter is known, the required ones are
 * given, each value has its type (files exist), the schedule is a cron and a time zone. An error
 * names the file, the line, the route, the step and the parameter.
 */
public final class PipelineRoutes {

    /** The block a batch pipeline's route starts from. */
    public static final String RUNS_BLOCK = "pipeline-runs";
    /** The dead letter channel of the pipelines' tasks (routes/error-handling.camel.yaml). */
    public static final String DEAD_LETTER_URI = "direct:task-dead-letter";
    /** The route configuration of a pipeline's route (routes/error-handling.camel.yaml). */
    public static final String STEPS_CONFIGURATION = "pipeline-steps";
    private static final Pattern TASK = Pattern.compile("[a-z][a-z0-9_]*");

    private PipelineRoutes() {
    }

    public static Map<String, BatchPipeline> read(CamelContext camel, Blocks blocks) {
        Map<String, BatchPipeline> pipelines = new LinkedHashMap<>();
        Map<String, String> startedBy = new LinkedHashMap<>();
        for (RouteDefinition route : ((ModelCamelContext) camel).getRouteDefinitions()) {
            if (route.getInput() == null || !RUNS_BLOCK.equals(block(route.getInput().getEndpointUri()))) {
                refuseSteps(route, blocks);
                continue;
            }
            String file = file(route);
            String where = file + ":" + route.getInput().getLineNumber() + ", route " + route.getRouteId();
            if (!route.hasCustomIdAssigned()) {
                throw new IllegalStateException(where + ": a route starting from kamelet:" + RUNS_BLOCK
                        + " is a pipeline and needs an id, the pipeline's name");
            }
            // Without them its runs would not be recorded, retried, dead-lettered or resumed where they stopped.
            if (!RunRoutePolicies.PIPELINES_GROUP.equals(route.getGroup())) {
                throw new IllegalStateException(where + ": a pipeline's route has group: " + RunRoutePolicies.PIPELINES_GROUP
                        + " (its runs are recorded)");
            }
            checkErrorHandler(route, where);
            if (route.getRouteConfigurationId() == null
                    || !List.of(route.getRouteConfigurationId().split(",")).contains(STEPS_CONFIGURATION)) {
                throw new IllegalStateException(where + ": a pipeline's route has routeConfigurationId: "
                        + STEPS_CONFIGURATION + " (its steps are retried, dead-lettered, and skipped when a resumed run "
                        + "finished them)");
            }
            String name = route.getRouteId();
            SqlIdentifiers.quote(name, where + ": the route id (the pipeline's name)");
            if (pipelines.containsKey(name)) {
                throw new IllegalStateException(where + ": pipeline " + name + " is also the route at "
                        + pipelines.get(name).where());
            }
            String from = route.getInput().getEndpointUri();
            String other = startedBy.putIfAbsent(from, name);
            if (other != null) {
                // Camel takes equal URIs for one endpoint, which only one route may consume.
                throw new IllegalStateException(where + ": starts from " + from + " as pipeline " + other + " does ("
                        + pipelines.get(other).where() + "); name each pipeline's queue: kamelet:" + RUNS_BLOCK + "/"
                        + name + "-runs");
            }
            Step runs = step(camel, blocks, name, RUNS_BLOCK, null, from, where);
            String cron = runs.text("cron");
            if (!CronExpression.isValidExpression(cron)) {
                throw runs.wrong("cron", "'" + cron + "' is not a Quartz cron expression (seconds first)");
            }
            ZoneId zone;
            try {
                zone = ZoneId.of(runs.text("timeZone"));
            } catch (DateTimeException e) {
                throw runs.wrong("timeZone", "'" + runs.text("timeZone") + "' is not a time zone");
            }
            List<Step> steps = steps(camel, blocks, name, file, route.getOutputs());
            DeadlineRules deadlines = DeadlineRules.of(runs, steps.stream().map(Step::task)
                    .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
            pipelines.put(name, new BatchPipeline(name, route.getDescription() == null ? "" : route.getDescription(),
                    where, cron, zone, List.copyOf(steps), deadlines, CatchUp.of(runs), FreshnessRules.of(runs), file, runs));
        }
        return pipelines;
    }

    /**
     * A pipeline's own error handler (its own retries) is the dead letter channel of
     * routes/error-handling.camel.yaml with other redelivery values: its failures must still be
     * dead-lettered, counted and recorded, and errors that no wait cures not retried.
     */
    private static void checkErrorHandler(RouteDefinition route, String where) {
        if (!route.isErrorHandlerFactorySet()) {
            return;
        }
        if (!(route.getErrorHandlerFactory() instanceof DeadLetterChannelDefinition own)
                || !DEAD_LETTER_URI.equals(own.getDeadLetterUri()) || !"taskFailed".equals(own.getOnExceptionOccurredRef())
                || !"taskRetries".equals(own.getOnRedeliveryRef())) {
            throw new IllegalStateException(where + ": a pipeline's own errorHandler is a deadLetterChannel with "
                    + "deadLetterUri: " + DEAD_LETTER_URI + ", onExceptionOccurredRef: taskFailed and onRedeliveryRef: "
                    + "taskRetries, and its own redeliveryPolicy (see routes/error-handling.camel.yaml)");
        }
    }

    /**
     * A route that is not a pipeline calls no step of the catalogue: the blocks work on a run (its
     * date, its lake folder, its record) and a run is a pipeline route's.
     */
    private static void refuseSteps(RouteDefinition route, Blocks blocks) {
        for (ToDefinition to : kameletCalls(route.getOutputs())) {
            if (blocks.find(block(to.getEndpointUri())).isPresent()) {
                throw new IllegalStateException(file(route) + ":" + to.getLineNumber() + ", route " + route.getRouteId()
                        + ": kamelet:" + block(to.getEndpointUri()) + " is a step of a pipeline; it runs in a route that "
                        + "starts from kamelet:" + RUNS_BLOCK + " (see README, Writing a pipeline)");
            }
        }
    }

    /** The calls of a kamelet (not its source or sink) among the outputs, in order, nested ones (inside a filter, say) included. */
    private static List<ToDefinition> kameletCalls(List<ProcessorDefinition<?>> outputs) {
        List<ToDefinition> calls = new ArrayList<>();
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof ToDefinition to && block(to.getEndpointUri()) != null) {
                calls.add(to);
            }
            calls.addAll(kameletCalls(output.getOutputs()));
        }
        return calls;
    }

    /** The steps in the order the route calls them, nested ones (inside a filter, say) included. */
    private static List<Step> steps(CamelContext camel, Blocks blocks, String pipeline, String file,
                                    List<ProcessorDefinition<?>> outputs) {
        List<Step> steps = new ArrayList<>();
        for (ToDefinition to : kameletCalls(outputs)) {
            String uri = to.getEndpointUri();
            String block = block(uri);
            String where = file + ":" + to.getLineNumber() + ", route " + pipeline;
            String task = task(pipeline, uri);
            if (task == null || !TASK.matcher(task).matches()) {
                throw new IllegalStateException(where + ", step kamelet:" + path(uri) + ": a step of a pipeline is "
                        + "written kamelet:" + block + "/" + pipeline + ".<task>, the task a name in lower case "
                        + "(letters, digits, _)");
            }
            if (steps.stream().anyMatch(s -> s.task().equals(task))) {
                throw new IllegalStateException(where + ", step " + task + ": the pipeline has two steps named " + task);
            }
            steps.add(step(camel, blocks, pipeline, block, task, uri, where + ", step " + task));
        }
        return steps;
    }

    /** The step's parameters: as written (placeholders resolved), then the block's defaults; checked. */
    private static Step step(CamelContext camel, Blocks blocks, String pipeline, String blockName, String task,
                             String uri, String where) {
        Blocks.Block block = blocks.find(blockName).orElseThrow(() -> new IllegalStateException(where
                + ": no building block named " + blockName + " (kamelets/" + blockName + ".kamelet.yaml); "
                + "the blocks are " + blocks.names()));
        String stepWhere = where + " (" + blockName + ")";
        Map<String, String> given = new LinkedHashMap<>();
        int query = uri.indexOf('?');
        if (query >= 0) {
            Map<String, Object> raw;
            try {
                raw = URISupport.parseQuery(uri.substring(query + 1));
            } catch (Exception e) {
                throw new IllegalStateException(stepWhere + ": its parameters cannot be read: " + e.getMessage(), e);
            }
            for (Map.Entry<String, Object> p : raw.entrySet()) {
                if (!block.parameters().containsKey(p.getKey())) {
                    throw new IllegalStateException(stepWhere + ", parameter " + p.getKey() + ": " + blockName
                            + " has no such parameter; it takes " + block.parameters().keySet());
                }
                given.put(p.getKey(), resolve(camel, String.valueOf(p.getValue()), stepWhere, p.getKey()));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Blocks.Parameter p : block.parameters().values()) {
            String value = given.containsKey(p.name()) ? given.get(p.name())
                    : p.defaultValue() == null ? null : resolve(camel, p.defaultValue(), stepWhere, p.name());
            if (value == null || value.isEmpty()) {
                if (p.required()) {
                    throw new IllegalStateException(stepWhere + ", parameter " + p.name() + ": required (" + p.title() + ")");
                }
                if (value == null) {
                    continue;
                }
            } else {
                checkType(p, value, stepWhere);
            }
            values.put(p.name(), value);
        }
        return new Step(pipeline, task, blockName, Map.copyOf(values), stepWhere);
    }

    private static String resolve(CamelContext camel, String value, String where, String parameter) {
        try {
            return camel.resolvePropertyPlaceholders(value);
        } catch (RuntimeException e) {
            throw new IllegalStateException(where + ", parameter " + parameter + ": " + e.getMessage(), e);
        }
    }

    private static void checkType(Blocks.Parameter p, String value, String where) {
        String wrong = where + ", parameter " + p.name() + ": '" + value + "' ";
        if (!p.allowed().isEmpty() && !p.allowed().contains(value)) {
            throw new IllegalStateException(wrong + "is not one of " + p.allowed());
        }
        try {
            switch (p.type()) {
                case "integer" -> Long.parseLong(value);
                case "number" -> Double.parseDouble(value);
                case "duration" -> DurationStyle.detectAndParse(value);
                case "size" -> org.springframework.util.unit.DataSize.parse(value);
                case "boolean" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException();
                    }
                }
                case "file" -> ProjectFiles.read(value);
                default -> { }
            }
        } catch (IllegalStateException missing) {
            throw new IllegalStateException(wrong + "cannot be read: " + missing.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException(wrong + "is not a" + (p.type().equals("integer") ? "n " : " ") + p.type());
        }
    }

    /** The block a kamelet URI calls, or null when the URI is not a kamelet's (or is its source or sink). */
    static String block(String uri) {
        if (uri == null || !uri.startsWith("kamelet:")) {
            return null;
        }
        String path = path(uri);
        int slash = path.indexOf('/');
        String block = slash < 0 ? path : path.substring(0, slash);
        return block.equals("source") || block.equals("sink") ? null : block;
    }

    private static String path(String uri) {
        String path = uri.substring("kamelet:".length());
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String file(RouteDefinition route) {
        String location = route.getResource() == null ? "(unknown file)" : route.getResource().getLocation();
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    /** The task of a step's kamelet URI, when it calls a step of that pipeline; else null. */
    public static String task(String pipeline, String uri) {
        if (pipeline == null || block(uri) == null) {
            return null;
        }
        String path = path(uri);
        int slash = path.indexOf('/');
        String routeId = slash < 0 ? "" : path.substring(slash + 1);
        return routeId.startsWith(pipeline + ".") ? routeId.substring(pipeline.length() + 1) : null;
    }
}
