package io.pipelines.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.env.Environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;

/** What the integration tests do through the service's front door: HTTP calls, waiting for runs, the source database. */
@TestComponent
public class TestApi {

    public static final String USER = "tester";

    /** A login of the tests besides the admin {@link #USER}: its password, and that password's hash for the settings. */
    public record Login(String user, String role, String password) {
        public String passwordHash() {
            // The lowest BCrypt cost: the service checks what the hash says, and the tests stay quick.
            return "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode(password);
        }
    }

    public static final Login VIEWER = new Login("t_viewer", "viewer", java.util.UUID.randomUUID().toString());
    public static final Login OPERATOR = new Login("t_operator", "operator", java.util.UUID.randomUUID().toString());

    private final Environment environment;
    private final PipelinesProperties properties;
    private final RunLedger ledger;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newHttpClient();

    public TestApi(Environment environment, PipelinesProperties properties, RunLedger ledger, ObjectMapper json) {
        this.environment = environment;
        this.properties = properties;
        this.ledger = ledger;
        this.json = json;
    }

    /** An HTTP response with its body parsed as JSON when it is JSON. */
    public record Response(int status, String contentType, String body, JsonNode json) {
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), true);
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), true);
    }

    /** A GET as {@code login}, with extra headers (name, value, ...). */
    public Response getAs(Login login, String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).headers(withLogin(login.user(), login.password(), headers)).GET(), false);
    }

    /** A JSON POST as {@code user} with {@code password}, with extra headers (name, value, ...). */
    public Response postAs(String user, String password, String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).headers(withLogin(user, password, headers))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    public Response postAs(Login login, String path, String body, String... headers) {
        return postAs(login.user(), login.password(), path, body, headers);
    }

    private static String[] withLogin(String user, String password, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = basic(user, password);
        return all;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A GET with an identity provider's token (Authorization: Bearer). */
    public Response getWithToken(String token, String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET(), false);
    }

    /** A JSON POST with an identity provider's token. */
    public Response postWithToken(String token, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    public Response getWithoutLogin(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), false);
    }

    public Response postWithoutLogin(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    /**
     * The value of a Prometheus metric, summed over its series that carry every given tag
     * ({@code "pipeline", "daily_sales_etl", "task", "extract_orders"}); 0 when there is none yet.
     * Tests compare it before and after what they do: the delta is what that did.
     */
    public double metric(String name, String... tags) {
        return metricIn(get("/actuator/prometheus").body(), name, tags);
    }

    /** The same, from the text of any service's /actuator/prometheus. */
    public static double metricIn(String prometheus, String name, String... tags) {
        double sum = 0;
        for (String line : prometheus.lines().toList()) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            String labels = line.substring(name.length(), line.lastIndexOf('}') + 1);
            boolean all = true;
            for (int i = 0; i < tags.length; i += 2) {
                String tag = tags[i] + "=\"" + tags[i + 1] + "\"";
                all &= labels.contains("{" + tag) || labels.contains("," + tag);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Waits until the run has finished (SUCCEEDED or FAILED) and returns it. */
    public RunRecord awaitFinished(long runId) {
        return await("run " + runId + " finished").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> ledger.find(runId).orElseThrow(),
                        run -> EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED).contains(run.status()));
    }

    /** A writable connection to the demo source database (the service's own pool is read-only). */
    public Connection salesDatabase() throws SQLException {
        PipelinesProperties.Connection sales = properties.getConnections().get("sales");
        return DriverManager.getConnection(sales.getUrl(), sales.getUsername(), sales.getPassword());
    }

    /**
     * Adds count demo orders at noon (UTC) of the date, numbered from firstNumber within the date (ids of their own),
     * each of the given total.
     */
    public void insertOrders(LocalDate date, int firstNumber, int count, BigDecimal total) throws Exception {
        try (Connection c = salesDatabase(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, created_at, "
                        + "updated_at) VALUES (?, 7, 'books', ?, 'USD', 'completed', ?, ?)")) {
            OffsetDateTime noon = date.atTime(12, 0).atOffset(ZoneOffset.UTC);
            for (int i = 0; i < count; i++) {
                ps.setLong(1, date.toEpochDay() * 1_000_000L + firstNumber + i);
                ps.setBigDecimal(2, total);
                ps.setObject(3, noon);
                ps.setObject(4, noon);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port") + path);
    }

    private Response send(HttpRequest.Builder request, boolean login) {
        if (login) {
            request.header("Authorization", basic(USER, properties.getSecurity().getPassword()));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = type.contains("json") && !response.body().isBlank() ? json.readTree(response.body()) : null;
            return new Response(response.statusCode(), type, response.body(), body);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        }
    }
}
