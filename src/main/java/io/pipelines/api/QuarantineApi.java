package io.pipelines.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.UnknownPipelineException;
import io.pipelines.task.Quarantines;

/**
 * GET /api/runs/{runId}/quarantine (routes/rest-api.camel.yaml): the rows a run's check held back
 * from its load, in the order the extract read them, with the expectations each broke.
 */
@Component("quarantineApi")
public class QuarantineApi {

    private final RunLedger ledger;
    private final PipelineCatalog catalog;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public QuarantineApi(RunLedger ledger, PipelineCatalog catalog, JdbcTemplate jdbc, ObjectMapper json) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.json = json;
    }

    public Map<String, Object> list(String runId, String limit) {
        long id = ControlApi.runNumber(runId);
        int rows = ListParameters.limit(limit);
        RunRecord run = ledger.find(id).orElseThrow(() -> ApiProblem.notFound("No run with id " + id));
        String table;
        try {
            table = Quarantines.tableOf(catalog.batch(run.pipeline())).orElseThrow(() -> ApiProblem.notFound("Pipeline "
                    + run.pipeline() + " holds no rows back: none of its check steps says quarantine: true"));
        } catch (UnknownPipelineException e) {
            throw ApiProblem.notFound("Pipeline " + run.pipeline() + " of run " + id + " is no longer defined");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", id);
        answer.put("pipeline", run.pipeline());
        answer.put("logicalDate", run.logicalDate());
        answer.put("table", table);
        boolean made = Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table));
        String quoted = SqlIdentifiers.qualified(table, "quarantine table");
        answer.put("count", made ? jdbc.queryForObject("SELECT count(*) FROM " + quoted + " WHERE run_id = ?", Long.class, id) : 0L);
        List<Map<String, Object>> held = !made ? List.of() : jdbc.query("SELECT row_number, record::text, failed_expectations, "
                + "quarantined_at FROM " + quoted + " WHERE run_id = ? ORDER BY row_number LIMIT ?", (rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("rowNumber", rs.getLong(1));
                    row.put("record", read(rs.getString(2)));
                    row.put("failedExpectations", List.of((String[]) rs.getArray(3).getArray()));
                    row.put("quarantinedAt", rs.getTimestamp(4).toInstant());
                    return row;
                }, id, rows);
        answer.put("rows", held);
        return answer;
    }

    private Object read(String record) {
        try {
            return json.readTree(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable record in a quarantine table: " + e.getOriginalMessage(), e);
        }
    }
}
