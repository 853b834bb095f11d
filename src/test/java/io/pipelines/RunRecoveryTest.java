package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.cluster.RunFence;
import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestDates;

/**
 * Runs left by an instance whose lease is gone are taken over by the test's own service (its
 * route run-recovery sweeps every second here) and resumed from the task they were in, the tasks
 * they finished kept as they were; one orphaned too often is failed with the reason; a load
 * cannot commit for a run that another instance owns.
 */
class RunRecoveryTest extends PipelinesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEAD = "dead-instance:1:x";
    private static final List<String> TASKS =
            List.of("extract_orders", "validate_data", "load_to_staging", "transform_data", "update_aggregates");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RunLedger ledger;
    @Autowired
    RunFence fence;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aRunOfAnInstanceWithoutALeaseIsTakenOverAndResumedFromTheTaskItWasIn() throws Exception {
        LocalDate date = TestDates.RunRecovery.ORPHANED_IN_EXTRACT;
        double resumedBefore = takenOver("resumed");
        long runId = orphan(date, 0);
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at, finished_at) VALUES "
                + "(?, 'extract_orders', 'RUNNING', now(), NULL)", runId);

        RunRecord run = awaitFinished(runId);

        assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.recoveries()).isEqualTo(1);
        assertThat(run.owner()).as("now the test service's").doesNotStartWith("dead-instance");
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        assertThat(run.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.SUCCEEDED));
        assertThat(run.tasks().get(0).attempts()).as("the interrupted extract, then the one that finished").isEqualTo(2);
        warehouse.assertLoadedExactlyOnce(date);
        assertThat(takenOver("resumed") - resumedBefore).as("take-overs counted").isEqualTo(1.0);
    }

    @Test
    void aRunStoppedInTransformDataResumesThereAndKeepsTheTasksItHadFinished() throws Exception {
        LocalDate date = TestDates.RunRecovery.ORPHANED_IN_TRANSFORM;
        // A run whose instance died in transform_data: its first three tasks done and loaded, the transform's
        // transaction lost with the instance (nothing of it in analytics), update_aggregates not begun.
        RunRecord finished = api.awaitFinished(api.post("/api/pipelines/daily_sales_etl/runs",
                "{\"logicalDate\":\"" + date + "\"}").json().get("runId").asLong());
        assertThat(finished.status()).as(finished.error()).isEqualTo(RunStatus.SUCCEEDED);
        long runId = finished.runId();
        jdbc.update("DELETE FROM analytics.daily_sales WHERE sale_date = ?", date);
        jdbc.update("DELETE FROM analytics.orders WHERE order_date = ?", date);
        jdbc.update("DELETE FROM etl.task_runs WHERE run_id = ? AND task = 'update_aggregates'", runId);
        jdbc.update("UPDATE etl.task_runs SET status = 'RUNNING', finished_at = NULL, rows_out = NULL, duration_ms = NULL "
                + "WHERE run_id = ? AND task = 'transform_data'", runId);
        RunRecord stopped = ledger.find(runId).orElseThrow();
        jdbc.update("UPDATE etl.pipeline_runs SET status = 'RUNNING', finished_at = NULL, owner = ? WHERE run_id = ?",
                DEAD, runId);

        RunRecord run = awaitFinished(runId);

        assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.recoveries()).isEqualTo(1);
        assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactlyElementsOf(TASKS);
        for (int i = 0; i < 3; i++) {
            RunRecord.Task before = stopped.tasks().get(i);
            assertThat(run.tasks().get(i)).as("%s is not done again", before.task()).isEqualTo(before);
        }
        RunRecord.Task transform = run.tasks().get(3);
        assertThat(transform.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(transform.attempts()).as("the interrupted transform, then the one that finished").isEqualTo(2);
        assertThat(transform.startedAt()).as("done again").isAfter(stopped.tasks().get(3).startedAt());
        assertThat(transform.rowsOut()).isEqualTo(warehouse.source(date).rows());
        assertThat(run.tasks().get(4).attempts()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT DISTINCT run_id FROM staging.orders WHERE logical_date = ?", Long.class, date))
                .as("the staging rows its extract loaded, not loaded again").containsExactly(runId);
        warehouse.assertLoadedExactlyOnce(date);
    }

    @Test
    void aRunOrphanedMoreOftenThanAllowedIsFailedWithTheReasonNotResumed() {
        LocalDate date = TestDates.RunRecovery.ORPHANED_TOO_OFTEN;
        double failedBefore = takenOver("failed");
        long runId = orphan(date, 3);

        RunRecord run = awaitFinished(runId);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).isEqualTo("Orphaned 4 times (the service stopped under it each time, last instance "
                + DEAD + "); not resumed again: resume it by hand once the cause is known");
        assertThat(run.tasks()).as("nothing was run again").isEmpty();
        assertThat(takenOver("failed") - failedBefore).isEqualTo(1.0);
        assertThat(warehouse.staging(date).rows()).isZero();
    }

    @Test
    void aLoadCannotCommitForARunThatAnotherInstanceOwns() {
        String other = warehouse.liveOtherInstance();
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES ('daily_sales_etl', ?, 'RUNNING', 'test', ?) RETURNING run_id", Long.class,
                TestDates.RunRecovery.FENCED, other);
        try {
            assertThatThrownBy(() -> tx.executeWithoutResult(s -> fence.hold(runId)))
                    .isInstanceOf(RunTakenOverException.class).hasMessageContaining(other);
        } finally {
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now() WHERE run_id = ?", runId);
        }
    }

    /** A run queued by an instance that holds no lease (it died), already taken over {@code recoveries} times. */
    private long orphan(LocalDate date, int recoveries) {
        return jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner, "
                + "recoveries) VALUES ('daily_sales_etl', ?, 'RUNNING', 'test', ?, ?) RETURNING run_id",
                Long.class, date, DEAD, recoveries);
    }

    private double takenOver(String outcome) {
        return api.metric("pipeline_runs_taken_over_total", "pipeline", "daily_sales_etl", "outcome", outcome);
    }

    private RunRecord awaitFinished(long runId) {
        return await().atMost(WAIT).until(() -> ledger.find(runId).orElseThrow(),
                r -> r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.FAILED);
    }
}
