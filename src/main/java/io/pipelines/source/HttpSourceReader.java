package io.pipelines.source;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceSettings;
import io.pipelines.lake.AvroFields;
import io.pipelines.config.SourceDefinition;
import io.pipelines.schema.SourceColumn;
import io.pipelines.schema.SourceRejectedException;

/**
 * Reads the records of an HTTP API endpoint, page after page (page number, offset, a cursor token
 * from the body, or the Link header's rel="next"), spooled to a local file while the types of their
 * fields are found (integers, decimals, booleans, text; anything else as its JSON text). Then hands
 * on the records after the watermark. A 429 is waited out for its Retry-After; a 401/403 or another
 * 4xx fails the run at once ({@link SourceRejectedException}); a 5xx or a timeout fails the task,
 * which the shared error handling retries.
 */
@Component
public class HttpSourceReader implements SourceReader {

    private static final Logger log = LoggerFactory.getLogger(HttpSourceReader.class);
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

    private final ObjectMapper json;
    private final Path spoolDir;

    public HttpSourceReader(ObjectMapper json, PipelinesProperties properties) {
        this.json = json;
        this.spoolDir = properties.getLake().getSpoolDir();
    }

    @Override
    public Summary read(SourceDefinition source, Watermark after, Rows rows) throws Exception {
        Files.createDirectories(spoolDir);
        Path spool = Files.createTempFile(spoolDir, source.name(), ".jsonl");
        try {
            Map<String, FieldType> fields = new LinkedHashMap<>();
            int pages = fetchAll(source, spool, fields);
            Schema schema = schema(source, fields);
            if (fields.isEmpty()) {
                rows.begin(schema); // no records at all: nothing to load, the schema stays as recorded
                return new Summary(null, pages);
            }
            SourceSettings s = source.settings();
            String cursorType = SourceColumn.stagingType(AvroFields.valueType(fieldSchema(schema, source, s.getCursorColumn(),
                    "cursor-column")));
            List<String> keyTypes = new ArrayList<>();
            for (String key : s.getKeyColumns()) {
                keyTypes.add(SourceColumn.stagingType(AvroFields.valueType(fieldSchema(schema, source, key, "key-columns"))));
            }
            rows.begin(schema);
            try (BufferedReader in = Files.newBufferedReader(spool)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    GenericRecord record = record(schema, json.readTree(line));
                    if (record.get(s.getCursorColumn()) == null) {
                        continue;
                    }
                    if (after == null || Watermark.compare(mark(record, s), after, cursorType, keyTypes) > 0) {
                        rows.row(record);
                    }
                }
            }
            return new Summary(null, pages);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static Watermark mark(GenericRecord record, SourceSettings s) {
        List<Object> key = new ArrayList<>();
        s.getKeyColumns().forEach(k -> key.add(record.get(k)));
        return Watermark.of(record.get(s.getCursorColumn()), key);
    }

    /** Reads every page into the spool file; returns the number of pages. */
    private int fetchAll(SourceDefinition source, Path spool, Map<String, FieldType> fields) throws Exception {
        SourceSettings.Http h = source.settings().getHttp();
        // Redirects are followed here (see get), so that credentials go to the source's own origin only.
        HttpClient client = HttpClient.newBuilder().connectTimeout(h.getTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI base = URI.create(source.settings().getUrl() + source.settings().getEndpoint());
        int page = h.getFirstPage();
        long offset = 0;
        URI next = switch (h.getPagination()) {
            case "page" -> withQuery(base, Map.of(h.getPageParam(), String.valueOf(page), h.getSizeParam(),
                    String.valueOf(h.getPageSize())));
            case "offset" -> withQuery(base, Map.of(h.getOffsetParam(), "0", h.getSizeParam(), String.valueOf(h.getPageSize())));
            default -> base;
        };
        int pages = 0;
        int[] throttled = {0};
        try (BufferedWriter out = Files.newBufferedWriter(spool)) {
            while (next != null) {
                if (pages >= h.getMaxPages()) {
                    throw new SourceRejectedException("Source " + source.name() + ": more than " + h.getMaxPages()
                            + " pages (pipelines.sources." + source.name() + ".http.max-pages)");
                }
                HttpResponse<String> response = get(client, source, base, next, throttled);
                pages++;
                JsonNode body = json.readTree(response.body());
                JsonNode records = h.getRecordsField().isEmpty() ? body : body.path(h.getRecordsField());
                if (!records.isArray()) {
                    throw new SourceRejectedException("Source " + source.name() + ": GET " + next + " answered without an array "
                            + (h.getRecordsField().isEmpty() ? "as its body" : "in field '" + h.getRecordsField()
                            + "' (pipelines.sources." + source.name() + ".http.records-field)"));
                }
                for (JsonNode r : records) {
                    r.fields().forEachRemaining(f -> fields.computeIfAbsent(f.getKey(), k -> FieldType.NONE));
                    r.fields().forEachRemaining(f -> fields.put(f.getKey(), fields.get(f.getKey()).with(f.getValue())));
                    out.write(json.writeValueAsString(r));
                    out.newLine();
                }
                int n = records.size();
                // page and offset end at an empty page, not at a short one: an API may give fewer records than
                // asked for (a smaller maximum page size) and still have more pages.
                switch (h.getPagination()) {
                    case "page" -> {
                        page++;
                        next = n == 0 ? null : withQuery(base, Map.of(h.getPageParam(), String.valueOf(page),
                                h.getSizeParam(), String.valueOf(h.getPageSize())));
                    }
                    case "offset" -> {
                        offset += n;
                        next = n == 0 ? null : withQuery(base, Map.of(h.getOffsetParam(), String.valueOf(offset),
                                h.getSizeParam(), String.valueOf(h.getPageSize())));
                    }
                    case "cursor" -> {
                        JsonNode token = body.path(h.getNextCursorField());
                        next = token.isMissingNode() || token.isNull() || token.asText().isEmpty() || n == 0 ? null
                                : withQuery(base, Map.of(h.getCursorParam(), token.asText()));
                    }
                    case "link" -> next = response.headers().allValues("Link").stream().map(NEXT_LINK::matcher)
                            .filter(Matcher::find).findFirst().map(m -> response.uri().resolve(m.group(1))).orElse(null);
                    default -> next = null;
                }
            }
        }
        return pages;
    }

    /**
     * One GET, a 429 waited out, redirects followed; any other failure is thrown (a 401/403/4xx as not to
     * be retried). The credentials are sent only to the origin (scheme, host, port) of the source's URL: a
     * next page or a redirect elsewhere fails the run when the source has credentials.
     */
    private HttpResponse<String> get(HttpClient client, SourceDefinition source, URI base, URI uri, int[] throttled)
            throws Exception {
        SourceSettings.Http h = source.settings().getHttp();
        int redirects = 0;
        while (true) {
            if (!"none".equals(h.getAuth()) && !origin(uri).equals(origin(base))) {
                throw new SourceRejectedException("Source " + source.name() + ": the next request goes to " + origin(uri)
                        + ", another origin than the source's " + origin(base) + " (pipelines.sources." + source.name()
                        + ".url); its credentials (http.auth " + h.getAuth() + ") are sent to the source's origin only: not followed");
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(h.getTimeout()).header("Accept", "application/json");
            switch (h.getAuth()) {
                case "bearer" -> request.header("Authorization", "Bearer " + h.getToken());
                case "api-key" -> request.header(h.getApiKeyHeader(), h.getToken());
                default -> { }
            }
            HttpResponse<String> response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response;
            }
            String what = "Source " + source.name() + ": GET " + uri + " answered " + status;
            var location = response.headers().firstValue("Location");
            if (status / 100 == 3 && status != 304 && location.isPresent()) {
                if (++redirects > MAX_REDIRECTS) {
                    throw new SourceRejectedException(what + ": more than " + MAX_REDIRECTS + " redirects; not retried");
                }
                uri = uri.resolve(location.get());
                continue;
            }
            if (status == 429) {
                Duration wait = retryAfter(response);
                if (++throttled[0] > h.getMaxThrottledWaits() || wait.compareTo(h.getMaxRetryAfter()) > 0) {
                    throw new IOException(what + " (too many requests) and asks to wait " + wait.toSeconds() + " s; waited "
                            + (throttled[0] - 1) + " time(s) already (limits: http.max-retry-after, http.max-throttled-waits)");
                }
                log.warn("{} (too many requests): waiting {} ms as Retry-After asks", what, wait.toMillis());
                Thread.sleep(wait.toMillis());
                continue;
            }
            if (status == 401 || status == 403) {
                throw new SourceRejectedException(what + (status == 401 ? " Unauthorized" : " Forbidden")
                        + ": check the credentials (pipelines.sources." + source.name() + ".http.auth and .http.token); not retried");
            }
            if (status / 100 == 4 && status != 408) {
                throw new SourceRejectedException(what + ": the request is refused; not retried");
            }
            throw new IOException(what + ": " + abbreviate(response.body()));
        }
    }

    /** scheme://host:port of a URL, the port made explicit. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }

    /** Retry-After in seconds or as an HTTP date; 1 s when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse("").strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notADate) {
                return Duration.ofSeconds(1);
            }
        }
    }

    private static URI withQuery(URI base, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder(base.getRawQuery() == null ? "" : base.getRawQuery());
        new java.util.TreeMap<>(parameters).forEach((k, v) -> query.append(query.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String s = base.toString();
        int q = s.indexOf('?');
        return URI.create((q < 0 ? s : s.substring(0, q)) + "?" + query);
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() <= 500 ? body : body.substring(0, 500) + "...";
    }

    private static Schema fieldSchema(Schema schema, SourceDefinition source, String field, String setting) {
        Schema.Field f = schema.getField(field);
        if (f == null) {
            throw new SourceRejectedException("pipelines.sources." + source.name() + "." + setting + ": '" + field
                    + "' is not a field of the records of " + source.origin() + " (fields: "
                    + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
        }
        return f.schema();
    }

    private static Schema schema(SourceDefinition source, Map<String, FieldType> fields) {
        SchemaBuilder.FieldAssembler<Schema> assembler = SchemaBuilder.record(source.name()).namespace("pipelines").fields();
        fields.forEach((name, type) -> {
            if (type == FieldType.NONE) {
                return; // null in every record of this run: no type to give it, so absent from this run's schema
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new SourceRejectedException("Source " + source.name() + ": field '" + name
                        + "' is not a plain name and cannot become a column");
            }
            assembler.name(name).type(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(type.avro())))
                    .withDefault(null);
        });
        return assembler.endRecord();
    }

    private static GenericRecord record(Schema schema, JsonNode node) {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            JsonNode v = node.get(f.name());
            if (v == null || v.isNull()) {
                continue;
            }
            record.put(f.pos(), switch (AvroFields.valueType(f.schema()).getType()) {
                case LONG -> v.asLong();
                case DOUBLE -> v.asDouble();
                case BOOLEAN -> v.asBoolean();
                default -> v.isValueNode() ? v.asText() : v.toString();
            });
        }
        return record;
    }

    /** The type of a JSON field over every record seen: the narrowest that holds all its values. */
    enum FieldType {
        NONE, BOOLEAN, LONG, DOUBLE, STRING;

        FieldType with(JsonNode value) {
            FieldType seen = value.isNull() ? NONE : value.isBoolean() ? BOOLEAN
                    : value.isIntegralNumber() && value.canConvertToLong() ? LONG : value.isNumber() ? DOUBLE : STRING;
            if (seen == NONE || seen == this) {
                return this;
            }
            if (this == NONE) {
                return seen;
            }
            if ((this == LONG && seen == DOUBLE) || (this == DOUBLE && seen == LONG)) {
                return DOUBLE;
            }
            return STRING;
        }

        Schema.Type avro() {
            return switch (this) {
                case BOOLEAN -> Schema.Type.BOOLEAN;
                case LONG -> Schema.Type.LONG;
                case DOUBLE -> Schema.Type.DOUBLE;
                default -> Schema.Type.STRING;
            };
        }
    }
}
