package io.pipelines.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.TestSources;

/**
 * HTTP API sources against a fake third-party API (WireMock): each kind of pagination, a 429 with
 * Retry-After waited out, a 401 failing the run at once without retries.
 */
class HttpSourcesTest extends SourceTestSupport {

    @Override
    protected java.time.LocalDate logicalDate() {
        return io.pipelines.support.TestDates.Sources.HTTP;
    }

    private final WireMockServer wire = TestSources.api();

    private static String item(int id, String updatedAt) {
        return "{\"id\":" + id + ",\"name\":\"item " + id + "\",\"price\":" + id + ".5,\"updated_at\":\"" + updatedAt + "\"}";
    }

    private static String page(String... items) {
        return "{\"data\":[" + String.join(",", items) + "]}";
    }

    @Test
    void pageNumbersAreFollowedUntilAnEmptyPageAndARerunLoadsNothingNew() {
        wire.stubFor(get(urlPathEqualTo("/page-items")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z"), item(2, "2026-05-01T00:00:00Z")))));
        wire.stubFor(get(urlPathEqualTo("/page-items")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(page(item(3, "2026-05-02T00:00:00Z"), item(4, "2026-05-02T00:00:00Z")))));
        wire.stubFor(get(urlPathEqualTo("/page-items")).withQueryParam("page", equalTo("3"))
                .willReturn(okJson(page(item(5, "2026-05-03T00:00:00Z")))));
        wire.stubFor(get(urlPathEqualTo("/page-items")).withQueryParam("page", equalTo("4")).willReturn(okJson(page())));

        RunRecord run = succeeded(run("t_api_page"));
        assertThat(task(run, "load").rowsOut()).isEqualTo(5);
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_api_page ORDER BY id", Long.class)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(jdbc.queryForObject("SELECT price FROM staging.t_api_page WHERE id = 3", Double.class)).isEqualTo(3.5);
        wire.verify(getRequestedFor(urlPathEqualTo("/page-items")).withQueryParam("size", equalTo("2")));
        assertThat(jdbc.queryForObject("SELECT pages_read FROM etl.lineage WHERE source = 't_api_page'", Integer.class)).isEqualTo(4);

        RunRecord again = succeeded(run("t_api_page"));
        assertThat(task(again, "extract").rowsOut()).as("records at or before the watermark are not taken again").isZero();
        assertThat(count("staging.t_api_page")).isEqualTo(5);
    }

    @Test
    void aFirstLoadThatHoldsARecordTwiceKeepsItsLastVersion() {
        // The first load copies straight into the new staging table; a key given twice undoes that copy and
        // the upsert keeps one row per key, the last one the API gave.
        wire.stubFor(get(urlPathEqualTo("/twice-items")).willReturn(okJson("{\"data\":[" + item(1, "2026-05-01T00:00:00Z")
                + "," + item(2, "2026-05-01T00:00:01Z") + ",{\"id\":1,\"name\":\"item 1 again\",\"price\":9.5,"
                + "\"updated_at\":\"2026-05-01T00:00:02Z\"}]}")));

        RunRecord run = succeeded(run("t_api_twice"));

        assertThat(task(run, "extract").rowsOut()).isEqualTo(3);
        assertThat(task(run, "load").rowsOut()).as("one row per key").isEqualTo(2);
        assertThat(task(run, "load").startedAt()).as("the copy in the extract's pass failed on the key: the load "
                + "task read the landed records back").isAfterOrEqualTo(task(run, "extract").finishedAt());
        assertThat(jdbc.queryForList("SELECT name FROM staging.t_api_twice ORDER BY id", String.class))
                .containsExactly("item 1 again", "item 2");
    }

    @Test
    void offsetsAreFollowedUntilAnEmptyPage() {
        wire.stubFor(get(urlPathEqualTo("/offset-items")).withQueryParam("offset", equalTo("0"))
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z"), item(2, "2026-05-01T00:00:01Z")))));
        wire.stubFor(get(urlPathEqualTo("/offset-items")).withQueryParam("offset", equalTo("2"))
                .willReturn(okJson(page(item(3, "2026-05-01T00:00:02Z"), item(4, "2026-05-01T00:00:03Z")))));
        wire.stubFor(get(urlPathEqualTo("/offset-items")).withQueryParam("offset", equalTo("4"))
                .willReturn(okJson(page())));

        RunRecord run = succeeded(run("t_api_offset"));
        assertThat(task(run, "load").rowsOut()).isEqualTo(4);
        wire.verify(3, getRequestedFor(urlPathEqualTo("/offset-items")).withQueryParam("limit", equalTo("2")));
    }

    @Test
    void anApiThatCapsItsPageSizeHasEveryPageRead() {
        // Asked for 100 a page (the default), the API gives at most 2: the short pages do not end the read.
        for (int p = 1; p <= 3; p++) {
            wire.stubFor(get(urlPathEqualTo("/capped-items")).withQueryParam("page", equalTo(String.valueOf(p)))
                    .willReturn(okJson(p < 3 ? page(item(2 * p - 1, "2026-05-0" + p + "T00:00:00Z"), item(2 * p, "2026-05-0" + p + "T00:00:00Z"))
                            : page(item(5, "2026-05-03T00:00:00Z")))));
        }
        wire.stubFor(get(urlPathEqualTo("/capped-items")).withQueryParam("page", equalTo("4")).willReturn(okJson(page())));
        RunRecord run = succeeded(run("t_api_capped"));
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_api_capped ORDER BY id", Long.class)).containsExactly(1L, 2L, 3L, 4L, 5L);
        wire.verify(4, getRequestedFor(urlPathEqualTo("/capped-items")).withQueryParam("size", equalTo("100")));
        assertThat(jdbc.queryForObject("SELECT pages_read FROM etl.lineage WHERE source = 't_api_capped'", Integer.class)).isEqualTo(4);

        // Offsets move by the records received, not by the size asked for.
        wire.stubFor(get(urlPathEqualTo("/capped-offset-items")).withQueryParam("offset", equalTo("0"))
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z"), item(2, "2026-05-01T00:00:01Z")))));
        wire.stubFor(get(urlPathEqualTo("/capped-offset-items")).withQueryParam("offset", equalTo("2"))
                .willReturn(okJson(page(item(3, "2026-05-01T00:00:02Z")))));
        wire.stubFor(get(urlPathEqualTo("/capped-offset-items")).withQueryParam("offset", equalTo("3")).willReturn(okJson(page())));
        assertThat(task(succeeded(run("t_api_capped_offset")), "load").rowsOut()).isEqualTo(3);
        wire.verify(3, getRequestedFor(urlPathEqualTo("/capped-offset-items")));
    }

    @Test
    void cursorTokensFromTheBodyAreFollowedUntilThereIsNone() {
        wire.stubFor(get(urlPathEqualTo("/cursor-items")).withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(okJson("{\"data\":[" + item(1, "2026-05-01T00:00:00Z") + "],\"next_cursor\":\"tok-2\"}")));
        wire.stubFor(get(urlPathEqualTo("/cursor-items")).withQueryParam("cursor", equalTo("tok-2"))
                .willReturn(okJson("{\"data\":[" + item(2, "2026-05-01T00:00:00Z") + "],\"next_cursor\":null}")));

        RunRecord run = succeeded(run("t_api_cursor"));
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_api_cursor ORDER BY id", Long.class)).containsExactly(1L, 2L);
    }

    @Test
    void linkHeadersRelNextAreFollowed() {
        String base = "http://127.0.0.1:" + wire.port();
        wire.stubFor(get(urlPathEqualTo("/link-items")).withQueryParam("after", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))
                        .withHeader("Link", "<" + base + "/link-items?after=1>; rel=\"next\", <" + base + "/link-items>; rel=\"first\"")));
        wire.stubFor(get(urlPathEqualTo("/link-items")).withQueryParam("after", equalTo("1"))
                .willReturn(okJson(page(item(2, "2026-05-01T00:00:00Z"), item(3, "2026-05-01T00:00:00Z")))));

        RunRecord run = succeeded(run("t_api_link"));
        assertThat(task(run, "load").rowsOut()).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT pages_read FROM etl.lineage WHERE source = 't_api_link'", Integer.class)).isEqualTo(2);
    }

    @Test
    void credentialsGoToTheSourcesOriginOnlyANextLinkElsewhereFailsTheRun() {
        String own = "http://127.0.0.1:" + wire.port();
        String foreign = "http://localhost:" + wire.port();
        wire.stubFor(get(urlPathEqualTo("/foreign-items")).withQueryParam("after", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))
                        .withHeader("Link", "<" + own + "/foreign-items?after=1>; rel=\"next\"")));
        wire.stubFor(get(urlPathEqualTo("/foreign-items")).withQueryParam("after", equalTo("1"))
                .willReturn(okJson(page(item(2, "2026-05-01T00:00:01Z")))
                        .withHeader("Link", "<" + foreign + "/foreign-items?after=2>; rel=\"next\"")));
        wire.stubFor(get(urlPathEqualTo("/foreign-items")).withQueryParam("after", equalTo("2"))
                .willReturn(okJson(page(item(3, "2026-05-01T00:00:02Z")))));

        RunRecord run = run("t_api_foreign");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("t_api_foreign").contains("http://localhost:" + wire.port())
                .contains("another origin").doesNotContain("foreign-secret");
        assertThat(task(run, "extract").attempts()).as("not retried").isEqualTo(1);
        // The same origin had the token, page after page; the other origin got no request at all.
        wire.verify(2, getRequestedFor(urlPathEqualTo("/foreign-items"))
                .withHeader("Authorization", equalTo("Bearer foreign-secret")));
        wire.verify(0, getRequestedFor(urlPathEqualTo("/foreign-items")).withQueryParam("after", equalTo("2")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.watermarks WHERE source = 't_api_foreign' "
                + "AND cursor_value IS NOT NULL", Long.class)).isZero();
    }

    @Test
    void aRedirectIsFollowedWithinTheSourcesOriginOnly() {
        String own = "http://127.0.0.1:" + wire.port();
        wire.stubFor(get(urlPathEqualTo("/moved-items")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", own + "/moved-items-v2")));
        wire.stubFor(get(urlPathEqualTo("/moved-items-v2")).willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))));
        RunRecord first = succeeded(run("t_api_moved"));
        assertThat(task(first, "load").rowsOut()).isEqualTo(1);
        wire.verify(1, getRequestedFor(urlPathEqualTo("/moved-items-v2")).withHeader("X-API-Key", equalTo("moved-secret")));

        wire.stubFor(get(urlPathEqualTo("/moved-items")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + wire.port() + "/moved-items-v3")));
        RunRecord second = run("t_api_moved");
        assertThat(second.status()).isEqualTo(RunStatus.FAILED);
        assertThat(second.error()).contains("t_api_moved").contains("http://localhost:" + wire.port())
                .doesNotContain("moved-secret");
        wire.verify(0, getRequestedFor(urlPathEqualTo("/moved-items-v3")));
    }

    @Test
    void aTooManyRequestsIsWaitedOutForItsRetryAfter() {
        wire.stubFor(get(urlPathEqualTo("/throttled-items")).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("waited"));
        wire.stubFor(get(urlPathEqualTo("/throttled-items")).inScenario("throttle").whenScenarioStateIs("waited")
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))));

        RunRecord run = succeeded(run("t_api_throttled"));
        assertThat(task(run, "extract").attempts()).as("waited within the attempt, not retried").isEqualTo(1);
        var requests = wire.findAll(getRequestedFor(urlPathEqualTo("/throttled-items")));
        assertThat(requests).hasSize(2);
        assertThat(requests).allSatisfy(r -> assertThat(r.getHeader("X-API-Key")).isEqualTo("test-key"));
        Instant firstAt = requests.get(0).getLoggedDate().toInstant();
        Instant secondAt = requests.get(1).getLoggedDate().toInstant();
        assertThat(Duration.between(firstAt, secondAt)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(count("staging.t_api_throttled")).isEqualTo(1);
    }

    @Test
    void aTimeoutAndAServerErrorAreRetriedByTheSharedErrorHandling() throws Exception {
        // The first answer of a fresh WireMock can be slow on a busy machine: warm it, so that only the stub below times out.
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + wire.port() + "/__admin/mappings")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        wire.stubFor(get(urlPathEqualTo("/slow-items")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z"))).withFixedDelay(6000)).willSetStateTo("slow"));
        wire.stubFor(get(urlPathEqualTo("/slow-items")).inScenario("flaky").whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("down"));
        wire.stubFor(get(urlPathEqualTo("/slow-items")).inScenario("flaky").whenScenarioStateIs("down")
                .willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z"), item(2, "2026-05-01T00:00:00Z")))));

        RunRecord run = succeeded(run("t_api_slow"));
        assertThat(task(run, "extract").attempts()).as("a timeout, a 503, then a success").isEqualTo(3);
        assertThat(count("staging.t_api_slow")).isEqualTo(2);
    }

    @Test
    void aFieldThatIsNullInEveryRecordOfARunKeepsItsColumn() {
        wire.stubFor(get(urlPathEqualTo("/sparse-items"))
                .willReturn(okJson("{\"data\":[{\"id\":7,\"qty\":3,\"updated_at\":\"2026-06-01T00:00:00Z\"}]}")));
        RunRecord first = succeeded(run("t_api_sparse"));
        assertThat(jdbc.queryForObject("SELECT qty FROM staging.t_api_sparse WHERE id = 7", Long.class)).isEqualTo(3);

        wire.stubFor(get(urlPathEqualTo("/sparse-items"))
                .willReturn(okJson("{\"data\":[{\"id\":7,\"qty\":null,\"updated_at\":\"2026-06-02T00:00:00Z\"}]}")));
        RunRecord second = succeeded(run("t_api_sparse"));
        assertThat(task(second, "load").rowsOut()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT qty FROM staging.t_api_sparse WHERE id = 7", Long.class)).isNull();
        assertThat(jdbc.queryForObject("SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging' "
                + "AND table_name = 't_api_sparse' AND column_name = 'qty'", String.class)).isEqualTo("bigint");
        assertThat(first.runId()).isLessThan(second.runId());

        // Back with a type its column cannot take: refused by the load, naming both types; nothing changes.
        wire.stubFor(get(urlPathEqualTo("/sparse-items"))
                .willReturn(okJson("{\"data\":[{\"id\":7,\"qty\":\"three\",\"updated_at\":\"2026-06-03T00:00:00Z\"}]}")));
        RunRecord third = run("t_api_sparse");
        assertThat(third.status()).isEqualTo(RunStatus.FAILED);
        assertThat(third.error()).as("refused by the extract, before anything lands")
                .contains("task extract failed").contains("column qty changed type from bigint to text");
        assertThat(jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_api_sparse'", String.class))
                .isEqualTo("2026-06-02T00:00:00Z");
    }

    @Test
    void numbersAreKeptExactAndTimestampsWithOffsetsCompareAsInstants() {
        wire.stubFor(get(urlPathEqualTo("/exact-items")).willReturn(okJson("{\"data\":["
                + "{\"id\":1,\"big\":12345678901234567890123,\"amount\":99999999999999.99,\"ratio\":12345678.123456789,"
                + "\"n\":9007199254740993,\"price\":10,\"updated_at\":\"2026-11-01T11:00:01+01:00\"},"
                + "{\"id\":2,\"big\":1,\"amount\":0.5,\"ratio\":1e-3,\"n\":1,\"price\":2.50,\"updated_at\":\"2026-11-01T09:00:00Z\"}]}")));

        RunRecord first = succeeded(run("t_api_exact"));

        assertThat(task(first, "load").rowsOut()).isEqualTo(2);
        assertThat(jdbc.queryForMap("SELECT big::text AS big, amount::text AS amount, ratio::text AS ratio, n, price::text AS price "
                + "FROM staging.t_api_exact WHERE id = 1")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "big", "12345678901234567890123", "amount", "99999999999999.99", "ratio", "12345678.123456789",
                "n", 9007199254740993L, "price", "10.00"));
        assertThat(jdbc.queryForObject("SELECT ratio::text FROM staging.t_api_exact WHERE id = 2", String.class))
                .isEqualTo("0.001000000");
        assertThat(jdbc.queryForList("SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE "
                + "table_schema = 'staging' AND table_name = 't_api_exact' AND column_name <> 'id' AND column_name NOT LIKE '\\_%' "
                + "ORDER BY column_name", String.class)).containsExactly("amount numeric", "big numeric", "n bigint",
                "price numeric", "ratio numeric", "updated_at timestamp with time zone");
        assertThat(jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_api_exact'", String.class))
                .as("the latest as an instant, not as text").isEqualTo("2026-11-01T10:00:01Z");

        // A record changed at 10:30Z: before the watermark as text, half an hour after it as an instant.
        wire.stubFor(get(urlPathEqualTo("/exact-items")).willReturn(okJson("{\"data\":["
                + "{\"id\":1,\"big\":12345678901234567890123,\"amount\":99999999999999.99,\"ratio\":12345678.123456789,"
                + "\"n\":9007199254740993,\"price\":10,\"updated_at\":\"2026-11-01T11:00:01+01:00\"},"
                + "{\"id\":3,\"big\":7,\"amount\":7,\"ratio\":7,\"n\":7,\"price\":7,\"updated_at\":\"2026-11-01T10:30:00Z\"}]}")));

        RunRecord second = succeeded(run("t_api_exact"));

        assertThat(task(second, "extract").rowsOut()).as("only the changed record").isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_api_exact ORDER BY id", Long.class)).containsExactly(1L, 2L, 3L);
        assertThat(jdbc.queryForObject("SELECT price::text FROM staging.t_api_exact WHERE id = 3", String.class))
                .as("whole numbers only this run, into the column that is numeric").isEqualTo("7");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.schema_versions WHERE source = 't_api_exact'", Long.class))
                .as("whole numbers in numeric columns change no type").isEqualTo(1);
    }

    @Test
    void aFieldARecordDoesNotCarryKeepsItsStoredValueAnExplicitNullDoesNot() {
        wire.stubFor(get(urlPathEqualTo("/partial-items")).willReturn(okJson("{\"data\":["
                + "{\"id\":1,\"name\":\"one\",\"price\":1.5,\"note\":\"first\",\"updated_at\":\"2026-07-01T00:00:00Z\"},"
                + "{\"id\":2,\"name\":\"two\",\"price\":2.5,\"updated_at\":\"2026-07-01T00:00:01Z\"}]}")));
        succeeded(run("t_api_partial"));
        assertThat(jdbc.queryForList("SELECT coalesce(note, '-') FROM staging.t_api_partial ORDER BY id", String.class))
                .as("a first load with a field one record lacks").containsExactly("first", "-");

        // id 1 without price (and no record carries note), id 2 with price null, id 3 new without price.
        wire.stubFor(get(urlPathEqualTo("/partial-items")).willReturn(okJson("{\"data\":["
                + "{\"id\":1,\"name\":\"one again\",\"updated_at\":\"2026-07-02T00:00:00Z\"},"
                + "{\"id\":2,\"name\":\"two again\",\"price\":null,\"updated_at\":\"2026-07-02T00:00:01Z\"},"
                + "{\"id\":3,\"name\":\"three\",\"updated_at\":\"2026-07-02T00:00:02Z\"}]}")));

        RunRecord second = succeeded(run("t_api_partial"));

        assertThat(task(second, "load").rowsOut()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT id || ' ' || name || ' ' || coalesce(price::text, 'NULL') || ' ' "
                + "|| coalesce(note, 'NULL') FROM staging.t_api_partial ORDER BY id", String.class)).containsExactly(
                "1 one again 1.5 first", "2 two again NULL NULL", "3 three NULL NULL");
    }

    @Test
    void aRedirectToALoopbackHostIsRefusedUnlessTheSourceAllowsIt() {
        String elsewhere = "http://127.0.0.1:" + wire.port();
        wire.stubFor(get(urlPathEqualTo("/private-items")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere + "/internal-admin")));
        wire.stubFor(get(urlPathEqualTo("/internal-admin")).willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))));

        RunRecord refused = run("t_api_private");

        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.error()).contains("Source t_api_private: the next request goes to " + elsewhere + "/internal-admin")
                .contains("a loopback, private or link-local address").contains("t_api_private.http.allowed-hosts");
        assertThat(task(refused, "extract").attempts()).as("not retried").isEqualTo(1);
        wire.verify(0, getRequestedFor(urlPathEqualTo("/internal-admin")));

        wire.stubFor(get(urlPathEqualTo("/private-allowed-items")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere + "/allowed-elsewhere")));
        wire.stubFor(get(urlPathEqualTo("/allowed-elsewhere")).willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))));
        succeeded(run("t_api_private_allowed"));
        assertThat(count("staging.t_api_private_allowed")).isEqualTo(1);
    }

    @Test
    void aPageARunOrARecordShapeBeyondItsCapFailsTheRunNamingTheCap() {
        StringBuilder big = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            big.append(i == 1 ? "" : ",").append(item(i, "2026-05-01T00:00:00Z"));
        }
        wire.stubFor(get(urlPathEqualTo("/capped-size-items")).willReturn(okJson(page(big.toString()))));
        for (int p = 1; p <= 3; p++) {
            wire.stubFor(get(urlPathEqualTo("/capped-records-items")).withQueryParam("page", equalTo(String.valueOf(p)))
                    .willReturn(okJson(page(item(2 * p - 1, "2026-05-01T00:00:00Z"), item(2 * p, "2026-05-01T00:00:00Z")))));
        }
        wire.stubFor(get(urlPathEqualTo("/capped-fields-items")).willReturn(okJson(page(item(1, "2026-05-01T00:00:00Z")))));

        for (var cap : java.util.Map.of("t_api_capped_size", "larger than 1024 bytes, the most a page may hold "
                + "(pipelines.sources.t_api_capped_size.http.max-page-size)", "t_api_capped_records", "more than 3 records in "
                + "one run (pipelines.sources.t_api_capped_records.http.max-records)", "t_api_capped_fields", "more than 3 "
                + "distinct fields, each a column of staging (pipelines.sources.t_api_capped_fields.http.max-fields)").entrySet()) {
            RunRecord run = run(cap.getKey());
            assertThat(run.status()).as(cap.getKey()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error()).as(cap.getKey()).contains(cap.getValue());
            assertThat(task(run, "extract").attempts()).as(cap.getKey() + ": not retried").isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NULL", Boolean.class, "staging." + cap.getKey()))
                    .as(cap.getKey() + ": nothing loaded").isTrue();
        }
        wire.verify(0, getRequestedFor(urlPathEqualTo("/capped-records-items")).withQueryParam("page", equalTo("3")));
    }

    @Test
    void anUnauthorizedFailsTheRunAtOnceWithoutRetries() {
        wire.stubFor(get(urlPathEqualTo("/denied-items")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"token expired\"}")));

        RunRecord run = run("t_api_denied");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("t_api_denied").contains("401 Unauthorized").contains("http.token")
                .doesNotContain("expired-token");
        assertThat(task(run, "extract").attempts()).isEqualTo(1);
        wire.verify(1, getRequestedFor(urlPathEqualTo("/denied-items"))
                .withHeader("Authorization", equalTo("Bearer expired-token")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.watermarks WHERE source = 't_api_denied'", Long.class)).isZero();
        assertThat(List.of(run.tasks().size())).containsExactly(1);
    }

    private static RunRecord succeeded(RunRecord run) {
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }
}
