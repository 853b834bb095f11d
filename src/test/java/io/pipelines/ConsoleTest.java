package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.schedule.Deadlines;
import io.pipelines.support.Browser;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.StreamFixture;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * The web console in a real headless Chromium, used as a person would: signed in through its form as a viewer
 * and as an operator, a run triggered and watched until it is green, its log lines and a failed expectation's
 * sample values read, a dead letter replayed; a viewer finds no action and a forged action is refused. Every
 * page is saved as a screenshot under target/console-screenshots/ (with -Dpipelines.docs.update=true, the
 * README's two under docs/ too).
 */
class ConsoleTest extends PipelinesIntegrationTest {

    private static final Pattern QUEUED = Pattern.compile("Run (\\d+) of daily_sales_etl for (\\S+) queued");

    @Autowired
    private TestApi api;

    @Autowired
    private StreamFixture stream;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private Deadlines deadlines;

    @LocalServerPort
    private int port;

    private Browser browser;

    @BeforeEach
    void startBrowser() throws Exception {
        browser = new Browser(port);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
    }

    @Test
    void aSignedOutBrowserIsSentToTheFormAndTheApiAsksForALogin() throws Exception {
        browser.open("#/dead-letters");
        browser.waitFor(By.id("login"));
        browser.screenshot("login");
        browser.one(By.id("username")).sendKeys(TestApi.VIEWER.user());
        browser.one(By.id("password")).sendKeys("not the password");
        browser.one(By.id("sign-in")).click();
        browser.waitForText(By.cssSelector("#login-message.error"), "Wrong user or password", Duration.ofSeconds(10));

        // The form's sign-ins are throttled per address as the API's logins are (a client behind the trusted proxy).
        java.net.CookieManager cookies = new java.net.CookieManager();
        HttpClient form = HttpClient.newBuilder().cookieHandler(cookies).build();
        String base = "http://127.0.0.1:" + port;
        String client = "203.0.113.30";
        form.send(HttpRequest.newBuilder(java.net.URI.create(base + "/login.html")).header("X-Forwarded-For", client).build(),
                HttpResponse.BodyHandlers.discarding());
        String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .findFirst().orElseThrow().getValue();
        List<Integer> answers = new java.util.ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            String password = i < 10 ? "wrong-" + i : TestApi.VIEWER.password();
            answers.add(form.send(HttpRequest.newBuilder(java.net.URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", client)
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + TestApi.VIEWER.user() + "&password=" + password
                            + "&_csrf=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertThat(answers.subList(0, 10)).as("wrong passwords: back to the form").containsOnly(302);
        assertThat(answers.get(10)).as("then even the right one, until the minute is over").isEqualTo(429);

        TestApi.Response api401 = api.getWithoutLogin("/api/pipelines");
        assertThat(api401.status()).isEqualTo(401);
        assertThat(api.getWithoutLogin("/").status()).as("a page leads to the form").isEqualTo(302);
    }

    @Test
    void aViewerReadsEveryPageButFindsNoActionAndAnActionIsRefused() throws Exception {
        browser.signIn(TestApi.VIEWER);
        assertThat(browser.one(By.id("who")).getText()).isEqualTo(TestApi.VIEWER.user() + " (viewer)");
        org.openqa.selenium.Cookie session = browser.cookie("JSESSIONID");
        assertThat(session.isHttpOnly()).as("the session is not a script's").isTrue();
        assertThat(session.getSameSite()).as("nor sent by another site's request").isEqualTo("Strict");
        assertThat(browser.cookie("XSRF-TOKEN").isHttpOnly()).as("the token is the page's to send back").isFalse();
        WebElement row = browser.one(By.cssSelector("#pipelines tr[data-pipeline=daily_sales_etl]"));
        assertThat(row.getText()).contains("daily_sales_etl").contains("batch").contains("0 0 6 * * ?");
        assertThat(browser.all(By.cssSelector("#pipelines tr[data-pipeline=orders_stream]"))).hasSize(1);
        assertThat(browser.all(By.cssSelector("button"))).filteredOn(WebElement::isDisplayed).extracting(WebElement::getText)
                .as("the viewer's buttons").containsExactly("Sign out");
        browser.screenshot("pipelines-viewer");

        browser.go("#/dead-letters", "dead-letters");
        assertThat(browser.all(By.cssSelector("button.replay"))).isEmpty();

        // The page's own script, with the session and the CSRF token: the service refuses a viewer's action.
        assertThat(browser.fetchStatus("POST", "api/pipelines/daily_sales_etl/runs",
                "{\"logicalDate\":\"" + TestDates.Console.SUCCEEDED + "\"}", true)).isEqualTo(403);
        assertThat(api.get("/api/pipelines/daily_sales_etl/dates?from=" + TestDates.Console.SUCCEEDED + "&to="
                + TestDates.Console.SUCCEEDED).json().get("dates").get(0).get("state").asText())
                .as("nothing queued").isEqualTo("MISSING");
    }

    @Test
    void anOperatorTriggersARunWatchesItTurnGreenAndReadsItsTasksAndLogLines() throws Exception {
        LocalDate date = TestDates.Console.SUCCEEDED;
        api.insertOrders(date, 1, 20, new BigDecimal("12.50"));
        browser.signIn(TestApi.OPERATOR);

        long runId = trigger(date);
        browser.go("#/run/" + runId, "run");
        browser.waitForText(By.id("run-status"), "SUCCEEDED", Duration.ofSeconds(90));
        // The last lines reach the warehouse within a second of the run's end.
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/runs/" + runId + "/logs?limit=1000").body()
                .contains("SUCCEEDED in"));
        browser.go("#/run/" + runId + "?again", "run");
        List<String> tasks = browser.all(By.cssSelector("#tasks tr[data-task]")).stream()
                .map(r -> r.getAttribute("data-task")).toList();
        assertThat(tasks).containsExactly("extract_orders", "validate_data", "load_to_staging", "transform_data",
                "update_aggregates");
        assertThat(browser.one(By.cssSelector("#tasks tr[data-task=extract_orders]")).getText())
                .contains("SUCCEEDED").contains("20");
        assertThat(browser.all(By.cssSelector("#timeline rect"))).hasSize(5);

        // The log lines were kept per task, and the page shows one task's alone.
        String log = browser.one(By.id("log")).getText();
        assertThat(log).contains("INFO [run] daily_sales_etl run " + runId + " for " + date + ": started")
                .contains("INFO [run] daily_sales_etl run " + runId + " for " + date + ": SUCCEEDED in")
                .contains("INFO [extract_orders] daily_sales_etl run " + runId + " for " + date + ": task extract_orders started")
                .contains("task update_aggregates SUCCEEDED");
        new Select(browser.one(By.id("log-task"))).selectByValue("transform_data");
        List<String> lines = browser.one(By.id("log")).getText().lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).contains("[transform_data]"));
        browser.screenshot("run");

        JsonNode logs = api.get("/api/runs/" + runId + "/logs?task=extract_orders").json().get("lines");
        assertThat(logs).isNotEmpty().allSatisfy(line -> assertThat(line.get("task").asText()).isEqualTo("extract_orders"));

        browser.go("#/versions/daily_sales_etl", "versions");
        assertThat(browser.all(By.cssSelector("#versions tr[data-version]"))).extracting(WebElement::getText)
                .anySatisfy(row -> assertThat(row).contains("(current)"));
        browser.screenshot("versions");

        browser.go("#/grid/daily_sales_etl", "grid");
        WebElement gridRow = browser.one(By.cssSelector("#grid tr[data-run='" + runId + "']"));
        assertThat(gridRow.findElements(By.cssSelector("td.cell.SUCCEEDED"))).hasSize(5);
        browser.screenshot("grid");

        // A deadline missed (checked as of the morning after the date's deadline): a banner names what blocks it.
        LocalDate missed = TestDates.ConsoleDeadline.MISSED;
        deadlines.check(missed.plusDays(1).atTime(7, 1).toInstant(java.time.ZoneOffset.UTC));
        browser.go("", "pipelines");
        assertThat(browser.all(By.cssSelector("#pipelines tr[data-pipeline=daily_sales_etl] .squares a.SUCCEEDED")))
                .as("the run's square").isNotEmpty();
        assertThat(browser.one(By.cssSelector("#deadline-misses [data-miss=daily_sales_etl]")).getText())
                .isEqualTo("daily_sales_etl " + missed + ": not loaded by its deadline (" + missed.plusDays(1)
                        + " 07:00:00 UTC): not queued");
        assertThat(browser.one(By.cssSelector("#pipelines tr[data-pipeline=daily_sales_etl] td.deadline")).getText())
                .startsWith(missed + " missed").contains("due 31h after the date");
        browser.screenshot("pipelines");
        copyToDocs("pipelines", "run");
    }

    @Test
    void anOperatorReadsAFailedExpectationsSamplesAndReplaysTheDeadLetter() throws Exception {
        LocalDate date = TestDates.Console.FAILED_EXPECTATION;
        api.insertOrders(date, 1, 20, new BigDecimal("12.50"));
        api.insertOrders(date, 21, 1, new BigDecimal("-5.00"));
        browser.signIn(TestApi.OPERATOR);

        long runId = trigger(date);
        browser.go("#/run/" + runId, "run");
        browser.waitForText(By.id("run-status"), "FAILED", Duration.ofSeconds(90));
        browser.waitForPage("run");
        WebElement expectation = browser.all(By.cssSelector("#expectations tr")).stream()
                .filter(r -> r.getText().contains("expect_column_values_to_be_between")).findFirst().orElseThrow();
        assertThat(expectation.getText()).contains("1 of 21");
        assertThat(expectation.findElement(By.cssSelector("td.samples")).getText()).isEqualTo("-5");
        WebElement letter = browser.waitFor(By.cssSelector("#dead-letters tr[data-dead-letter]"));
        assertThat(letter.getText()).contains("validate_data").contains("NEW");
        browser.screenshot("run-failed");

        // The same page's script without the CSRF token, as another page posting with the session would: refused.
        long id = Long.parseLong(letter.getAttribute("data-dead-letter"));
        assertThat(browser.fetchStatus("POST", "api/dead-letters/" + id + "/replay", "", false)).isEqualTo(403);
        assertThat(deadLetterStatus(id)).isEqualTo("NEW");

        // Jolokia's operations need a login of their own: the console's session alone does not act through it.
        assertThat(browser.fetchStatus("POST", "actuator/jolokia", "{\"type\":\"exec\",\"mbean\":"
                + "\"io.pipelines:type=Pipeline,name=\\\"daily_sales_etl\\\"\",\"operation\":\"suspend()\"}", true))
                .isEqualTo(403);

        browser.go("#/dead-letters", "dead-letters");
        browser.screenshot("dead-letters");
        WebElement replay = browser.one(By.cssSelector("#dead-letters tr[data-dead-letter='" + id + "'] button.replay"));
        assertThat(browser.act(replay)).isEqualTo("Dead letter " + id + " replayed: run " + runId + " resumed");
        assertThat(deadLetterStatus(id)).isEqualTo("REPLAYED");
        RunRecord resumed = api.awaitFinished(runId);
        assertThat(resumed.status()).as("the same bad data fails it again").isEqualTo(RunStatus.FAILED);
        assertThat(api.get("/api/audit?user=" + TestApi.OPERATOR.user() + "&limit=10").body())
                .as("the action audited").contains("/api/dead-letters/" + id + "/replay");
    }

    @Test
    void anOperatorPreviewsABackfillAndReadsTheStreamAndLineagePages() throws Exception {
        browser.signIn(TestApi.OPERATOR);
        browser.go("#/backfill/daily_sales_etl", "backfill");
        List<LocalDate> days = TestDates.Console.BACKFILL_DRY_RUN;
        browser.setValue(browser.one(By.id("backfill-from")), days.get(0).toString());
        browser.setValue(browser.one(By.id("backfill-to")), days.get(days.size() - 1).toString());
        new Select(browser.one(By.id("backfill-mode"))).selectByValue("missing");
        browser.one(By.id("backfill-dry-run")).click();
        browser.waitForText(By.id("backfill-preview"), "3 date(s) would be queued: 2024-10-10, 2024-10-11, 2024-10-12",
                Duration.ofSeconds(10));
        assertThat(browser.all(By.id("backfill-queue"))).as("the operator may queue them").hasSize(1);
        browser.screenshot("backfill");
        assertThat(api.get("/api/pipelines/daily_sales_etl/dates?from=" + days.get(0) + "&to=" + days.get(2)).json()
                .get("counts").get("MISSING").asInt()).as("a dry run queues nothing").isEqualTo(3);

        stream.send(stream.plan("console", 150, stream.freshHour(), 7));
        stream.awaitAllCommitted(Duration.ofSeconds(60));
        browser.go("#/stream/orders_stream", "stream");
        assertThat(browser.one(By.cssSelector("#page-stream h1")).getText()).startsWith("orders_stream");
        assertThat(browser.all(By.cssSelector("#partitions tr"))).as("a row per partition").hasSize(1 + 3);
        List<WebElement> bars = browser.all(By.cssSelector("#throughput rect"));
        assertThat(bars).as("a bar per minute of the hour").hasSize(60);
        assertThat(bars).as("this minute's events").anySatisfy(bar ->
                assertThat(Double.parseDouble(bar.getAttribute("height"))).isPositive());
        browser.screenshot("stream");

        browser.go("#/lineage?table=analytics.daily_sales", "lineage");
        String graph = browser.one(By.id("lineage")).getText();
        assertThat(graph).contains("sales (extract_orders.sql)").contains("raw/sales/orders").contains("staging.orders")
                .contains("analytics.orders").contains("analytics.daily_sales")
                .as("only what the table comes from").doesNotContain("staging.mysql_customers");
        browser.screenshot("lineage");
    }

    @Test
    void theGridIsPagedOnTheServerNewestFirst() throws Exception {
        for (LocalDate date : TestDates.Console.GRID) {
            api.awaitFinished(api.post("/api/pipelines/daily_sales_etl/runs", "{\"logicalDate\":\"" + date + "\"}")
                    .json().get("runId").asLong());
        }
        List<Long> newest = jdbc.queryForList("SELECT run_id FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "ORDER BY run_id DESC LIMIT 2", Long.class);
        JsonNode first = api.getAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/grid?page=1&size=1").json();
        JsonNode second = api.getAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/grid?page=2&size=1").json();
        assertThat(first.get("total").asLong()).isEqualTo(jdbc.queryForObject(
                "SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl'", Long.class));
        assertThat(first.get("runs").get(0).get("runId").asLong()).isEqualTo(newest.get(0));
        assertThat(second.get("runs").get(0).get("runId").asLong()).isEqualTo(newest.get(1));
        assertThat(first.get("tasks")).extracting(JsonNode::asText).startsWith("extract_orders", "validate_data");
        JsonNode succeeded = api.getAs(TestApi.VIEWER, "/api/pipelines/daily_sales_etl/grid?status=SUCCEEDED&size=200").json();
        assertThat(succeeded.get("total").asLong()).isEqualTo(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs "
                + "WHERE pipeline = 'daily_sales_etl' AND status = 'SUCCEEDED'", Long.class));
        assertThat(succeeded.get("runs")).isNotEmpty().allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED"));

        TestApi.Response badPage = api.get("/api/pipelines/daily_sales_etl/grid?page=0");
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(badPage.body()).contains("page must be a whole number from 1");
        assertThat(api.get("/api/pipelines/daily_sales_etl/grid?size=201").body()).contains("size must be a whole number from 1 to 200");
        assertThat(api.get("/api/pipelines/daily_sales_etl/grid?status=DONE").status()).isEqualTo(400);
        assertThat(api.get("/api/pipelines/no_such/grid").status()).isEqualTo(404);
        assertThat(api.get("/api/runs/x/logs").status()).isEqualTo(400);

        // Scripts with their own login keep no session and get no CSRF cookie.
        HttpResponse<String> scripted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/pipelines"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (TestApi.VIEWER.user() + ":" + TestApi.VIEWER.password()).getBytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scripted.statusCode()).isEqualTo(200);
        assertThat(scripted.headers().allValues("Set-Cookie")).isEmpty();
    }

    private long trigger(LocalDate date) {
        browser.go("", "pipelines");
        WebElement row = browser.one(By.cssSelector("#pipelines tr[data-pipeline=daily_sales_etl]"));
        browser.setValue(row.findElement(By.cssSelector("input.trigger-date")), date.toString());
        String message = browser.act(row.findElement(By.cssSelector("button.trigger")));
        Matcher queued = QUEUED.matcher(message);
        assertThat(queued.find()).as(message).isTrue();
        assertThat(queued.group(2)).isEqualTo(date.toString());
        return Long.parseLong(queued.group(1));
    }

    private String deadLetterStatus(long id) {
        for (JsonNode letter : api.get("/api/dead-letters?pipeline=daily_sales_etl&limit=1000").json()) {
            if (letter.get("id").asLong() == id) {
                return letter.get("status").asText();
            }
        }
        throw new AssertionError("no dead letter " + id);
    }

    /** With -Dpipelines.docs.update=true, the README's screenshots are replaced by this run's. */
    private static void copyToDocs(String... names) throws Exception {
        if (Boolean.getBoolean("pipelines.docs.update")) {
            for (String name : names) {
                Files.copy(Browser.SCREENSHOTS.resolve(name + ".png"), Path.of("docs", "console-" + name + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
