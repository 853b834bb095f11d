package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.run.RunRecord;
import io.pipelines.support.PipelinesIntegrationTest;

/** What the source tests share: starting a run over the REST API and reaching the source databases. */
abstract class SourceTestSupport extends PipelinesIntegrationTest {

    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected PipelinesProperties properties;

    /** The logical date of this class's source runs (a label: a source reads by watermark), from TestDates. */
    protected abstract LocalDate logicalDate();

    /** Runs the pipeline (POST /api/pipelines/{name}/runs) for {@link #logicalDate()} and waits until the run has finished. */
    protected RunRecord run(String pipeline) {
        return api.awaitFinished(queue(pipeline, logicalDate()));
    }

    /** Queues a run of the pipeline for a date; returns its id. */
    protected long queue(String pipeline, LocalDate date) {
        var response = api.post("/api/pipelines/" + pipeline + "/runs", "{\"logicalDate\":\"" + date + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("runId").asLong();
    }

    /** Executes statements on a source database (a writable connection of its own). */
    protected void source(String connection, String... statements) throws SQLException {
        PipelinesProperties.Connection c = properties.getConnections().get(connection);
        try (Connection db = DriverManager.getConnection(c.getUrl(), c.getUsername(), c.getPassword());
             Statement st = db.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    protected long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }

    protected static RunRecord.Task task(RunRecord run, String name) {
        return run.tasks().stream().filter(t -> t.task().equals(name)).findFirst().orElseThrow();
    }
}
