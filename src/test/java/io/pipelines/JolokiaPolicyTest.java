package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestApi.Response;

/**
 * Jolokia (and Hawtio through it) reads everything but executes only what jolokia-access.xml opens:
 * the pipelines' MBeans and a route's start, stop, suspend and resume. Camel's sendBody and
 * requestBody, which reach any endpoint (a file: endpoint writes files on the server), the
 * context's stop and the JVM's diagnostic commands are refused, and leave nothing behind.
 */
class JolokiaPolicyTest extends PipelinesIntegrationTest {

    private static final String CONTEXT = "org.apache.camel:context=pipelines,type=context,name=\\\"pipelines\\\"";

    @Autowired
    TestApi api;
    @Autowired
    CamelContext camel;
    @Autowired
    org.springframework.core.env.Environment environment;

    @TempDir
    Path folder;

    @Test
    void camelsSendAndRequestOperationsAreRefusedAndWriteNothing() throws Exception {
        String uri = "file:" + folder + "?fileName=written-through-jolokia.txt";
        for (String operation : new String[] {"sendBody(java.lang.String,java.lang.Object)",
                "requestBody(java.lang.String,java.lang.Object)"}) {
            Response answer = exec(CONTEXT, operation, "\"" + uri + "\", \"hello\"");
            assertThat(answer.json().get("status").asInt()).as(answer.body()).isEqualTo(403);
            // Every role: an operator by the policy, a viewer before Jolokia (it may not execute at all).
            for (TestApi.Login login : List.of(TestApi.OPERATOR, TestApi.VIEWER)) {
                Response as = api.postAs(login, "/actuator/jolokia", execBody(CONTEXT, operation, "\"" + uri + "\", \"hello\""));
                assertThat(as.json().get("status").asInt()).as(login.user() + ": " + as.body()).isEqualTo(403);
            }
        }
        assertThat(folder.resolve("written-through-jolokia.txt")).doesNotExist();
        Response stop = exec(CONTEXT, "stop()", "");
        assertThat(stop.json().get("status").asInt()).as(stop.body()).isEqualTo(403);
        assertThat(camel.getStatus()).isEqualTo(ServiceStatus.Started);
        Response diagnostic = exec("com.sun.management:type=DiagnosticCommand", "vmSystemProperties()", "");
        assertThat(diagnostic.json().get("status").asInt()).as(diagnostic.body()).isEqualTo(403);
        Response gc = exec("java.lang:type=Memory", "gc()", "");
        assertThat(gc.json().get("status").asInt()).as(gc.body()).isEqualTo(403);
    }

    @Test
    void readingIsOpenAndARouteCanBeSuspendedAndResumed() {
        Response read = api.get("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage");
        assertThat(read.json().get("status").asInt()).as(read.body()).isEqualTo(200);
        String route = "org.apache.camel:context=pipelines,type=routes,name=\\\"run-recovery\\\"";
        try {
            Response suspend = exec(route, "suspend()", "");
            assertThat(suspend.json().get("status").asInt()).as(suspend.body()).isEqualTo(200);
            assertThat(camel.getRouteController().getRouteStatus("run-recovery")).isEqualTo(ServiceStatus.Suspended);
            Response resume = exec(route, "resume()", "");
            assertThat(resume.json().get("status").asInt()).as(resume.body()).isEqualTo(200);
        } finally {
            if (!camel.getRouteController().getRouteStatus("run-recovery").isStarted()) {
                try {
                    camel.getRouteController().resumeRoute("run-recovery");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(camel.getRouteController().getRouteStatus("run-recovery")).isEqualTo(ServiceStatus.Started);
        // What Hawtio reads through operations: a route diagram's statistics, a thread dump.
        Response stats = exec(CONTEXT, "dumpRoutesStatsAsXml(boolean,boolean)", "false, false");
        assertThat(stats.json().get("status").asInt()).as(stats.body()).isEqualTo(200);
        Response threads = exec("java.lang:type=Threading", "dumpAllThreads(boolean,boolean)", "false, false");
        assertThat(threads.json().get("status").asInt()).as(threads.body()).isEqualTo(200);
        // The pipelines' own operations (here: resume a schedule that is not suspended, which changes nothing).
        Response own = exec("io.pipelines:type=Pipeline,name=\\\"daily_signups\\\"", "resume()", "");
        assertThat(own.json().get("status").asInt()).as(own.body()).isEqualTo(200);
    }

    /** Hawtio's proxy would fetch any URL for a logged-in user (here the service's own health): it is off. */
    @Test
    void hawtiosProxyFetchesNothing() {
        String port = environment.getRequiredProperty("local.server.port");
        Response proxied = api.get("/actuator/hawtio/proxy/http/127.0.0.1/" + port + "/actuator/health");
        assertThat(proxied.status()).as(proxied.body()).isNotEqualTo(200);
        assertThat(proxied.body()).doesNotContain("\"UP\"");
    }

    private Response exec(String mbean, String operation, String arguments) {
        return api.post("/actuator/jolokia", execBody(mbean, operation, arguments));
    }

    private static String execBody(String mbean, String operation, String arguments) {
        return "{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"" + operation + "\",\"arguments\":["
                + arguments + "]}";
    }
}
