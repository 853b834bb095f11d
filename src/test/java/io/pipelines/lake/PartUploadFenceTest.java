package io.pipelines.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.cluster.RunFence;
import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.run.RunLedger;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestDates;

/**
 * An instance whose run was taken over while it extracts uploads no further part into the run's
 * lake folder (which the new owner is writing): each part's upload is preceded by the ownership
 * check. Against the lake and the warehouse.
 */
class PartUploadFenceTest extends PipelinesIntegrationTest {

    private static final Schema SCHEMA = SchemaBuilder.record("rows").fields()
            .name("id").type(Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG))).withDefault(null)
            .endRecord();

    @Autowired
    Lake lake;
    @Autowired
    RunFence fence;
    @Autowired
    RunLedger ledger;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void noPartIsUploadedOnceTheRunBelongsToAnotherInstance() throws Exception {
        long runId = ledger.enqueue("daily_sales_etl", List.of(TestDates.PartUploadFence.TAKEN_OVER), "test").get(0);
        String folder = "raw/test/fence/run=" + runId + "/";
        try (ParquetPartWriter writer = new ParquetPartWriter(lake, Path.of("target", "test-spool"), folder, SCHEMA,
                Map.of(), 10, () -> fence.check(runId))) {
            for (long i = 0; i < 25; i++) {
                if (i == 20) {
                    // Two parts uploaded; the run is taken over while the third one fills.
                    // Taken by an instance that is alive: the test's own service does not take it back.
                    jdbc.update("UPDATE etl.pipeline_runs SET owner = ? WHERE run_id = ?", warehouse.liveOtherInstance(), runId);
                }
                GenericData.Record r = new GenericData.Record(SCHEMA);
                r.put("id", i);
                writer.write(r);
            }
            assertThatThrownBy(writer::finish).isInstanceOf(RunTakenOverException.class);
        }
        assertThat(lake.list(folder)).containsExactly(folder + "part-00000.parquet", folder + "part-00001.parquet");
        jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED' WHERE run_id = ?", runId);
    }
}
