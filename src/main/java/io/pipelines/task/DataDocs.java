package io.pipelines.task;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.lake.Lake;
import io.pipelines.quality.DataDocsPage;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.quality.SuiteRun;

/**
 * Writes a validation's report ({@link DataDocsPage}) into the lake next to the run's manifest, as
 * {@code _quality.html}, and records it in etl.data_docs. A report that cannot be written is logged
 * and left: the check's outcome stands without it.
 */
@Component
public class DataDocs {

    /** The report's name in the run's folder. */
    public static final String FILE = "_quality.html";
    private static final Logger log = LoggerFactory.getLogger(DataDocs.class);

    private final Lake lake;
    private final JdbcTemplate jdbc;

    public DataDocs(Lake lake, JdbcTemplate jdbc) {
        this.lake = lake;
        this.jdbc = jdbc;
    }

    /** The report of {@code check} over the run's rows, held back into {@code quarantine} (null: none). */
    void write(String pipeline, long runId, LocalDate date, String task, String runFolder, String suite, SuiteRun check,
               List<ExpectationResult> results, String quarantine) {
        String key = runFolder + FILE;
        try {
            String html = DataDocsPage.render(new DataDocsPage.Run(pipeline, runId, date, task, suite, check.rows(),
                    check.rowsBrokenOnTheirOwn(), quarantine, Instant.now()), results);
            lake.put(key, html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
            jdbc.update("INSERT INTO etl.data_docs (run_id, pipeline, suite, lake_key, success) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (run_id) DO UPDATE SET suite = EXCLUDED.suite, lake_key = EXCLUDED.lake_key, "
                    + "success = EXCLUDED.success, written_at = now()", runId, pipeline, suite, key,
                    results.stream().noneMatch(ExpectationResult::blocking));
        } catch (RuntimeException e) {
            log.warn("{} run {}: the quality report {} could not be written ({}); the check's results stand in "
                    + "etl.quality_results", pipeline, runId, lake.uri(key), e.toString());
        }
    }
}
