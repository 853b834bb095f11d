package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

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

/**
 * Runs left by an instance whose lease is gone are taken over by the test's own service (its
 * route run-recovery sweeps every second here); one orphaned too often is failed with the reason;
 * a load cannot commit for a run that another instance owns.
 */
class RunRecoveryTest extends PipelinesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RunLedger ledger;
    @Autowired
    RunFence fence;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aRunOfAnInstanceWithoutALeaseIsTakenOverAndResumedFromTheTaskItWasIn() {
        LocalDate date = LocalDate.now(ZoneOffset.UTC).minusDays(28);
        long runId = orphan(date, 0);
        jdbc.update("INSERT INTO etl.task_runs (run_id, task, status, started_at, finished_at) VALUES "
                + "(?, 'extract_orders', 'RUNNING', now(), NULL)", runId);

        RunRecord run = awaitFinished(runId);

        assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.recoveries()).isEqualTo(1);
        assertThat(run.owner()).as("now the test service's").doesNotStartWith("dead-instance");
        assertThat(run.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.SUCCEEDED));
        assertThat(warehouse.staging(date)).isEqualTo(warehouse.analytics(date));
        assertThat(api.get("/actuator/prometheus").body())
                .contains("pipeline_runs_taken_over_total{application=\"pipelines\",outcome=\"resumed\",pipeline=\"daily_sales_etl\"}");
    }

    @Test
    void aRunOrphanedMoreOftenThanAllowedIsFailedWithTheReasonNotResumed() {
        LocalDate date = LocalDate.now(ZoneOffset.UTC).minusDays(29);
        long runId = orphan(date, 3);

        RunRecord run = awaitFinished(runId);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("Orphaned 4 times").contains("dead-instance").contains("resume it by hand");
        assertThat(run.tasks()).as("nothing was run again").isEmpty();
    }

    @Test
    void aLoadCannotCommitForARunThatAnotherInstanceOwns() {
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES ('fence_test', current_date, 'RUNNING', 'test', 'other-instance:1:abc') RETURNING run_id", Long.class);

        assertThatThrownBy(() -> tx.executeWithoutResult(s -> fence.hold(runId)))
                .isInstanceOf(RunTakenOverException.class).hasMessageContaining("other-instance:1:abc");
    }

    /** A run queued by an instance that holds no lease (it died), already taken over {@code recoveries} times. */
    private long orphan(LocalDate date, int recoveries) {
        return jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner, "
                + "recoveries) VALUES ('daily_sales_etl', ?, 'RUNNING', 'test', 'dead-instance:1:x', ?) RETURNING run_id",
                Long.class, date, recoveries);
    }

    private RunRecord awaitFinished(long runId) {
        return await().atMost(WAIT).until(() -> ledger.find(runId).orElseThrow(),
                r -> r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.FAILED);
    }
}
