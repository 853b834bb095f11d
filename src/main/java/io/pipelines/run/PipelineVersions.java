package io.pipelines.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.util.LineDiff;

/**
 * The version of each pipeline's definition: a hash of its route file (when it is a file: a source's is made from
 * its settings), its schedule's and steps' parameters as resolved (placeholders and settings included) and the
 * files they name (SQL, suites). Recorded at start-up in etl.pipeline_versions with the definition, so that two
 * versions can be compared; each run records the version that ran it (RunRoutePolicies). The blocks' own code is
 * the service's version, not the pipeline's.
 */
@Component
public class PipelineVersions {

    private static final Logger log = LoggerFactory.getLogger(PipelineVersions.class);

    private final PipelineCatalog catalog;
    private final Blocks blocks;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    public PipelineVersions(PipelineCatalog catalog, Blocks blocks, JdbcTemplate jdbc, ObjectMapper json) {
        this.catalog = catalog;
        this.blocks = blocks;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One change between two versions: what (the route file, the schedule, a step, a file) and its lines. */
    public record Change(String what, List<String> lines) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void record() {
        for (BatchPipeline p : catalog.all()) {
            String version = of(p.name());
            if (jdbc.update("INSERT INTO etl.pipeline_versions (pipeline, version, definition) VALUES (?, ?, ?::jsonb) "
                    + "ON CONFLICT DO NOTHING", p.name(), version, write(definition(p))) == 1) {
                log.info("Pipeline {}: version {} recorded (first seen)", p.name(), version);
            }
        }
    }

    /** The version of the pipeline as this instance runs it. */
    public String of(String pipeline) {
        return versions.computeIfAbsent(pipeline, name -> hash(write(definition(catalog.batch(name)))));
    }

    /** The versions of a pipeline, newest first, with the runs each ran and the dates of those. */
    public List<Map<String, Object>> list(String pipeline) {
        return jdbc.queryForList("SELECT v.version, v.first_seen_at AS \"firstSeenAt\", count(r.run_id) AS runs, "
                + "min(r.logical_date) AS \"firstDate\", max(r.logical_date) AS \"lastDate\" FROM etl.pipeline_versions v "
                + "LEFT JOIN etl.pipeline_runs r ON r.pipeline = v.pipeline AND r.version = v.version WHERE v.pipeline = ? "
                + "GROUP BY v.version, v.first_seen_at ORDER BY v.first_seen_at DESC, v.version", pipeline);
    }

    /** What changed from one recorded version to another; null when either is not recorded. */
    public List<Change> diff(String pipeline, String from, String to) {
        Map<String, Object> before = stored(pipeline, from);
        Map<String, Object> after = stored(pipeline, to);
        if (before == null || after == null) {
            return null;
        }
        List<Change> changes = new ArrayList<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            Object a = before.get(key);
            Object b = after.get(key);
            if (java.util.Objects.equals(a, b)) {
                continue;
            }
            changes.add(new Change(key, LineDiff.of(text(a), text(b))));
        }
        return changes;
    }

    /**
     * A pipeline's definition, one entry per part that can change on its own: "route <file>", "schedule", "step
     * <task>" (its block and parameters, one per line), "file <path>" (the contents of each file a step names).
     */
    Map<String, Object> definition(BatchPipeline p) {
        Map<String, Object> parts = new TreeMap<>();
        Path route = Path.of(p.file());
        if (Files.isRegularFile(route)) {
            parts.put("route " + p.file(), read(route));
        }
        parts.put("schedule", lines(p.runs().parameters()));
        for (Step step : p.steps()) {
            parts.put("step " + step.task(), "block: " + step.block() + "\n" + lines(step.parameters()));
            blocks.find(step.block()).ifPresent(block -> block.parameters().values().stream()
                    .filter(parameter -> parameter.type().equals("file") && !step.text(parameter.name()).isEmpty())
                    .forEach(parameter -> parts.put("file " + step.text(parameter.name()),
                            read(Path.of(step.text(parameter.name()))))));
        }
        return parts;
    }

    private Map<String, Object> stored(String pipeline, String version) {
        List<String> found = jdbc.queryForList("SELECT definition::text FROM etl.pipeline_versions WHERE pipeline = ? "
                + "AND version = ?", String.class, pipeline, version);
        if (found.isEmpty()) {
            return null;
        }
        try {
            return json.readValue(found.get(0), new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable definition of " + pipeline + " version " + version, e);
        }
    }

    private static String lines(Map<String, String> parameters) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(parameters).forEach((name, value) -> text.append(name).append(": ").append(shown(value)).append('\n'));
        return text.toString();
    }

    private static final java.util.regex.Pattern URL_QUERY = java.util.regex.Pattern.compile("^(https?://[^?#]*)[?#].*$",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.DOTALL);

    /**
     * A parameter's value as it may be stored and shown to viewers: a URL without its query (where an API key could
     * ride, resolved from a setting). Secrets themselves are never parameters (tokenSetting names a setting).
     */
    public static String shown(String value) {
        return value == null ? null : URL_QUERY.matcher(value).replaceFirst("$1?...");
    }

    private static String text(Object part) {
        return part == null ? null : part.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private String write(Map<String, Object> definition) {
        try {
            return json.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
