package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceDefinition;
import io.pipelines.config.SourceDefinitions;
import io.pipelines.config.SourceSettings;

/**
 * The route written for an entry of pipelines.sources: a pipeline of building blocks with the
 * entry's values as parameters and its retries as the error handler, and never its token.
 */
class SourcePipelinesTest {

    private final SourcePipelines pipelines = new SourcePipelines(null, properties());

    private static PipelinesProperties properties() {
        PipelinesProperties p = new PipelinesProperties();
        p.getRetry().setMaxRetries(3);
        p.getRetry().setInitialDelay(Duration.ofSeconds(4));
        p.getRetry().setMultiplier(2.0);
        p.getRetry().setMaxDelay(Duration.ofSeconds(60));
        return p;
    }

    @Test
    void aTableSourceIsARouteOfPipelineRunsTableExtractAndAnUpsertingLoad() {
        SourceSettings s = new SourceSettings();
        s.setType("jdbc");
        s.setConnection("crm");
        s.setTable("customers");
        s.setCursorColumn("updated_at");
        s.setKeyColumns(List.of("id", "region"));
        s.setSchedule("@hourly");
        s.setMaxRowsPerRun(500);
        s.getRetry().setMaxRetries(1);
        Map<String, Object> route = route(SourceDefinitions.resolve("crm_customers", s, Set.of("crm"), Set.of()));

        assertThat(route).containsEntry("id", "crm_customers").containsEntry("group", "pipelines")
                .containsEntry("routeConfigurationId", "pipeline-steps");
        assertThat(at(route, "errorHandler", "deadLetterChannel", "redeliveryPolicy"))
                .containsEntry("maximumRedeliveries", 1).containsEntry("redeliveryDelay", 4000)
                .containsEntry("maximumRedeliveryDelay", 60000);
        assertThat(at(route, "errorHandler", "deadLetterChannel")).containsEntry("deadLetterUri", "direct:task-dead-letter")
                .containsEntry("onExceptionOccurredRef", "taskFailed").containsEntry("onRedeliveryRef", "taskRetries");
        assertThat(at(route, "from")).containsEntry("uri", "kamelet:pipeline-runs/crm_customers-runs");
        assertThat(at(route, "from", "parameters")).containsEntry("cron", "0 0 * * * ?").containsEntry("timeZone", "UTC")
                .containsEntry("concurrency", 1);
        List<Map<String, Object>> steps = steps(route);
        assertThat(steps).extracting(step -> step.get("uri"))
                .containsExactly("kamelet:table-extract/crm_customers.extract", "kamelet:warehouse-load/crm_customers.load");
        assertThat(parameters(steps.get(0))).isEqualTo(Map.of("connection", "crm", "table", "customers",
                "cursorColumn", "updated_at", "keyColumns", "id,region", "maxRowsPerRun", 500,
                "lakePrefix", "raw/sources/crm_customers", "load", "load"));
        assertThat(parameters(steps.get(1))).isEqualTo(Map.of("table", "staging.crm_customers", "extract", "extract",
                "mode", "upsert"));
    }

    @Test
    void anApiSourcesRouteNamesTheSettingOfItsTokenNotTheToken() {
        SourceSettings s = new SourceSettings();
        s.setType("http");
        s.setUrl("https://api.example.com");
        s.setEndpoint("/v1/items");
        s.setCursorColumn("updated_at");
        s.setKeyColumns(List.of("id"));
        s.getHttp().setPagination("cursor");
        s.getHttp().setRecordsField("");
        s.getHttp().setAuth("bearer");
        s.getHttp().setToken("very-secret-token");
        String yaml = pipelines.yaml(SourceDefinitions.resolve("items", s, Set.of(), Set.of()));

        assertThat(yaml).doesNotContain("very-secret-token");
        List<Map<String, Object>> steps = steps(route(yaml));
        assertThat(steps.get(0).get("uri")).isEqualTo("kamelet:api-extract/items.extract");
        assertThat(parameters(steps.get(0))).containsEntry("url", "https://api.example.com")
                .containsEntry("endpoint", "/v1/items").containsEntry("pagination", "cursor")
                .containsEntry("recordsField", "").containsEntry("auth", "bearer")
                .containsEntry("tokenSetting", "pipelines.sources.items.http.token").containsEntry("timeout", "30000ms");
    }

    private Map<String, Object> route(SourceDefinition source) {
        return route(pipelines.yaml(source));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> route(String yaml) {
        List<Map<String, Object>> routes = new Yaml().load(yaml);
        assertThat(routes).hasSize(1);
        return (Map<String, Object>) routes.get(0).get("route");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> map, String... path) {
        Map<String, Object> at = map;
        for (String key : path) {
            at = (Map<String, Object>) at.get(key);
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> route) {
        return ((List<Map<String, Object>>) at(route, "from").get("steps")).stream()
                .map(step -> (Map<String, Object>) step.get("to")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Map<String, Object> to) {
        return (Map<String, Object>) to.get("parameters");
    }
}
