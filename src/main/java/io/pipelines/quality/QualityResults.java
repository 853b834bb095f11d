package io.pipelines.quality;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The outcome of every expectation checked by a run, in etl.quality_results. */
@Component
public class QualityResults {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public QualityResults(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Replaces the run's results with these (a task run again leaves only its last check). */
    public void save(long runId, String suite, List<ExpectationResult> results) {
        save(runId, suite, results, Map.of());
    }

    /** The same, with the failing rows the expectations of result format COMPLETE kept, by expectation index. */
    public void save(long runId, String suite, List<ExpectationResult> results, Map<Integer, List<UnexpectedRow>> rows) {
        jdbc.update("DELETE FROM etl.quality_unexpected_rows WHERE run_id = ?", runId);
        jdbc.update("DELETE FROM etl.quality_results WHERE run_id = ?", runId);
        jdbc.batchUpdate("INSERT INTO etl.quality_results (run_id, suite, expectation_index, expectation_type, kwargs, "
                        + "success, element_count, unexpected_count, unexpected_percent, partial_unexpected, observed_value, "
                        + "details, severity) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?)",
                results.stream().map(r -> new Object[] {runId, suite, r.index(), r.expectationType(), write(r.kwargs()),
                        r.success(), r.elementCount(), r.unexpectedCount(), r.unexpectedPercent(),
                        write(r.partialUnexpected()), write(r.observedValue()), r.details() == null ? null : write(r.details()),
                        r.severity()}).toList());
        List<Object[]> kept = new java.util.ArrayList<>();
        rows.forEach((index, list) -> list.forEach(row -> kept.add(new Object[] {runId, index, row.key(), row.value()})));
        jdbc.batchUpdate("INSERT INTO etl.quality_unexpected_rows (run_id, expectation_index, row_key, value) "
                + "VALUES (?, ?, ?::jsonb, ?)", kept);
    }

    /** The run's expectations that were not met, errors and warnings, in suite order. */
    public List<ExpectationResult> failed(long runId) {
        return jdbc.query("SELECT expectation_index, expectation_type, kwargs, success, element_count, unexpected_count, "
                        + "unexpected_percent, partial_unexpected, observed_value, details, severity FROM etl.quality_results "
                        + "WHERE run_id = ? AND NOT success ORDER BY expectation_index",
                (rs, n) -> new ExpectationResult(rs.getInt(1), rs.getString(2),
                        read(rs.getString(3), new TypeReference<Map<String, Object>>() { }), rs.getBoolean(4),
                        rs.getLong(5), rs.getLong(6), (Double) rs.getObject(7),
                        read(rs.getString(8), new TypeReference<List<String>>() { }),
                        read(rs.getString(9), new TypeReference<Object>() { }),
                        read(rs.getString(10), new TypeReference<Map<String, Object>>() { }), rs.getString(11)),
                runId);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        if (text == null) {
            return null; // observed_value of results recorded before it was kept
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable JSON in etl.quality_results: " + e.getOriginalMessage(), e);
        }
    }
}
