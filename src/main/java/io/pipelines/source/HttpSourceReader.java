package io.pipelines.source;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceSettings;
import io.pipelines.lake.AvroFields;
import io.pipelines.config.SourceDefinition;
import io.pipelines.schema.SourceColumn;
import io.pipelines.schema.SourceRejectedException;

/**
 * Reads the records of an HTTP API endpoint, page after page (page number, offset, a cursor token
 * from the body, or the Link header's rel="next"), spooled to a local file while the types of their
 * fields are found ({@link FieldTypes}: numbers exact, text timestamps with an offset as instants).
 * Then hands on the records after the watermark; a field a record does not carry is named in its
 * {@link SourceColumn#ABSENT} field, so that the load keeps the stored value rather than writing
 * NULL. A 429 is waited out for its Retry-After; a 401/403 or another 4xx fails the run at once
 * ({@link SourceRejectedException}), as do a page, a run or a record shape beyond the source's caps
 * and a redirect or next link to a loopback, private or link-local host other than the source's
 * own; a 5xx or a timeout fails the task, which the shared error handling retries.
 */
@Component
public class HttpSourceReader implements SourceReader {

    private static final Logger log = LoggerFactory.getLogger(HttpSourceReader.class);
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

    /** JSON read with every number exact (BigDecimal, BigInteger) and written back as plain digits. */
    private final ObjectMapper json;
    private final Path spoolDir;

    public HttpSourceReader(ObjectMapper json, PipelinesProperties properties) {
        this.json = json.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        this.spoolDir = properties.getLake().getSpoolDir();
    }

    @Override
    public Summary read(SourceDefinition source, Watermark after, Rows rows) throws Exception {
        Files.createDirectories(spoolDir);
        Path spool = Files.createTempFile(spoolDir, source.name(), ".jsonl");
        try {
            FieldTypes fields = new FieldTypes(source);
            int pages = fetchAll(source, spool, fields);
            FieldTypes.RecordShape shape = fields.shape(rows.recordedTypes());
            Schema schema = shape.schema();
            if (shape.isEmpty()) {
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
                    GenericRecord record = shape.record(json.readTree(line));
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
    private int fetchAll(SourceDefinition source, Path spool, FieldTypes fields) throws Exception {
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
                Page response = get(client, source, base, next, throttled);
                pages++;
                JsonNode body = readPage(source, response);
                JsonNode records = h.getRecordsField().isEmpty() ? body : body.path(h.getRecordsField());
                if (!records.isArray()) {
                    throw new SourceRejectedException("Source " + source.name() + ": GET " + next + " answered without an array "
                            + (h.getRecordsField().isEmpty() ? "as its body" : "in field '" + h.getRecordsField()
                            + "' (pipelines.sources." + source.name() + ".http.records-field)"));
                }
                for (JsonNode r : records) {
                    fields.add(r);
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

    /** A page as answered: where it came from (after redirects), its headers and its body. */
    private record Page(URI uri, HttpHeaders headers, byte[] body) {
    }

    /** The page's body as JSON; a body that is no JSON fails the task (retried: a proxy's error page, say), naming the page. */
    private JsonNode readPage(SourceDefinition source, Page page) throws IOException {
        try {
            return json.readTree(page.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("Source " + source.name() + ": GET " + page.uri() + " answered a body that is "
                    + "not JSON (" + e.getOriginalMessage() + "): " + abbreviate(new String(page.body(), StandardCharsets.UTF_8)));
        }
    }

    /**
     * One GET, a 429 waited out, redirects followed; any other failure is thrown (a 401/403/4xx as not to
     * be retried). The credentials are sent only to the origin (scheme, host, port) of the source's URL: a
     * next page or a redirect elsewhere fails the run when the source has credentials. A next page or a
     * redirect to another host must not be a loopback, private or link-local address (unless allowed), and
     * no body is read beyond http.max-page-size.
     */
    private Page get(HttpClient client, SourceDefinition source, URI base, URI uri, int[] throttled) throws Exception {
        SourceSettings.Http h = source.settings().getHttp();
        int redirects = 0;
        while (true) {
            if (!"none".equals(h.getAuth()) && !origin(uri).equals(origin(base))) {
                throw new SourceRejectedException("Source " + source.name() + ": the next request goes to " + origin(uri)
                        + ", another origin than the source's " + origin(base) + " (pipelines.sources." + source.name()
                        + ".url); its credentials (http.auth " + h.getAuth() + ") are sent to the source's origin only: not followed");
            }
            PrivateHosts.requireAllowed(source, base, uri);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(h.getTimeout()).header("Accept", "application/json");
            switch (h.getAuth()) {
                case "bearer" -> request.header("Authorization", "Bearer " + h.getToken());
                case "api-key" -> request.header(h.getApiKeyHeader(), h.getToken());
                default -> { }
            }
            HttpResponse<InputStream> response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String what = "Source " + source.name() + ": GET " + uri + " answered " + status;
            byte[] body = body(source, response, what);
            if (status / 100 == 2) {
                return new Page(response.uri(), response.headers(), body);
            }
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
            throw new IOException(what + ": " + abbreviate(new String(body, StandardCharsets.UTF_8)));
        }
    }

    /** The response's body, read up to http.max-page-size: a larger one fails the run, naming the cap. */
    private static byte[] body(SourceDefinition source, HttpResponse<InputStream> response, String what) throws IOException {
        long max = source.settings().getHttp().getMaxPageSize().toBytes();
        try (InputStream in = response.body()) {
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            byte[] body = declared > max ? null : in.readNBytes((int) max + 1);
            if (body == null || body.length > max) {
                throw new SourceRejectedException(what + " with a body larger than " + max + " bytes, the most a page may "
                        + "hold (pipelines.sources." + source.name() + ".http.max-page-size); not retried");
            }
            return body;
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
}
