package io.pipelines.config;

import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

import io.pipelines.config.SourceSettings;

/**
 * Checks the entries of {@code pipelines.sources} and resolves their defaults. A bad entry is
 * refused with a message that names the entry and the field ({@code pipelines.sources.<name>.<field>}),
 * before anything runs: the service does not start with it.
 */
public final class SourceDefinitions {

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final List<String> TYPES = List.of("jdbc", "http");
    /** The most fields an HTTP source's records may have: PostgreSQL's 1,600 columns less staging's own and room to spare. */
    private static final int MAX_FIELDS = 1_500;
    private static final List<String> PAGINATIONS = List.of("none", "page", "offset", "cursor", "link");
    private static final List<String> AUTHS = List.of("none", "bearer", "api-key");
    private static final Map<String, String> SHORTHANDS = Map.of(
            "@hourly", "0 0 * * * ?", "@daily", "0 0 0 * * ?", "@weekly", "0 0 0 ? * MON");

    private SourceDefinitions() {
    }

    /** Every entry checked and resolved, by name, in the order of the configuration. */
    public static Map<String, SourceDefinition> resolve(Map<String, SourceSettings> entries, Set<String> connections,
                                                        Set<String> otherPipelines) {
        Map<String, SourceDefinition> resolved = new LinkedHashMap<>();
        entries.forEach((name, s) -> resolved.put(name, resolve(name, s, connections, otherPipelines)));
        return resolved;
    }

    /** One entry checked and resolved; throws naming pipelines.sources.<name>.<field>. */
    public static SourceDefinition resolve(String name, SourceSettings s, Set<String> connections, Set<String> otherPipelines) {
        String where = "pipelines.sources." + name;
        if (!PLAIN_NAME.matcher(name).matches()) {
            throw bad(where, "'" + name + "' is not a plain name ([A-Za-z_][A-Za-z0-9_]*): it names the pipeline and its staging table");
        }
        if (otherPipelines.contains(name)) {
            throw bad(where, "a batch pipeline is already named '" + name + "'");
        }
        String type = required(where + ".type", s.getType());
        if (!TYPES.contains(type)) {
            throw bad(where + ".type", "'" + type + "' is not a source type (one of " + TYPES + ")");
        }
        if ("jdbc".equals(type)) {
            String connection = required(where + ".connection", s.getConnection());
            if (!connections.contains(connection)) {
                throw bad(where + ".connection", "no connection named '" + connection + "' under pipelines.connections (known: "
                        + connections + ")");
            }
            String table = required(where + ".table", s.getTable());
            for (String part : table.split("\\.", -1)) {
                plainName(where + ".table", part, table);
            }
            if (table.split("\\.", -1).length > 2) {
                throw bad(where + ".table", "'" + table + "' is not of the form table or schema.table");
            }
        } else {
            String url = required(where + ".url", s.getUrl());
            // The URL is logged, kept in etl.lineage.origin and served by /api/pipelines: no credentials in it.
            String userInfo = where + ".url: must not carry user info (user:password@): it is logged, stored in the "
                    + "lineage and served by the API; give credentials with http.auth and http.token";
            URI uri;
            try {
                uri = URI.create(url + (s.getEndpoint() == null ? "" : s.getEndpoint()));
            } catch (IllegalArgumentException e) {
                if (url.contains("@")) {
                    throw new IllegalStateException(userInfo); // the URL is not repeated: it may carry a password
                }
                throw bad(where + ".url", "'" + url + "' with endpoint '" + s.getEndpoint() + "' is not an http(s) URL");
            }
            if (uri.getRawUserInfo() != null || (uri.getHost() == null && url.contains("@"))) {
                throw new IllegalStateException(userInfo);
            }
            if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                throw bad(where + ".url", "'" + url + "' with endpoint '" + s.getEndpoint() + "' is not an http(s) URL");
            }
            SourceSettings.Http http = s.getHttp();
            if (!PAGINATIONS.contains(http.getPagination())) {
                throw bad(where + ".http.pagination", "'" + http.getPagination() + "' is not one of " + PAGINATIONS);
            }
            if (!AUTHS.contains(http.getAuth())) {
                throw bad(where + ".http.auth", "'" + http.getAuth() + "' is not one of " + AUTHS);
            }
            if (!"none".equals(http.getAuth()) && (http.getToken() == null || http.getToken().isBlank())) {
                throw bad(where + ".http.token", "auth " + http.getAuth() + " needs a token (set it from an environment variable)");
            }
            if (http.getPageSize() < 1) {
                throw bad(where + ".http.page-size", "must be at least 1");
            }
            if (http.getMaxPageSize() == null || http.getMaxPageSize().toBytes() < 1
                    || http.getMaxPageSize().toBytes() > Integer.MAX_VALUE - 8) {
                throw bad(where + ".http.max-page-size", "must be from 1B to 2047MB");
            }
            if (http.getMaxRecords() < 1) {
                throw bad(where + ".http.max-records", "must be at least 1");
            }
            if (http.getMaxFields() < 1 || http.getMaxFields() > MAX_FIELDS) {
                throw bad(where + ".http.max-fields", "must be from 1 to " + MAX_FIELDS
                        + " (PostgreSQL takes 1,600 columns a table; staging adds its own)");
            }
        }
        plainName(where + ".cursor-column", required(where + ".cursor-column", s.getCursorColumn()), s.getCursorColumn());
        List<String> keys = s.getKeyColumns();
        if (keys == null || keys.isEmpty()) {
            throw bad(where + ".key-columns", "is missing: name the columns that identify a row");
        }
        for (int i = 0; i < keys.size(); i++) {
            plainName(where + ".key-columns[" + i + "]", keys.get(i), keys.get(i));
        }
        if (keys.contains(s.getCursorColumn())) {
            throw bad(where + ".key-columns", "must not contain the cursor column '" + s.getCursorColumn() + "'");
        }
        String schedule = required(where + ".schedule", s.getSchedule());
        String cron = SHORTHANDS.getOrDefault(schedule, schedule);
        if (!CronExpression.isValidExpression(cron)) {
            throw bad(where + ".schedule", "'" + schedule + "' is not a Quartz cron expression (seconds first) nor one of "
                    + SHORTHANDS.keySet());
        }
        try {
            ZoneId.of(required(where + ".time-zone", s.getTimeZone()));
        } catch (DateTimeException e) {
            throw bad(where + ".time-zone", "'" + s.getTimeZone() + "' is not a time zone");
        }
        String staging = blank(s.getWarehouseTable()) ? "staging." + name : s.getWarehouseTable();
        String[] parts = staging.split("\\.", -1);
        if (parts.length != 2) {
            throw bad(where + ".warehouse-table", "'" + staging + "' is not of the form schema.table");
        }
        plainName(where + ".warehouse-table", parts[0], staging);
        plainName(where + ".warehouse-table", parts[1], staging);
        String lakePrefix = blank(s.getLakePrefix()) ? "raw/sources/" + name : s.getLakePrefix();
        if (lakePrefix.contains("..") || lakePrefix.contains("//") || lakePrefix.contains("=")) {
            throw bad(where + ".lake-prefix", "'" + lakePrefix + "' must be a plain path (no '..', '//' or '=')");
        }
        if (s.getMaxRowsPerRun() < 0) {
            throw bad(where + ".max-rows-per-run", "must be 0 (no limit) or more");
        }
        return new SourceDefinition(name, type, s, cron, staging, lakePrefix);
    }

    private static String required(String field, String value) {
        if (blank(value)) {
            throw bad(field, "is missing");
        }
        return value.strip();
    }

    private static void plainName(String field, String name, String whole) {
        if (name == null || !PLAIN_NAME.matcher(name).matches()) {
            throw bad(field, "'" + whole + "' is not a plain name ([A-Za-z_][A-Za-z0-9_]*)");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static IllegalStateException bad(String field, String problem) {
        return new IllegalStateException(field + ": " + problem);
    }
}
