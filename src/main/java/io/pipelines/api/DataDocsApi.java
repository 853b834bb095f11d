package io.pipelines.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.lake.Lake;
import io.pipelines.quality.DataDocsPage;
import io.pipelines.run.PipelineCatalog;

/**
 * The validation reports (Data Docs) over HTTP, behind the login (routes/rest-api.camel.yaml):
 * GET /api/pipelines/{name}/data-docs, an index of a pipeline's reports, newest first; GET
 * /api/runs/{runId}/data-docs, one report, read from the lake where its check wrote it.
 */
@Component("dataDocsApi")
public class DataDocsApi {

    private static final int LISTED = 500;

    private final JdbcTemplate jdbc;
    private final Lake lake;
    private final PipelineCatalog catalog;

    public DataDocsApi(JdbcTemplate jdbc, Lake lake, PipelineCatalog catalog) {
        this.jdbc = jdbc;
        this.lake = lake;
        this.catalog = catalog;
    }

    public String index(String name) {
        if (name == null || !catalog.exists(name)) {
            throw ApiProblem.notFound("No pipeline named '" + name + "'");
        }
        List<Map<String, Object>> reports = jdbc.queryForList("SELECT d.run_id, r.logical_date, d.suite, d.success, "
                + "d.written_at FROM etl.data_docs d JOIN etl.pipeline_runs r ON r.run_id = d.run_id "
                + "WHERE d.pipeline = ? ORDER BY d.run_id DESC LIMIT ?", name, LISTED);
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(DataDocsPage.esc(name)).append(" · quality reports</title><style>body{font:14px system-ui,sans-serif;margin:24px}")
                .append("td,th{padding:4px 10px;text-align:left}.ok{color:#176c2e}.fail{color:#b3261e}</style></head><body><h1>")
                .append(DataDocsPage.esc(name)).append(": quality reports</h1>");
        if (reports.isEmpty()) {
            h.append("<p>No report yet: a report is written each time a check step of this pipeline checks a run.</p>");
        } else {
            h.append("<table><tr><th>Run</th><th>Logical date</th><th>Suite</th><th>Result</th><th>Written</th></tr>");
            for (Map<String, Object> r : reports) {
                boolean ok = Boolean.TRUE.equals(r.get("success"));
                h.append("<tr><td><a href=\"/api/runs/").append(r.get("run_id")).append("/data-docs\">").append(r.get("run_id"))
                        .append("</a></td><td>").append(r.get("logical_date")).append("</td><td>").append(DataDocsPage.esc(String.valueOf(r.get("suite"))))
                        .append("</td><td class=\"").append(ok ? "ok" : "fail").append("\">").append(ok ? "passed" : "failed")
                        .append("</td><td>").append(r.get("written_at")).append("</td></tr>");
            }
            h.append("</table>");
        }
        return h.append("</body></html>").toString();
    }

    public String report(String runId) {
        long id = ControlApi.runNumber(runId);
        List<String> keys = jdbc.queryForList("SELECT lake_key FROM etl.data_docs WHERE run_id = ?", String.class, id);
        if (keys.isEmpty()) {
            throw ApiProblem.notFound("Run " + id + " has no quality report: its pipeline checks no suite, or no check "
                    + "step of it has checked this run yet");
        }
        if (!lake.exists(keys.get(0))) {
            throw ApiProblem.notFound("The quality report of run " + id + " (" + lake.uri(keys.get(0)) + ") is gone with "
                    + "the run's lake objects: a later run of its date replaced them");
        }
        return new String(lake.read(keys.get(0)), StandardCharsets.UTF_8);
    }
}
