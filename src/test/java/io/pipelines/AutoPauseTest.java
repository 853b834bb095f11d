package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.AlertReceiver;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Auto-pause (issue 14, item 5): with pipelines.runs.auto-pause-after 2, a pipeline whose SQL step fails
 * has its schedule suspended after its second failed run in a row, once, with an alert to the webhook
 * and the reason in the listing; a success in between starts the count again; resumed by an operator,
 * its schedule runs again and the reason is gone.
 */
class AutoPauseTest extends ServiceProcessTest {

    /** The step's SQL: a statement the warehouse refuses (division by zero), and one it takes. */
    private static final String FAILS = "INSERT INTO etl.auto_pauses (pipeline, failures, run_id) VALUES ('t_fragile', 1 / 0, 0);\n";
    private static final String SUCCEEDS = "DELETE FROM etl.auto_pauses WHERE pipeline = 't_fragile';\n";

    @Autowired
    TestApi api;
    @Autowired
    ObjectMapper json;

    @TempDir
    Path folder;

    @Test
    void aPipelineFailingTwiceInARowHasItsScheduleSuspendedWithAnAlertUntilResumed() throws Exception {
        Path sql = folder.resolve("step.sql");
        Files.writeString(sql, FAILS);
        Files.writeString(folder.resolve("fragile.camel.yaml"), """
                - route:
                    id: fragile
                    group: pipelines
                    routeConfigurationId: pipeline-steps
                    from:
                      uri: kamelet:pipeline-runs/fragile-runs
                      parameters:
                        cron: "0 15 4 * * ?"
                      steps:
                        - to:
                            uri: kamelet:sql-file/fragile.step
                            parameters:
                              file: %s
                """.formatted(sql));
        List<LocalDate> days = TestDates.AutoPause.DAYS;
        testServiceTakesNoRunsOver();
        try (ServiceProcess service = ServiceProcess.withRoutesOf(folder, "auto-pause", environment,
                "pipelines.runs.auto-pause-after=2", "pipelines.retry.max-retries=0",
                "pipelines.alerts.webhook-url=" + AlertReceiver.url()).start()) {
            assertThat(run(service, days.get(0)).status()).isEqualTo(RunStatus.FAILED);
            assertThat(fragile(service).get("state").asText()).as("one failure: still scheduled").isEqualTo("started");
            Files.writeString(sql, SUCCEEDS);
            assertThat(run(service, days.get(1)).status()).isEqualTo(RunStatus.SUCCEEDED);
            Files.writeString(sql, FAILS);
            assertThat(run(service, days.get(2)).status()).as("a success in between: the count starts again")
                    .isEqualTo(RunStatus.FAILED);
            assertThat(fragile(service).get("state").asText()).isEqualTo("started");

            RunRecord tipping = run(service, days.get(3));
            assertThat(tipping.status()).isEqualTo(RunStatus.FAILED);
            JsonNode paused = fragile(service);
            assertThat(paused.get("state").asText()).isEqualTo("suspended");
            assertThat(paused.get("autoPaused").get("failures").asInt()).isEqualTo(2);
            assertThat(paused.get("autoPaused").get("runId").asLong()).isEqualTo(tipping.runId());
            assertThat(AlertReceiver.received()).filteredOn(a -> a.contains("\"pipeline_auto_paused\"")
                    && a.contains("\"runId\":" + tipping.runId())).hasSize(1);

            assertThat(run(service, days.get(4)).status()).as("a run by hand is still taken").isEqualTo(RunStatus.FAILED);
            assertThat(AlertReceiver.received()).as("alerted once").filteredOn(a -> a.contains("\"pipeline_auto_paused\"")
                    && a.contains("\"pipeline\":\"fragile\"")).hasSize(1);

            HttpResponse<String> resumed = service.post("/api/pipelines/fragile/resume", "");
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
            JsonNode again = fragile(service);
            assertThat(again.get("state").asText()).isEqualTo("started");
            assertThat(again.has("autoPaused")).as("the reason goes with the resume").isFalse();
        }
    }

    private JsonNode fragile(ServiceProcess service) throws Exception {
        for (JsonNode p : json.readTree(service.get("/api/pipelines").body())) {
            if (p.get("name").asText().equals("fragile")) {
                return p;
            }
        }
        throw new AssertionError("fragile is not listed");
    }

    private RunRecord run(ServiceProcess service, LocalDate date) throws Exception {
        return api.awaitFinished(service.trigger("fragile", date));
    }
}
