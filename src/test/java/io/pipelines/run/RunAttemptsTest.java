package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.support.PipelinesIntegrationTest;

/**
 * A run resumed while its failed attempt is still closing (its dead letter recorded, its exchange not
 * yet done: OutageTest met it): the late end of the first attempt leaves the resumed one's record alone.
 */
class RunAttemptsTest extends PipelinesIntegrationTest {

    @Autowired
    RunLedger ledger;
    @Autowired
    InstanceLease lease;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theEndOfAnEarlierAttemptDoesNotOverwriteTheRunResumedSince() {
        long runId = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES (?, ?, 'QUEUED', 'test', ?) RETURNING run_id", Long.class,
                "t_attempts_" + UUID.randomUUID().toString().substring(0, 8), LocalDate.parse("2026-01-01"), lease.id());
        Timestamp first = ledger.markRunning(runId);
        assertThat(ledger.finish(runId, RunStatus.FAILED, "the warehouse was unreachable")).isTrue(); // as a drained dead letter
        ledger.requeue(runId, false);
        Timestamp second = ledger.markRunning(runId);

        assertThat(second).isAfter(first);
        assertThat(ledger.finish(runId, RunStatus.FAILED, "the first attempt's exchange, done at last", first)).isFalse();
        assertThat(ledger.find(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(ledger.finish(runId, RunStatus.SUCCEEDED, null, second)).isTrue();
        assertThat(ledger.find(runId).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    }
}
