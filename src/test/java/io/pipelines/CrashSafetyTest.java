package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.StreamFixture.Sent;

/**
 * The service as a process of its own, killed with SIGKILL at random moments of batch runs and of
 * the stream, ten times, and started again each time: in the end every date and every event is in
 * the warehouse and the lake exactly once, and no run is left QUEUED or RUNNING.
 */
class CrashSafetyTest extends ServiceProcessTest {

    private static final Logger log = LoggerFactory.getLogger(CrashSafetyTest.class);
    private static final int KILLS = 10;
    private static final int BATCH_KILLS = 5;
    private static final List<LocalDate> DATES = LocalDate.parse("2024-02-01").datesUntil(LocalDate.parse("2024-02-05")).toList();
    private static final int ORDERS_PER_DATE = 30_000;
    /** The tasks a kill waits for; extract_orders, whose pass also validates and loads, twice as often. */
    private static final List<String> TASKS = List.of("extract_orders", "transform_data", "extract_orders",
            "update_aggregates");
    private static final int EVENTS_PER_STREAM_KILL = 5_000;
    private static final Duration FINISH = Duration.ofMinutes(3);


    @Test
    void killedTenTimesDuringBatchRunsAndTheStreamTheServiceLoadsEveryDateAndEventExactlyOnce() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        log.info("Crash test seed {}", seed);
        for (int i = 0; i < DATES.size(); i++) {
            warehouse.addSourceOrders(DATES.get(i), 7_000_000_000L + i * 1_000_000L, ORDERS_PER_DATE);
        }
        // Only the killed service takes its runs over, and only it consumes the stream.
        testServiceTakesNoRunsOver();
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        // Enough for every kill but the first (always in a batch task) to be a stream kill, should the batch end early.
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("crash", EVENTS_PER_STREAM_KILL * (KILLS - 1),
                stream.freshHour(), seed);
        List<Sent> sent = new ArrayList<>();
        List<String> kills = new ArrayList<>();

        try (ServiceProcess service = new ServiceProcess("crash", environment, List.of(
                "spring.quartz.scheduler-name=pipelines-crash-test",
                "pipelines.cluster.max-recoveries=100",
                "pipelines.stream.batch-size=400",
                "pipelines.stream.batch-interval=300ms",
                "pipelines.stream.retry-initial-delay=100ms",
                "pipelines.stream.retry-max-delay=1s",
                // A killed consumer leaves the group after 6 s, and its open Kafka transaction is aborted after 10 s
                // (Kafka's defaults, 45 s and 60 s, would only make the test slow).
                "pipelines.stream.kafka.session.timeout.ms=6000",
                "pipelines.stream.kafka.heartbeat.interval.ms=1000",
                "pipelines.stream.kafka.transaction.timeout.ms=10000"))) {
            service.start();
            HttpResponse<String> backfill = service.post("/api/pipelines/daily_sales_etl/backfill",
                    "{\"from\":\"" + DATES.get(0) + "\",\"to\":\"" + DATES.get(DATES.size() - 1) + "\"}");
            assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);

            int streamed = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                String moment = null;
                if (kill <= BATCH_KILLS) {
                    moment = awaitTaskInFlight(service, TASKS.get((kill - 1) % TASKS.size()), random.nextInt(300));
                }
                if (moment == null) { // the batch runs are done: this kill is the stream's
                    int chunk = Math.min(EVENTS_PER_STREAM_KILL, planned.size() - streamed);
                    long loaded = stream.loadedCount("crash");
                    sent.addAll(stream.send(planned.subList(streamed, streamed + chunk)));
                    streamed += chunk;
                    moment = awaitStreamProgress(loaded, 50 + random.nextInt(3_000));
                }
                service.kill();
                kills.add("kill " + kill + " " + moment);
                log.info("Crash test: kill {} {}", kill, moment);
                service.start();
            }
            sent.addAll(stream.send(planned.subList(streamed, planned.size())));
            await("batch runs finished").atMost(FINISH).until(() -> !batchUnfinished());
            stream.awaitAllCommitted(FINISH);
        }

        assertThat(kills).as("kills").hasSize(KILLS);
        assertThat(kills).as("kills in the middle of batch tasks").filteredOn(k -> k.contains("during task")).isNotEmpty();
        assertThat(kills).as("kills in the middle of the stream").filteredOn(k -> k.contains("stream")).isNotEmpty();
        List<Map<String, Object>> runs = jdbc.queryForList("SELECT logical_date, status, recoveries, error FROM etl.pipeline_runs "
                + "WHERE pipeline = 'daily_sales_etl' AND logical_date BETWEEN ? AND ?", DATES.get(0), DATES.get(DATES.size() - 1));
        assertThat(runs).as("one run per date, finished: %s", kills).hasSize(DATES.size())
                .allSatisfy(r -> assertThat(r.get("status")).as("%s", r).isEqualTo("SUCCEEDED"));
        assertThat(runs.stream().mapToInt(r -> (Integer) r.get("recoveries")).sum())
                .as("runs taken over after a kill").isPositive();
        for (LocalDate date : DATES) {
            warehouse.assertLoadedExactlyOnce(date);
        }
        stream.assertExactly("crash", stream.expected(sent, before));
    }

    private boolean batchUnfinished() {
        return jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date BETWEEN ? AND ? AND status IN ('QUEUED', 'RUNNING')", Long.class,
                DATES.get(0), DATES.get(DATES.size() - 1)) > 0;
    }

    /**
     * Waits until the live process has been running {@code task} for {@code ms} (or, when no run
     * reaches that task within 20 s, any task), and says which task of which run it was; null when
     * the batch runs are all done.
     */
    private String awaitTaskInFlight(ServiceProcess service, String task, int ms) {
        long start = System.nanoTime();
        List<String> inFlight = new ArrayList<>();
        await("a task in flight for " + ms + " ms").atMost(FINISH).pollInterval(Duration.ofMillis(10)).until(() -> {
            boolean anyTask = System.nanoTime() - start > Duration.ofSeconds(20).toNanos();
            inFlight.clear();
            inFlight.addAll(jdbc.queryForList("SELECT t.task || ' of run ' || t.run_id FROM etl.task_runs t "
                    + "JOIN etl.pipeline_runs r USING (run_id) WHERE r.pipeline = 'daily_sales_etl' "
                    + "AND r.logical_date BETWEEN ? AND ? AND r.status = 'RUNNING' AND t.status = 'RUNNING' "
                    + "AND r.owner LIKE ? AND (t.task = ? OR ?) AND t.started_at <= now() - ? * interval '1 millisecond'",
                    String.class, DATES.get(0), DATES.get(DATES.size() - 1), service.ownerPattern(), task, anyTask, ms));
            return !inFlight.isEmpty() || !batchUnfinished();
        });
        return inFlight.isEmpty() ? null : "during task " + inFlight + ", " + ms + " ms into it";
    }

    /** Waits until {@code events} more events of the test are loaded than {@code loaded}; says how many were. */
    private String awaitStreamProgress(long loaded, int events) {
        long[] now = new long[1];
        await("stream progress of " + events + " events").atMost(FINISH).pollInterval(Duration.ofMillis(20)).until(() -> {
            now[0] = stream.loadedCount("crash");
            return now[0] >= loaded + events;
        });
        return "in the stream, " + (now[0] - loaded) + " events into a chunk of " + EVENTS_PER_STREAM_KILL;
    }
}
