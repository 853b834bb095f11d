package io.pipelines.api;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.schedule.AutoPause;
import io.pipelines.schedule.Backfills;
import io.pipelines.schedule.Deadlines;
import io.pipelines.schedule.Freshness;
import io.pipelines.run.DeadlineRules;
import io.pipelines.schedule.PipelineSchedules;
import io.pipelines.run.RunAlreadyActiveException;
import io.pipelines.run.RunLauncher;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.config.SourceDefinition;
import io.pipelines.stream.LateEvents;
import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;

/**
 * What the REST API (routes/rest-api.camel.yaml) and the JMX operations do: every input is checked
 * here, before anything is recorded, and a bad one is refused with an {@link ApiProblem} that names it.
 */
@Component("controlApi")
public class ControlApi {

    private final AutoPause autoPause;
    private final Deadlines deadlines;
    private final Backfills backfills;
    private final Freshness freshness;
    private final int defaultMaxActive;
    private final PipelineCatalog catalog;
    private final PipelineSchedules schedules;
    private final RunLauncher launcher;
    private final RunLedger ledger;
    private final ObjectMapper json;
    private final Clock clock;
    private final int maxBackfillDays;
    private final PipelinesProperties.Stream streamSettings;
    private final Streams streams;
    private final CamelContext camel;

    public ControlApi(PipelineCatalog catalog, PipelineSchedules schedules, RunLauncher launcher, RunLedger ledger,
                      ObjectMapper json, Clock clock, PipelinesProperties properties, Streams streams,
                      CamelContext camel, AutoPause autoPause, Deadlines deadlines, Backfills backfills,
                      Freshness freshness) {
        this.autoPause = autoPause;
        this.freshness = freshness;
        this.backfills = backfills;
        this.defaultMaxActive = properties.getRuns().getBackfillMaxActive();
        this.deadlines = deadlines;
        this.catalog = catalog;
        this.schedules = schedules;
        this.launcher = launcher;
        this.ledger = ledger;
        this.json = json;
        this.clock = clock;
        this.maxBackfillDays = properties.getRuns().getMaxBackfillDays();
        this.streamSettings = properties.getStream();
        this.streams = streams;
        this.camel = camel;
    }

    /**
     * POST /api/pipelines/{name}/suspend: a batch or source pipeline's schedule is paused (on every
     * instance: the Quartz trigger is shared); the stream's route is suspended in this instance, so its
     * consumers commit their batch in flight, then fetch nothing and stay in the group.
     */
    public Map<String, Object> suspend(String name) throws Exception {
        return control(name, true);
    }

    /** POST /api/pipelines/{name}/resume: the schedule, or the stream's route in this instance, goes on. */
    public Map<String, Object> resume(String name) throws Exception {
        return control(name, false);
    }

    private Map<String, Object> control(String name, boolean suspend) throws Exception {
        if (stream(name) != null) {
            requireStreamEnabled(name);
            if (suspend) {
                camel.getRouteController().suspendRoute(name);
            } else {
                camel.getRouteController().resumeRoute(name);
            }
        } else {
            requirePipeline(name);
            if (suspend) {
                schedules.suspend(name);
            } else {
                schedules.resume(name);
            }
        }
        return Map.of("pipeline", name, "state", state(name));
    }

    private void requireStreamEnabled(String name) {
        if (!streamSettings.isEnabled()) {
            throw ApiProblem.conflict("Stream " + name + " is disabled (pipelines.stream.enabled=false)");
        }
    }

    private String state(String name) {
        return stream(name) != null ? streamState(name) : schedules.state(name);
    }

    /** The stream of this name when it is declared and has its route here; null otherwise. */
    private DeclaredStream stream(String name) {
        return streams.has(name) && camel.getRoute(name) != null ? streams.get(name) : null;
    }

    /** The streams that run here: declared, with a route. */
    private List<DeclaredStream> streams() {
        return streams.all().stream().filter(s -> camel.getRoute(s.name()) != null).toList();
    }

    /** disabled, or the state of the stream's consumers in this instance: started, suspended or stopped. */
    public String streamState(String name) {
        return !streamSettings.isEnabled() ? "disabled" : streams.get(name).consumers().state();
    }

    /** GET /api/pipelines: the batch pipelines, the source pipelines, then the streams. */
    public List<Map<String, Object>> listPipelines() {
        List<Map<String, Object>> pipelines = new java.util.ArrayList<>(catalog.all().stream()
                .map(p -> catalog.isSource(p.name()) ? describe(catalog.source(p.name())) : describe(p)).toList());
        streams().forEach(s -> pipelines.add(describe(s)));
        return pipelines;
    }

    private Map<String, Object> describe(DeclaredStream stream) {
        StreamDeclaration d = stream.declaration();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", d.name());
        view.put("type", "stream");
        view.put("description", "Events of Kafka topic " + d.source().topic() + " into the lake (" + d.lakePrefix()
                + "), " + d.staging() + " and " + d.window().table() + " (declared in " + d.file() + ")");
        view.put("source", Map.of("topic", d.source().topic(), "consumerGroup", d.source().group(),
                "deadLetterTopic", d.source().deadLetterTopic()));
        view.put("window", Map.of("table", d.window().table(), "size", d.window().size().toString(),
                "allowedLateness", d.window().allowedLateness().toString()));
        view.put("state", streamState(d.name()));
        return view;
    }

    private Map<String, Object> describe(BatchPipeline p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", p.name());
        view.put("type", "batch");
        view.put("description", p.description());
        view.put("schedule", Map.of("cron", p.cron(), "timeZone", p.zone().getId(), "catchup",
                p.catchUp().mode().name().toLowerCase(java.util.Locale.ROOT), "catchupLimit", p.catchUp().limit()));
        view.put("steps", p.steps().stream().map(s -> Map.of("task", s.task(), "block", s.block())).toList());
        runs(p.name(), view);
        return view;
    }

    /** The schedule's state and next fire, the last run, and the last runs' statuses (newest first) for the console. */
    private void runs(String pipeline, Map<String, Object> view) {
        view.put("state", schedules.state(pipeline));
        view.put("nextFire", schedules.nextFire(pipeline).orElse(null));
        autoPause.pause(pipeline).ifPresent(pause -> view.put("autoPaused", pause));
        view.put("lastRun", lastRun(pipeline));
        view.put("recentRuns", ledger.recent(pipeline, RECENT_RUNS).stream().map(r -> Map.of("runId", r.runId(),
                "logicalDate", r.logicalDate(), "status", r.status())).toList());
        freshness.of(pipeline).ifPresent(state -> view.put("freshness", state));
        DeadlineRules rules = catalog.batch(pipeline).deadlines();
        if (rules.any()) {
            Map<String, Object> deadline = new LinkedHashMap<>();
            deadline.put("after", rules.date() == null ? null : DeadlineRules.text(rules.date()));
            Map<String, String> limits = new LinkedHashMap<>();
            rules.tasks().forEach((task, limit) -> limits.put(task, limit.describe()));
            deadline.put("taskLimits", limits);
            deadline.put("lastMiss", deadlines.recent(pipeline, 1).stream().findFirst().orElse(null));
            view.put("deadline", deadline);
        }
    }

    private Map<String, Object> lastRun(String pipeline) {
        return ledger.latest(pipeline).map(r -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("runId", r.runId());
            last.put("logicalDate", r.logicalDate());
            last.put("status", r.status());
            last.put("queuedAt", r.queuedAt());
            last.put("finishedAt", r.finishedAt());
            return last;
        }).orElse(null);
    }

    /** A pipeline made from an entry of pipelines.sources. */
    private Map<String, Object> describe(SourceDefinition s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", s.name());
        view.put("type", "source");
        view.put("description", s.settings().getDescription());
        view.put("source", Map.of("type", s.type(), "origin", s.origin(), "cursorColumn", s.settings().getCursorColumn(),
                "keyColumns", s.settings().getKeyColumns()));
        view.put("stagingTable", s.stagingTable());
        view.put("lakePrefix", s.lakePrefix());
        view.put("schedule", Map.of("cron", s.cron(), "timeZone", s.settings().getTimeZone()));
        runs(s.name(), view);
        return view;
    }

    /** POST /api/pipelines/{name}/runs with {"logicalDate":"YYYY-MM-DD"} and, optionally, "force": true */
    public Map<String, Object> triggerRun(String name, String body) {
        requirePipeline(name);
        JsonNode request = object(body);
        return Map.of("runId", trigger(name, date(request, "logicalDate"), "api", force(request)));
    }

    /**
     * POST /api/pipelines/{name}/backfill with {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} and, optionally, "force": true,
     * "mode", "dryRun", and "maxActive": its runs at once (then fed by Backfills, behind other waiting runs).
     */
    public Map<String, Object> backfill(String name, String body) {
        requirePipeline(name);
        JsonNode request = object(body);
        LocalDate from = date(request, "from");
        LocalDate to = date(request, "to");
        String mode = text(request, "mode", BACKFILL_MODES);
        JsonNode dryRun = request.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw ApiProblem.badRequest("dryRun", "dryRun must be true or false");
        }
        range(name, from, to);
        List<LocalDate> dates = mode.equals("all") ? from.datesUntil(to.plusDays(1)).toList()
                : ledger.dateStates(name, from, to).stream()
                        .filter(d -> d.state().equals(mode.equals("missing") ? RunLedger.DateState.MISSING : "FAILED"))
                        .map(RunLedger.DateState::date).toList();
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("mode", mode);
        answer.put("dates", dates);
        if (dryRun != null && dryRun.asBoolean()) {
            answer.put("dryRun", true);
            answer.put("runIds", List.of());
            return answer;
        }
        int maxActive = maxActive(request);
        if (maxActive > 0 && !dates.isEmpty()) {
            Backfills.Backfill started = backfills.start(name, from, to, mode, force(request), maxActive, dates, "api");
            answer.put("backfillId", started.id());
            answer.put("maxActive", maxActive);
            answer.put("runIds", started.runIds());
            return answer;
        }
        answer.put("runIds", dates.isEmpty() ? List.of() : queue(name, dates, "api", force(request)));
        return answer;
    }

    /** A backfill's "maxActive": its runs at once (0: every date queued at once); absent: the setting's. */
    private int maxActive(JsonNode request) {
        JsonNode given = request.get("maxActive");
        if (given == null || given.isNull()) {
            return defaultMaxActive;
        }
        if (!given.canConvertToInt() || !given.isIntegralNumber() || given.asInt() < 0 || given.asInt() > 1000) {
            throw ApiProblem.badRequest("maxActive", "maxActive must be a whole number from 0 (every date at once) to 1000");
        }
        return given.asInt();
    }

    /** Runs per pipeline whose status the listing shows (the console's squares). */
    static final int RECENT_RUNS = 14;

    /** Which dates a backfill queues: every one (the default), those without a run, those whose latest run failed. */
    static final List<String> BACKFILL_MODES = List.of("all", "missing", "failed");

    /**
     * GET /api/pipelines/{name}/dates?from=&to=: each date of the range with its latest run's status
     * (MISSING when it has none), its run, and whether any run of it succeeded; and how many of each.
     */
    public Map<String, Object> dates(String name, String from, String to) {
        requirePipeline(name);
        LocalDate first = date(from, "from");
        LocalDate last = date(to, "to");
        range(name, first, last);
        List<RunLedger.DateState> states = ledger.dateStates(name, first, last);
        Map<String, Long> counts = new java.util.TreeMap<>();
        states.forEach(s -> counts.merge(s.state(), 1L, Long::sum));
        return Map.of("pipeline", name, "counts", counts, "dates", states);
    }

    /**
     * POST /api/pipelines/{stream}/late-events/fold with {"eventIds": [...]}: folds those late events
     * into their windows (each once; see {@link LateEvents}); answers the ones folded now and the others.
     */
    public Map<String, Object> foldLateEvents(String name, String body) {
        DeclaredStream stream = stream(name);
        if (stream == null) {
            requirePipeline(name);
            throw ApiProblem.badRequest(null, "Pipeline " + name + " is not a stream: it has no late events");
        }
        JsonNode ids = object(body).get("eventIds");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > LateEvents.MAX_EVENTS) {
            throw ApiProblem.badRequest("eventIds", "eventIds must be an array of 1 to " + LateEvents.MAX_EVENTS
                    + " event ids");
        }
        List<String> eventIds = new java.util.ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.asText().isBlank()) {
                throw ApiProblem.badRequest("eventIds", "eventIds must hold event ids (non-empty strings)");
            }
            eventIds.add(id.asText());
        }
        LateEvents.Folded folded = stream.lateEvents().fold(eventIds);
        return Map.of("folded", folded.folded(), "notFolded", folded.notFolded());
    }

    /** GET /api/runs/{runId} */
    public RunRecord run(String runId) {
        long id = runNumber(runId);
        return ledger.find(id).orElseThrow(() -> ApiProblem.notFound("No run with id " + id));
    }

    static long runNumber(String runId) {
        return idNumber("runId", runId);
    }

    /** An id in a path (a run's, a dead letter's, a backfill's): a whole number, or a 400 naming it. */
    static long idNumber(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name, name + " must be a whole number");
        }
    }

    /**
     * POST /api/runs/{runId}/resume: continues a FAILED run from the task that failed; an optional body
     * {"force": true} lets it replace the date's loaded rows with far fewer from now on.
     */
    public Map<String, Object> resumeRun(String runId, String body) {
        long id = runNumber(runId);
        return resume(id, body == null || body.isBlank() ? false : force(object(body)));
    }

    public Map<String, Object> resume(long runId, boolean force) {
        try {
            RunRecord before = launcher.resume(runId, force);
            String from = before.tasks().stream().filter(t -> t.status() != io.pipelines.run.RunStatus.SUCCEEDED)
                    .map(RunRecord.Task::task).findFirst().orElse(null);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("runId", runId);
            answer.put("resumedFrom", from);
            answer.put("previousError", before.error());
            return answer;
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound(e.getMessage());
        } catch (IllegalStateException | RunAlreadyActiveException e) {
            throw ApiProblem.conflict(e.getMessage());
        }
    }

    /** One run for a logical date that is not after today. */
    public long trigger(String name, LocalDate date, String triggeredBy, boolean force) {
        requirePipeline(name);
        notAfterToday(name, date, "logicalDate");
        try {
            return launcher.launch(name, date, triggeredBy, force);
        } catch (RunAlreadyActiveException e) {
            throw ApiProblem.conflict(e.getMessage());
        }
    }

    /** One run per date of a range that ends no later than today. */
    public List<Long> backfill(String name, LocalDate from, LocalDate to, String triggeredBy, boolean force) {
        requirePipeline(name);
        range(name, from, to);
        return queue(name, from.datesUntil(to.plusDays(1)).toList(), triggeredBy, force);
    }

    /** A range of logical dates of the pipeline: in order, begun, at most pipelines.runs.max-backfill-days long. */
    private void range(String name, LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw ApiProblem.badRequest("from", "from (" + from + ") is after to (" + to + ")");
        }
        notAfterToday(name, to, "to");
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > maxBackfillDays) {
            throw ApiProblem.badRequest("from", "a range covers at most " + maxBackfillDays + " days "
                    + "(pipelines.runs.max-backfill-days); " + from + " to " + to + " is " + days);
        }
    }

    private List<Long> queue(String name, List<LocalDate> dates, String triggeredBy, boolean force) {
        try {
            return launcher.launchAll(name, dates, triggeredBy, force);
        } catch (RunAlreadyActiveException e) {
            throw ApiProblem.conflict(e.getMessage() + "; no run of this backfill was queued");
        }
    }

    private void requirePipeline(String name) {
        if (name == null || !catalog.exists(name)) {
            throw ApiProblem.notFound("No pipeline named '" + name + "'");
        }
    }

    private void notAfterToday(String name, LocalDate date, String field) {
        LocalDate today = LocalDate.now(clock.withZone(catalog.zone(name)));
        if (date.isAfter(today)) {
            throw ApiProblem.badRequest(field, field + " " + date + " is after today (" + today + " in "
                    + catalog.zone(name) + "): a logical date must have begun");
        }
    }

    private JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest(null, "The request needs a JSON object body");
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest(null, "The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest(null, "The request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    /** The optional "force" of a request: true or false (absent: false). */
    private static boolean force(JsonNode request) {
        JsonNode value = request.get("force");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiProblem.badRequest("force", "force must be true or false");
        }
        return value.booleanValue();
    }

    /** A query parameter's date. */
    private static LocalDate date(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.badRequest(field, field + " is required (YYYY-MM-DD)");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a date of the form YYYY-MM-DD");
        }
    }

    /** An optional text field, one of {@code allowed} (the first is the default). */
    private static String text(JsonNode request, String field, List<String> allowed) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return allowed.get(0);
        }
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            throw ApiProblem.badRequest(field, field + " must be one of " + allowed);
        }
        return value.asText();
    }

    private static LocalDate date(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest(field, field + " is required (YYYY-MM-DD)");
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest(field, field + " must be a string of the form YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a date of the form YYYY-MM-DD");
        }
    }
}
