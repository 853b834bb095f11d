package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.security.CachedLogins;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestApi.Response;
import io.pipelines.support.TestDates;
import io.pipelines.support.TestIdentityProvider;

/**
 * The three roles against the running service: a viewer reads (API, metrics, Jolokia's reads) and
 * is refused every action with 403 and no side effect; an operator acts but does not read the audit
 * log; an admin reads it, each action there with its user, address, arguments and status. A login
 * is checked against its hash once and then remembered; an address that fails too many logins gets
 * 429 until the minute is over, other addresses go on.
 */
class RolesTest extends PipelinesIntegrationTest {

    private static final String RUNS = "/api/pipelines/daily_sales_etl/runs";
    private static final String PIPELINE_MBEAN = "io.pipelines:type=Pipeline,name=\\\"daily_sales_etl\\\"";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CachedLogins logins;

    @Test
    void aViewerReadsAndIsRefusedEveryActionWithNothingDone() {
        LocalDate date = TestDates.Roles.REFUSED;
        assertThat(api.getAs(TestApi.VIEWER, "/api/pipelines").status()).isEqualTo(200);
        assertThat(api.getAs(TestApi.VIEWER, "/actuator/prometheus").status()).isEqualTo(200);
        Response read = api.postAs(TestApi.VIEWER, "/actuator/jolokia",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}");
        assertThat(read.json().get("status").asInt()).as(read.body()).isEqualTo(200);

        Response trigger = api.postAs(TestApi.VIEWER, RUNS, "{\"logicalDate\":\"" + date + "\"}");
        Response backfill = api.postAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/backfill",
                "{\"from\":\"" + date + "\",\"to\":\"" + date + "\"}");
        Response viaJolokia = api.postAs(TestApi.VIEWER, "/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\""
                + PIPELINE_MBEAN + "\",\"operation\":\"trigger(java.lang.String)\",\"arguments\":[\"" + date + "\"]}");
        Response viaJolokiaGet = api.getAs(TestApi.VIEWER, "/actuator/jolokia/exec/" + PIPELINE_MBEAN.replace("\\\"", "\"")
                .replace(" ", "%20").replace("\"", "%22") + "/suspend()");
        Response bulk = api.postAs(TestApi.VIEWER, "/actuator/jolokia", "[{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\","
                + "\"attribute\":\"Uptime\"},{\"type\":\"exec\",\"mbean\":\"" + PIPELINE_MBEAN + "\",\"operation\":\"suspend()\"}]");

        for (Response refused : List.of(trigger, backfill, viaJolokia, viaJolokiaGet, bulk)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        }
        assertThat(viaJolokia.json().get("detail").asText()).contains("takes the operator role");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE logical_date = ?", Long.class, date))
                .as("no run queued").isZero();
        assertThat(api.get("/api/pipelines").json().findValues("state").stream().map(JsonNode::asText))
                .as("no schedule suspended").doesNotContain("suspended");
        assertThat(api.getAs(TestApi.VIEWER, "/api/audit").status()).isEqualTo(403);
        // Refused actions are in the audit log too.
        List<JsonNode> viewers = await("the refused trigger in the audit log").atMost(Duration.ofSeconds(10))
                .until(() -> entries(api.get("/api/audit?user=" + TestApi.VIEWER.user() + "&limit=1000")),
                        list -> list.stream().anyMatch(e -> e.get("action").asText().equals("POST " + RUNS)));
        assertThat(viewers).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("POST " + RUNS);
            assertThat(e.get("status").asInt()).isEqualTo(403);
        });
    }

    @Test
    void anOperatorActsAndAnAdminReadsEachActionInTheAuditLog() {
        LocalDate date = TestDates.Roles.TRIGGERED;
        Response trigger = api.postAs(TestApi.OPERATOR, RUNS, "{\"logicalDate\":\"" + date + "\"}");
        assertThat(trigger.status()).as(trigger.body()).isEqualTo(202);
        long runId = trigger.json().get("runId").asLong();
        Response resume = api.postAs(TestApi.OPERATOR, "/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\"" + PIPELINE_MBEAN
                + "\",\"operation\":\"resume()\"}");
        assertThat(resume.json().get("status").asInt()).as(resume.body()).isEqualTo(200);
        assertThat(api.getAs(TestApi.OPERATOR, "/api/audit").status()).as("the audit log is the admins'").isEqualTo(403);

        // An action is written once its answer is complete, which the client may see a moment before.
        List<JsonNode> entries = await("the trigger in the audit log").atMost(Duration.ofSeconds(10))
                .until(() -> entries(api.get("/api/audit?user=" + TestApi.OPERATOR.user())),
                        list -> list.stream().anyMatch(e -> e.get("action").asText().equals("POST " + RUNS)));
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("user").asText()).isEqualTo(TestApi.OPERATOR.user());
            assertThat(e.get("action").asText()).isEqualTo("POST " + RUNS);
            assertThat(e.get("arguments").asText()).contains(date.toString());
            assertThat(e.get("status").asInt()).isEqualTo(202);
            assertThat(e.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("at").asText()).isNotBlank();
        });
        assertThat(entries).anySatisfy(e -> assertThat(e.get("action").asText())
                .isEqualTo("jolokia exec " + PIPELINE_MBEAN.replace("\\\"", "\"") + " resume()"));
        assertThat(entries).noneSatisfy(e -> assertThat(e.get("action").asText()).startsWith("GET"));
        api.awaitFinished(runId);
    }

    @Test
    void aLoginIsCheckedOnceThenRememberedAndFailedLoginsAreThrottledPerAddress() {
        api.getAs(TestApi.OPERATOR, "/api/pipelines");
        long checked = logins.verifications();
        for (int i = 0; i < 5; i++) {
            assertThat(api.getAs(TestApi.OPERATOR, "/api/pipelines").status()).isEqualTo(200);
        }
        assertThat(logins.verifications()).as("the same login again: no password hash checked").isEqualTo(checked);

        // One client (behind the service's trusted proxy, which names it) fails ten times: throttled; another is not.
        String client = "203.0.113.9";
        List<Integer> failures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            failures.add(api.postAs(TestApi.OPERATOR.user(), "wrong-" + i, RUNS, "{}", "X-Forwarded-For", client).status());
        }
        assertThat(failures).containsOnly(401);
        Response throttled = api.getAs(TestApi.OPERATOR, "/api/pipelines", "X-Forwarded-For", client);
        assertThat(throttled.status()).as("even with the right password, until the minute is over").isEqualTo(429);
        assertThat(throttled.json().get("detail").asText()).startsWith("Too many failed logins from this address");
        assertThat(api.getAs(TestApi.OPERATOR, "/api/pipelines", "X-Forwarded-For", "203.0.113.10").status()).isEqualTo(200);
        assertThat(api.getAs(TestApi.OPERATOR, "/api/pipelines").status()).isEqualTo(200);
    }

    @Test
    void anIdentityProvidersTokenLogsInWithTheRolesItNames() {
        TestIdentityProvider.publish();
        LocalDate date = TestDates.Roles.BY_TOKEN;
        String operator = TestIdentityProvider.token("ana@idp", List.of("operator", "something-else"), Duration.ofMinutes(5));
        String viewer = TestIdentityProvider.token("bo@idp", List.of("viewer"), Duration.ofMinutes(5));

        assertThat(api.getWithToken(viewer, "/api/pipelines").status()).isEqualTo(200);
        assertThat(api.postWithToken(viewer, RUNS, "{\"logicalDate\":\"" + date + "\"}").status()).isEqualTo(403);
        Response trigger = api.postWithToken(operator, RUNS, "{\"logicalDate\":\"" + date + "\"}");
        assertThat(trigger.status()).as(trigger.body()).isEqualTo(202);
        await("the token's user in the audit log").atMost(Duration.ofSeconds(10))
                .until(() -> entries(api.get("/api/audit?user=ana@idp")), list -> list.stream().anyMatch(e ->
                        e.get("action").asText().equals("POST " + RUNS) && e.get("status").asInt() == 202));

        // No role of ours, a key the service does not know, an expired token: no login.
        assertThat(api.getWithToken(TestIdentityProvider.token("cy@idp", List.of("pipelines-admin"), Duration.ofMinutes(5)),
                "/api/pipelines").status()).isEqualTo(403);
        assertThat(api.getWithToken(TestIdentityProvider.foreignToken("ana@idp", List.of("admin")), "/api/pipelines").status())
                .isEqualTo(401);
        assertThat(api.getWithToken(TestIdentityProvider.token("ana@idp", List.of("admin"), Duration.ofMinutes(-5)),
                "/api/pipelines").status()).isEqualTo(401);
        api.awaitFinished(trigger.json().get("runId").asLong());
    }

    private static List<JsonNode> entries(Response audit) {
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        audit.json().forEach(list::add);
        return list;
    }
}
