package io.pipelines.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.quality.Expectation;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.quality.ExpectationType;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.QualitySuiteException;
import io.pipelines.quality.SuiteRun;
import io.pipelines.support.PipelinesIntegrationTest;

/**
 * unexpected_rows_expectation against the warehouse: Great Expectations' own cases (its
 * tests/test_definitions/query_expectations/unexpected_rows_expectation.json, GE 1.2.0: the data c1..c4,
 * "SELECT * FROM {batch} WHERE c1 > 7" and "> 6"), and a query that would write, refused and rolled back.
 */
class BatchTableTest extends PipelinesIntegrationTest {

    private static final Schema SCHEMA = SchemaBuilder.record("ge").fields().optionalLong("c1").optionalString("c2")
            .optionalString("c3").optionalDouble("c4").endRecord();

    @Autowired
    DataSource warehouse;
    @Autowired
    JdbcTemplate jdbc;
    @TempDir
    Path spool;

    @Test
    void greatExpectationsCasesGiveTheirOutcomeAndObservedValue() throws Exception {
        ExpectationResult none = check("SELECT * FROM {batch} WHERE c1 > 7");
        ExpectationResult one = check("SELECT * FROM {batch} WHERE c1 > 6");

        assertThat(none.success()).isTrue();
        assertThat(none.observedValue()).isEqualTo("0 unexpected rows");
        assertThat(one.success()).isFalse();
        assertThat(one.observedValue()).isEqualTo("1 unexpected row");
        assertThat(one.unexpectedCount()).isEqualTo(1);
        assertThat(one.partialUnexpected()).containsExactly("{\"c1\":7,\"c2\":\"d\",\"c3\":null,\"c4\":1.2}");
    }

    @Test
    void aQueryThatWouldWriteIsRefusedAndChangesNothingAndTheTableGoesWithTheCheck() throws Exception {
        long before = jdbc.queryForObject("SELECT count(*) FROM etl.instances", Long.class);
        long sequence = jdbc.queryForObject("SELECT last_value FROM etl.pipeline_runs_run_id_seq", Long.class);

        assertThatThrownBy(() -> check("SELECT * FROM {batch} WHERE nextval('etl.pipeline_runs_run_id_seq') > 0"))
                .isInstanceOf(QualitySuiteException.class).hasMessageContaining("read-only transaction");
        assertThatThrownBy(() -> check("WITH gone AS (DELETE FROM etl.instances RETURNING 1) SELECT * FROM {batch}"))
                .as("a write the warehouse does not even take there").isInstanceOf(QualitySuiteException.class);
        assertThatThrownBy(() -> check("SELECT * FROM {batch} WHERE c9 > 1"))
                .isInstanceOf(QualitySuiteException.class).hasMessageContaining("c9");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.instances", Long.class)).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT last_value FROM etl.pipeline_runs_run_id_seq", Long.class))
                .as("the sequence is not moved").isEqualTo(sequence);
    }

    private ExpectationResult check(String query) throws Exception {
        QualitySuite suite = new QualitySuite("s.json", "s", List.of(new Expectation(0, 2,
                ExpectationType.UNEXPECTED_ROWS_EXPECTATION, Map.of("unexpected_rows_query", query), Expectation.ERROR)));
        try (SuiteRun run = new SuiteRun(suite, SCHEMA, spool); Connection c = warehouse.getConnection();
             BatchTable batch = new BatchTable(c, SCHEMA)) {
            run.queryRowsWith(batch);
            Object[][] data = {{4L, "a", null, 4.0}, {5L, "b", null, 3.0}, {6L, "c", null, 3.5}, {7L, "d", null, 1.2}};
            for (Object[] values : data) {
                GenericData.Record r = new GenericData.Record(SCHEMA);
                for (int i = 0; i < values.length; i++) {
                    r.put(i, values[i]);
                }
                run.accept(r);
                batch.row(r);
            }
            ExpectationResult result = run.results().get(0);
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT to_regclass('pg_temp.batch') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the rows in a temporary table while the check runs").isTrue();
            }
            return result;
        }
    }
}
