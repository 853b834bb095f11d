package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.schedule.Backfills;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;
import io.pipelines.support.TestDates;

/**
 * Backfills with a limit of runs at once: their dates run oldest first, never more at once than the limit, behind
 * any other run of the pipeline that waits; cancelled, they queue nothing more. The feeds the test needs are
 * called directly (Backfills.feedAll), as the feeder's interval would.
 */
class BackfillLimitsTest extends PipelinesIntegrationTest {

    @Autowired
    private TestApi api;

    @Autowired
    private Backfills backfills;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private InstanceLease lease;

    @Test
    void aBackfillWithALimitOfOneRunsItsDatesOneAfterTheOtherOldestFirst() {
        List<LocalDate> days = TestDates.BackfillLimits.ONE_AT_A_TIME;
        JsonNode answer = api.post("/api/pipelines/daily_sales_etl/backfill", "{\"from\":\"" + days.get(0) + "\",\"to\":\""
                + days.get(3) + "\",\"maxActive\":1}").json();
        long id = answer.get("backfillId").asLong();
        assertThat(answer.get("runIds")).as("the first date at once").hasSize(1);

        await("backfill " + id + " done").atMost(Duration.ofSeconds(90)).until(() -> backfill(id).get("status").asText(),
                "DONE"::equals);
        List<Map<String, Object>> runs = jdbc.queryForList("SELECT logical_date, status, queued_at, finished_at "
                + "FROM etl.pipeline_runs WHERE triggered_by = ? ORDER BY run_id", "backfill " + id);
        assertThat(runs).extracting(r -> ((java.sql.Date) r.get("logical_date")).toLocalDate()).containsExactlyElementsOf(days);
        assertThat(runs).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("SUCCEEDED"));
        for (int i = 1; i < runs.size(); i++) {
            assertThat((Timestamp) runs.get(i).get("queued_at")).as("run %d queued once run %d was over", i, i - 1)
                    .isAfterOrEqualTo((Timestamp) runs.get(i - 1).get("finished_at"));
        }
        assertThat(backfill(id).get("dates").get("QUEUED").asInt()).isEqualTo(4);
    }

    @Test
    void aBackfillWaitsBehindAnotherWaitingRunAndCancelledQueuesNoMore() {
        List<LocalDate> days = TestDates.BackfillLimits.YIELDED_THEN_CANCELLED;
        long waiting = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES ('daily_sales_etl', ?, 'QUEUED', 'schedule', ?) RETURNING run_id", Long.class,
                TestDates.BackfillLimits.WAITING, lease.id());
        long id;
        try {
            JsonNode answer = api.post("/api/pipelines/daily_sales_etl/backfill", "{\"from\":\"" + days.get(0) + "\",\"to\":\""
                    + days.get(2) + "\",\"maxActive\":2}").json();
            id = answer.get("backfillId").asLong();
            assertThat(answer.get("runIds")).as("a scheduled run waits: it goes first").isEmpty();
            backfills.feedAll();
            assertThat(backfill(id).get("dates").get("PENDING").asInt()).isEqualTo(3);
        } finally {
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'written by "
                    + "BackfillLimitsTest' WHERE run_id = ?", waiting);
        }
        backfills.feedAll();
        JsonNode fed = backfill(id);
        assertThat(fed.get("runIds")).as("two at once, the oldest").hasSize(2);
        assertThat(fed.get("dates").get("PENDING").asInt()).isEqualTo(1);

        assertThat(api.postAs(TestApi.VIEWER, "/api/backfills/" + id + "/cancel", "").status()).isEqualTo(403);
        TestApi.Response cancelled = api.postAs(TestApi.OPERATOR, "/api/backfills/" + id + "/cancel", "");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.json().get("dates").get("CANCELLED").asInt()).isEqualTo(1);
        for (JsonNode runId : fed.get("runIds")) {
            api.awaitFinished(runId.asLong());
        }
        backfills.feedAll();
        assertThat(backfill(id).get("runIds")).as("nothing queued once cancelled").hasSize(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date = ?", Long.class, days.get(2))).isZero();
        assertThat(api.postAs(TestApi.OPERATOR, "/api/backfills/" + id + "/cancel", "").status()).as("again: no harm")
                .isEqualTo(200);
        assertThat(api.postAs(TestApi.OPERATOR, "/api/backfills/999999/cancel", "").status()).isEqualTo(404);
        TestApi.Response bad = api.post("/api/pipelines/daily_sales_etl/backfill", "{\"from\":\"" + days.get(0)
                + "\",\"to\":\"" + days.get(2) + "\",\"maxActive\":-1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("maxActive must be a whole number from 0");
    }

    private JsonNode backfill(long id) {
        for (JsonNode b : api.get("/api/backfills?pipeline=daily_sales_etl&limit=1000").json()) {
            if (b.get("id").asLong() == id) {
                return b;
            }
        }
        throw new AssertionError("no backfill " + id);
    }
}
