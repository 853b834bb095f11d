package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;

/**
 * What a browser sends for another site, with the Basic login it keeps, changes and reveals nothing:
 * a cross-site form post, a text/plain POST to Jolokia, a cross-site read of Jolokia are refused
 * (403), without a CORS answer for that site; the service's own origin and requests without one
 * (curl) pass.
 */
class CrossOriginTest extends PipelinesIntegrationTest {

    private static final String FOREIGN = "http://evil.example";
    private static final String RECOVERY = "org.apache.camel:context=pipelines,type=routes,name=\\\"run-recovery\\\"";

    @Autowired
    Environment environment;
    @Autowired
    PipelinesProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCrossSiteFormPostQueuesNoRun() throws Exception {
        LocalDate date = io.pipelines.support.TestDates.CrossOrigin.FORM_POST;
        HttpResponse<String> form = send("/api/pipelines/daily_sales_etl/runs", FOREIGN, null,
                "application/x-www-form-urlencoded", "logicalDate=" + date);
        assertThat(form.statusCode()).as(form.body()).isEqualTo(403);
        // text/plain, which a page may also send without asking first: refused the same way.
        HttpResponse<String> plain = send("/api/pipelines/daily_sales_etl/runs", FOREIGN, null, "text/plain",
                "{\"logicalDate\":\"" + date + "\"}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE logical_date = ?", Long.class, date))
                .isZero();
    }

    @Test
    void jolokiaAnswersNoOtherSiteAndTheServicesOwnPagesAsBefore() throws Exception {
        String suspend = "{\"type\":\"exec\",\"mbean\":\"" + RECOVERY + "\",\"operation\":\"suspend()\"}";
        HttpResponse<String> exec = send("/actuator/jolokia", FOREIGN, null, "text/plain", suspend);
        assertThat(exec.statusCode()).as(exec.body()).isEqualTo(403);
        assertThat(exec.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(camel.getRouteController().getRouteStatus("run-recovery")).isEqualTo(ServiceStatus.Started);

        HttpResponse<String> read = send("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", FOREIGN, null,
                null, null);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(read.body()).doesNotContain("\"used\"");
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // Without an Origin, a browser still says where a request comes from.
        HttpResponse<String> fetched = send("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", null,
                "cross-site", null, null);
        assertThat(fetched.statusCode()).isEqualTo(403);

        String own = "http://localhost:" + environment.getRequiredProperty("local.server.port");
        HttpResponse<String> same = send("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", own,
                "same-origin", null, null);
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
        assertThat(same.body()).contains("\"used\"");
        HttpResponse<String> curl = send("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", null, null,
                null, null);
        assertThat(curl.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String path, String origin, String fetchSite, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:"
                + environment.getRequiredProperty("local.server.port") + path));
        String credentials = TestApi.USER + ":" + properties.getSecurity().getPassword();
        request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        if (origin != null) {
            request.header("Origin", origin);
        }
        if (fetchSite != null) {
            request.header("Sec-Fetch-Site", fetchSite);
        }
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
