package io.pipelines.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.pipelines.lake.Lake;

/**
 * The sources the tests add to pipelines.sources (as an operator would, by configuration only),
 * and the WireMock server that plays their third-party HTTP APIs (started once per test JVM).
 */
public final class TestSources {

    private static WireMockServer api;

    private TestSources() {
    }

    /** The fake third-party API; each test stubs the paths of its own sources. */
    public static synchronized WireMockServer api() {
        if (api == null) {
            api = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
            api.start();
        }
        return api;
    }

    public static void register(DynamicPropertyRegistry registry) {
        // A connection that no server answers: its source's run fails, naming the entry and the field.
        registry.add("pipelines.connections.t_nowhere.url", () -> "jdbc:postgresql://127.0.0.1:9/nowhere");
        registry.add("pipelines.connections.t_nowhere.connect-timeout", () -> "1s");
        jdbc(registry, "t_ties", "sales", "public.t_ties", "id");
        registry.add("pipelines.sources.t_ties.max-rows-per-run", () -> "3");
        jdbc(registry, "t_maria_ties", "crm", "t_maria_ties", "id");
        registry.add("pipelines.sources.t_maria_ties.max-rows-per-run", () -> "3");
        jdbc(registry, "t_maria_text_keys", "crm", "t_maria_text_keys", "code");
        registry.add("pipelines.sources.t_maria_text_keys.max-rows-per-run", () -> "2");
        jdbc(registry, "t_maria_first_load", "crm", "t_maria_first_load", "code");
        jdbc(registry, "t_evolve", "sales", "public.t_evolve", "id");
        jdbc(registry, "t_added", "sales", "public.t_added", "id");
        jdbc(registry, "t_checked", "sales", "public.t_checked", "id");
        registry.add("pipelines.sources.t_checked.quality-suite", () -> "src/test/resources/quality/t_checked_suite.json");
        jdbc(registry, "t_reload", "sales", "public.t_reload", "id");
        jdbc(registry, "t_serial", "sales", "public.t_serial", "id");
        jdbc(registry, "t_unreachable", "t_nowhere", "public.t_unreachable", "id");
        registry.add("pipelines.sources.t_unreachable.retry.max-retries", () -> "1");
        http(registry, "t_api_page", "/page-items", "page");
        registry.add("pipelines.sources.t_api_page.http.page-size", () -> "2");
        http(registry, "t_api_capped", "/capped-items", "page"); // asks 100 a page, the API gives 2
        http(registry, "t_api_capped_offset", "/capped-offset-items", "offset");
        http(registry, "t_api_offset", "/offset-items", "offset");
        registry.add("pipelines.sources.t_api_offset.http.page-size", () -> "2");
        registry.add("pipelines.sources.t_api_offset.http.size-param", () -> "limit");
        http(registry, "t_api_cursor", "/cursor-items", "cursor");
        http(registry, "t_api_link", "/link-items", "link");
        http(registry, "t_api_foreign", "/foreign-items", "link");
        registry.add("pipelines.sources.t_api_foreign.http.auth", () -> "bearer");
        registry.add("pipelines.sources.t_api_foreign.http.token", () -> "foreign-secret");
        http(registry, "t_api_moved", "/moved-items", "none");
        registry.add("pipelines.sources.t_api_moved.http.auth", () -> "api-key");
        registry.add("pipelines.sources.t_api_moved.http.token", () -> "moved-secret");
        http(registry, "t_api_throttled", "/throttled-items", "none");
        registry.add("pipelines.sources.t_api_throttled.http.auth", () -> "api-key");
        registry.add("pipelines.sources.t_api_throttled.http.token", () -> "test-key");
        http(registry, "t_api_sparse", "/sparse-items", "none");
        http(registry, "t_api_twice", "/twice-items", "none"); // a first load that holds one record twice
        http(registry, "t_api_slow", "/slow-items", "none");
        registry.add("pipelines.sources.t_api_slow.http.timeout", () -> "2s");
        http(registry, "t_api_exact", "/exact-items", "none");
        http(registry, "t_api_partial", "/partial-items", "none");
        http(registry, "t_api_private", "/private-items", "none");
        // The API as localhost: a redirect to 127.0.0.1 is to another host, a loopback address.
        registry.add("pipelines.sources.t_api_private.url", () -> "http://localhost:" + api().port());
        http(registry, "t_api_private_allowed", "/private-allowed-items", "none");
        registry.add("pipelines.sources.t_api_private_allowed.url", () -> "http://localhost:" + api().port());
        registry.add("pipelines.sources.t_api_private_allowed.http.allowed-hosts[0]", () -> "127.0.0.1");
        http(registry, "t_api_capped_size", "/capped-size-items", "none");
        registry.add("pipelines.sources.t_api_capped_size.http.max-page-size", () -> "1KB");
        http(registry, "t_api_capped_records", "/capped-records-items", "page");
        registry.add("pipelines.sources.t_api_capped_records.http.page-size", () -> "2");
        registry.add("pipelines.sources.t_api_capped_records.http.max-records", () -> "3");
        http(registry, "t_api_capped_fields", "/capped-fields-items", "none");
        registry.add("pipelines.sources.t_api_capped_fields.http.max-fields", () -> "3");
        http(registry, "t_api_denied", "/denied-items", "none");
        registry.add("pipelines.sources.t_api_denied.http.auth", () -> "bearer");
        registry.add("pipelines.sources.t_api_denied.http.token", () -> "expired-token");
    }

    private static void jdbc(DynamicPropertyRegistry registry, String name, String connection, String table, String key) {
        String p = "pipelines.sources." + name + ".";
        registry.add(p + "type", () -> "jdbc");
        registry.add(p + "connection", () -> connection);
        registry.add(p + "table", () -> table);
        registry.add(p + "cursor-column", () -> "updated_at");
        registry.add(p + "key-columns[0]", () -> key);
    }

    private static void http(DynamicPropertyRegistry registry, String name, String endpoint, String pagination) {
        String p = "pipelines.sources." + name + ".";
        registry.add(p + "type", () -> "http");
        registry.add(p + "url", () -> "http://127.0.0.1:" + api().port());
        registry.add(p + "endpoint", () -> endpoint);
        registry.add(p + "cursor-column", () -> "updated_at");
        registry.add(p + "key-columns[0]", () -> "id");
        registry.add(p + "http.pagination", () -> pagination);
        registry.add(p + "http.timeout", () -> "5s");
    }

    /** The records of a lake object. */
    public static List<GenericRecord> records(Lake lake, String key) throws Exception {
        List<GenericRecord> records = new ArrayList<>();
        LakeReader.forEachRecord(lake, key, records::add);
        return records;
    }

    /** The key-value metadata in the footer of a lake object. */
    public static Map<String, String> metadata(Lake lake, String key) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "test-read"));
        java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "meta", ".parquet");
        try {
            lake.download(key, file);
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                return reader.getFooter().getFileMetaData().getKeyValueMetaData();
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
