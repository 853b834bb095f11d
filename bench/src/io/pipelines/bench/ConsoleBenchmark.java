package io.pipelines.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import io.pipelines.support.Browser;

/**
 * B5: the console's grid of a pipeline with 10,000 runs (5 tasks each, written straight into the ledger): a page of
 * 25 runs, the newest and the oldest (the deepest OFFSET), answered by GET /api/pipelines/{name}/grid and drawn by
 * the console in a headless Chromium (from the navigation to the page drawn), against the database alone running
 * the same three queries over JDBC in the same run.
 */
public final class ConsoleBenchmark {

    private static final int RUNS = 10_000;
    private static final int PAGE = 25;
    private static final int TIMES = 30;

    public static void main(String[] args) {
        try {
            b5(new Report(Path.of(args[0])));
        } catch (Throwable e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    private static void b5(Report report) throws Exception {
        try (BenchService service = BenchService.start("target/bench-b5", "--pipelines.stream.enabled=false",
                "--pipelines.runs.deadline-check-interval=0")) {
            long pipelineRuns = write(service);
            int lastPage = (int) ((pipelineRuns + PAGE - 1) / PAGE);
            int port = Integer.parseInt(service.context.getEnvironment().getRequiredProperty("local.server.port"));
            String password = service.properties.getSecurity().getPassword();
            report.line("### B5 console grid: " + String.format("%,d", pipelineRuns) + " runs of daily_sales_etl, 5 tasks each, "
                    + "pages of " + PAGE);
            report.line("");
            report.line("| measure (median / p95 of " + TIMES + ", after 5 unmeasured) | page 1 (newest) | page " + lastPage
                    + " (oldest) |");
            report.line("| --- | --- | --- |");
            report.line("| the database alone: the grid's three queries over JDBC | " + database(service, 1) + " | "
                    + database(service, lastPage) + " |");
            report.line("| GET /api/pipelines/daily_sales_etl/grid (JSON, basic login) | " + api(port, password, 1) + " | "
                    + api(port, password, lastPage) + " |");
            try (Browser browser = new Browser(port)) {
                browser.signIn("bench", password);
                report.line("| the console in headless Chromium: from the hash set to the page drawn (the page's clock) | "
                        + browser(browser, 1) + " | " + browser(browser, lastPage) + " |");
            }
            report.line("");
        }
    }

    /** 10,000 runs with 5 tasks each, one per day back from 2026-01-01, a tenth of them failed at their 2nd task. */
    private static long write(BenchService service) throws Exception {
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, queued_at, started_at, "
                    + "finished_at, error) SELECT 'daily_sales_etl', date '2026-01-01' - i, CASE WHEN i % 10 = 0 THEN 'FAILED' "
                    + "ELSE 'SUCCEEDED' END, 'schedule', timestamp '2026-01-01' - i * interval '1 day', "
                    + "timestamp '2026-01-01' - i * interval '1 day', timestamp '2026-01-01' - i * interval '1 day' + interval '40 s', "
                    + "CASE WHEN i % 10 = 0 THEN 'task validate_data failed: bench' END FROM generate_series(1, " + RUNS + ") i");
            st.executeUpdate("INSERT INTO etl.task_runs (run_id, task, status, attempts, started_at, finished_at, rows_in, rows_out, "
                    + "duration_ms) SELECT r.run_id, t.task, CASE WHEN r.status = 'FAILED' AND t.n = 2 THEN 'FAILED' ELSE 'SUCCEEDED' END, "
                    + "1, r.started_at + t.n * interval '5 s', r.started_at + t.n * interval '5 s' + interval '4 s', 3000, 3000, 4000 "
                    + "FROM etl.pipeline_runs r CROSS JOIN (VALUES (1, 'extract_orders'), (2, 'validate_data'), "
                    + "(3, 'load_to_staging'), (4, 'transform_data'), (5, 'update_aggregates')) AS t (n, task) "
                    + "WHERE r.pipeline = 'daily_sales_etl' AND NOT (r.status = 'FAILED' AND t.n > 2)");
            st.execute("VACUUM ANALYZE etl.pipeline_runs");
            st.execute("VACUUM ANALYZE etl.task_runs");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String database(BenchService service, int page) throws Exception {
        try (Connection c = service.warehouse()) {
            return measure(() -> {
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = ? "
                        + "AND (?::text IS NULL OR status = ?)");
                     PreparedStatement runs = c.prepareStatement("SELECT run_id, logical_date, status, triggered_by, queued_at, "
                             + "started_at, finished_at, error FROM etl.pipeline_runs WHERE pipeline = ? AND (?::text IS NULL "
                             + "OR status = ?) ORDER BY run_id DESC LIMIT ? OFFSET ?");
                     PreparedStatement tasks = c.prepareStatement("SELECT run_id, task, status, attempts, duration_ms, started_at "
                             + "FROM etl.task_runs WHERE run_id = ANY (?) ORDER BY started_at")) {
                    count.setString(1, "daily_sales_etl");
                    count.setString(2, null);
                    count.setString(3, null);
                    count.executeQuery().close();
                    runs.setString(1, "daily_sales_etl");
                    runs.setString(2, null);
                    runs.setString(3, null);
                    runs.setInt(4, PAGE);
                    runs.setLong(5, (long) (page - 1) * PAGE);
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs = runs.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    tasks.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    try (ResultSet rs = tasks.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(2);
                        }
                    }
                }
            });
        }
    }

    private static String api(int port, String password, int page) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/pipelines/daily_sales_etl/grid?size=" + PAGE + "&page=" + page))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("bench:" + password)
                        .getBytes(StandardCharsets.UTF_8))).build();
        return measure(() -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("\"runs\"")) {
                throw new IllegalStateException("grid answered " + response.statusCode() + ": " + response.body());
            }
        });
    }

    /**
     * In the page: from the hash set to the grid's page drawn (its data come, its rows in the document), timed by the
     * page's own clock at each animation frame (about 16 ms apart), so that the driver's polling adds nothing.
     */
    private static String browser(Browser browser, int page) throws Exception {
        return measure(() -> {
            browser.go("#/lineage?bench", "lineage"); // away, so that the grid is drawn afresh
            Number ms = (Number) browser.asyncScript("const [hash, done] = arguments;"
                    + "const start = performance.now();"
                    + "const check = () => document.querySelector('#page-grid[data-loaded=true] #grid tr[data-run]')"
                    + "  ? done(performance.now() - start) : requestAnimationFrame(check);"
                    + "location.hash = hash;"
                    + "requestAnimationFrame(check);", "#/grid/daily_sales_etl?page=" + page);
            return Math.round(ms.doubleValue() * 1_000_000);
        });
    }

    interface Step {
        void run() throws Exception;
    }

    interface TimedStep {
        long run() throws Exception;
    }

    private static String measure(Step step) throws Exception {
        return measure(() -> {
            long start = System.nanoTime();
            step.run();
            return System.nanoTime() - start;
        });
    }

    private static String measure(TimedStep step) throws Exception {
        for (int i = 0; i < 5; i++) {
            step.run();
        }
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < TIMES; i++) {
            times.add(step.run());
        }
        Collections.sort(times);
        return String.format("%.1f ms / %.1f ms", times.get(TIMES / 2) / 1e6, times.get((int) Math.ceil(TIMES * 0.95) - 1) / 1e6);
    }
}
