package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pipelines.run.RunRecord;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Each run records the version of its pipeline's definition, and two versions can be compared: an earlier version
 * is written as the service would have recorded it had its cron and a SQL file been others.
 */
class VersionsTest extends PipelinesIntegrationTest {

    @Autowired
    private TestApi api;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private ObjectMapper json;

    @Test
    void aRunRecordsItsVersionAndTwoVersionsShowWhatChanged() throws Exception {
        long runId = api.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + TestDates.Versions.ONE_RUN + "\"}")
                .json().get("runId").asLong();
        RunRecord run = api.awaitFinished(runId);
        JsonNode versions = api.getAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/versions").json();
        String current = versions.get("current").asText();
        assertThat(current).matches("[0-9a-f]{12}");
        assertThat(run.version()).isEqualTo(current);
        assertThat(api.get("/api/runs/" + runId).json().get("version").asText()).isEqualTo(current);

        // The same pipeline as it was: another cron, and one line of its transform otherwise.
        ObjectNode before = (ObjectNode) json.readTree(jdbc.queryForObject("SELECT definition::text FROM etl.pipeline_versions "
                + "WHERE pipeline = 'daily_sales_etl' AND version = ?", String.class, current));
        assertThat(before.fieldNames()).toIterable().contains("schedule", "step extract_orders", "file sql/transform_orders.sql",
                "file quality/orders_suite.json").anySatisfy(part -> assertThat(part).startsWith("route ").endsWith(
                        "daily-sales-etl.camel.yaml"));
        before.put("schedule", before.get("schedule").asText().replace("cron: 0 0 6 * * ?", "cron: 0 0 5 * * ?"));
        before.put("file sql/transform_orders.sql", before.get("file sql/transform_orders.sql").asText()
                .replace("coalesce(nullif(lower(trim(product_category)), ''), 'unknown'),", "product_category,"));
        jdbc.update("INSERT INTO etl.pipeline_versions (pipeline, version, definition, first_seen_at) VALUES "
                + "('daily_sales_etl', 'a1b2c3d4e5f6', ?::jsonb, now() - interval '1 day') ON CONFLICT DO NOTHING", before.toString());

        JsonNode diff = api.getAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/versions/diff?from=a1b2c3d4e5f6&to=" + current)
                .json();
        Map<String, JsonNode> changes = new java.util.TreeMap<>();
        diff.get("changes").forEach(c -> changes.put(c.get("what").asText(), c.get("lines")));
        assertThat(changes).containsOnlyKeys("schedule", "file sql/transform_orders.sql");
        assertThat(changes.get("schedule")).extracting(JsonNode::asText).containsExactly("- cron: 0 0 5 * * ?", "+ cron: 0 0 6 * * ?");
        assertThat(changes.get("file sql/transform_orders.sql")).extracting(JsonNode::asText).containsExactly(
                "-        product_category,", "+        coalesce(nullif(lower(trim(product_category)), ''), 'unknown'),");

        JsonNode listed = api.get("/api/pipelines/daily_sales_etl/versions").json().get("versions");
        assertThat(listed).extracting(v -> v.get("version").asText()).as("newest first").containsSubsequence(current,
                "a1b2c3d4e5f6");
        assertThat(listed).filteredOn(v -> v.get("version").asText().equals(current)).singleElement()
                .satisfies(v -> assertThat(v.get("runs").asLong()).as("runs of the current version").isPositive());
        assertThat(api.get("/api/pipelines/daily_sales_etl/versions/diff?from=nope&to=" + current).status()).isEqualTo(404);
        assertThat(api.get("/api/pipelines/daily_sales_etl/versions/diff?to=" + current).status()).isEqualTo(400);
    }
}
