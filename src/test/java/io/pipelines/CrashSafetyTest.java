package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pipelines.support.ServiceProcess;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.StreamFixture.Sent;
import io.pipelines.support.TableLock;
import io.pipelines.support.TestDates;

/**
 * The service as a process of its own, killed with SIGKILL at random moments of batch runs (at
 * least once in each of the pipeline's tasks, each of them confirmed still RUNNING after the kill)
 * and of the stream, ten times or more, and started again each time: in the end every date and
 * every event is in the warehouse and the lake exactly once, each run was taken over once for
 * each kill that left it unfinished, and no run is left QUEUED or RUNNING.
 *
 * <p>The random choices (moments, events) come from a seed, printed in the log and in every
 * failure message; {@code -Dpipelines.crash-seed=<seed>} replays them.
 */
class CrashSafetyTest extends ServiceProcessTest {

    private static final Logger log = LoggerFactory.getLogger(CrashSafetyTest.class);
    private static final int KILLS = 10;
    private static final int MIN_STREAM_KILLS = 2;
    private static final List<LocalDate> DATES = TestDates.CrashSafety.BACKFILL;
    private static final int ORDERS_PER_DATE = 30_000;
    private static final int EVENTS_PER_STREAM_KILL = 5_000;
    private static final Duration FINISH = Duration.ofMinutes(3);

    /**
     * A task to kill the service in: the extract with and without its single pass (validate and load in
     * its pass, or as tasks of their own), each of the others. Where a task is short, a lock of the test on
     * a table it writes holds it until the kill, so that the kill lands inside it; the process runs with the
     * given single-pass setting from the kill before (a restart with a changed setting).
     */
    private record Target(String task, boolean singlePass, String lockedTable) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("extract_orders", true, null),
            new Target("extract_orders", false, null),
            new Target("validate_data", false, "etl.quality_results"),
            new Target("load_to_staging", false, "staging.orders"),
            new Target("transform_data", true, "analytics.orders"),
            new Target("update_aggregates", true, "analytics.daily_sales"));

    /** Where a kill landed: a task of a run, or the stream. */
    private record InFlight(long runId, String task, int ms) {
    }

    @Test
    void killedTenTimesDuringBatchRunsAndTheStreamTheServiceLoadsEveryDateAndEventExactlyOnce() throws Throwable {
        long seed = Long.getLong("pipelines.crash-seed", System.nanoTime());
        log.info("Crash test seed {} (replay with -Dpipelines.crash-seed={})", seed, seed);
        try {
            killedAndRestarted(seed);
        } catch (Throwable e) {
            AssertionError withSeed = new AssertionError("Crash test seed " + seed + " (replay: ./mvnw verify "
                    + "-Dtest=CrashSafetyTest -Dpipelines.crash-seed=" + seed + "): " + e.getMessage(), e);
            withSeed.setStackTrace(e.getStackTrace());
            throw withSeed;
        }
    }

    private void killedAndRestarted(long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < DATES.size(); i++) {
            warehouse.addSourceOrders(DATES.get(i), 7_000_000_000L + i * 1_000_000L, ORDERS_PER_DATE);
        }
        // Only the killed service takes its runs over, and only it consumes the stream.
        testServiceTakesNoRunsOver();
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        List<ProducerRecord<byte[], byte[]>> planned = stream.plan("crash", EVENTS_PER_STREAM_KILL * (KILLS - 1),
                stream.freshHour(), seed);
        List<Sent> sent = new ArrayList<>();
        List<String> kills = new ArrayList<>();
        List<String> tasksKilledIn = new ArrayList<>();
        Map<Long, Integer> expectedRecoveries = new LinkedHashMap<>();

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
            service.set("DAILY_SALES_ETL_SINGLE_PASS=" + TARGETS.get(0).singlePass()).start();
            HttpResponse<String> backfill = service.post("/api/pipelines/daily_sales_etl/backfill",
                    "{\"from\":\"" + DATES.get(0) + "\",\"to\":\"" + DATES.get(DATES.size() - 1) + "\"}");
            assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);

            int streamed = 0;
            int target = 0;
            int streamKills = 0;
            for (int kill = 1; kill <= KILLS || streamKills < MIN_STREAM_KILLS; kill++) {
                String moment;
                String killed = service.ownerPattern();
                if (target < TARGETS.size()) {
                    Target t = TARGETS.get(target);
                    InFlight in;
                    try (TableLock held = t.lockedTable() == null ? null : warehouse.lockWarehouseTable(t.lockedTable())) {
                        in = awaitTaskInFlight(service, t.task(), random.nextInt(300));
                        service.kill();
                    }
                    String status = taskStatus(in.runId(), in.task());
                    if (status.equals("RUNNING")) {
                        target++;
                        tasksKilledIn.add(in.task() + (t.singlePass() ? " (single pass)" : ""));
                        moment = "during task " + in.task() + " of run " + in.runId() + ", " + in.ms() + " ms into it";
                    } else {
                        // It ended in the moment before the kill: the kill is counted, the task is tried for again.
                        moment = "just after task " + in.task() + " of run " + in.runId() + " (" + status + ")";
                    }
                } else {
                    int chunk = Math.min(EVENTS_PER_STREAM_KILL, planned.size() - streamed);
                    long loaded = stream.loadedCount("crash");
                    sent.addAll(stream.send(planned.subList(streamed, streamed + chunk)));
                    streamed += chunk;
                    moment = awaitStreamProgress(loaded, 50 + random.nextInt(3_000));
                    service.kill();
                    streamKills++;
                }
                // Each run left unfinished by the killed process is taken over once for this kill.
                for (long runId : jdbc.queryForList("SELECT run_id FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                        + "AND logical_date BETWEEN ? AND ? AND status IN ('QUEUED', 'RUNNING') AND owner LIKE ?", Long.class,
                        DATES.get(0), DATES.get(DATES.size() - 1), killed)) {
                    expectedRecoveries.merge(runId, 1, Integer::sum);
                }
                kills.add("kill " + kill + " " + moment);
                log.info("Crash test: kill {} {}", kill, moment);
                service.set("DAILY_SALES_ETL_SINGLE_PASS=" + (target < TARGETS.size() ? TARGETS.get(target).singlePass() : true))
                        .start();
            }
            sent.addAll(stream.send(planned.subList(streamed, planned.size())));
            await("batch runs finished").atMost(FINISH).until(() -> !batchUnfinished());
            stream.awaitAllCommitted(FINISH);
        }

        assertThat(tasksKilledIn).as("tasks killed in: %s", kills).containsExactlyElementsOf(TARGETS.stream()
                .map(t -> t.task() + (t.singlePass() ? " (single pass)" : "")).toList());
        assertThat(kills).as("kills in the middle of the stream").filteredOn(k -> k.contains("in the stream"))
                .hasSizeGreaterThanOrEqualTo(MIN_STREAM_KILLS);
        List<Map<String, Object>> runs = jdbc.queryForList("SELECT run_id, logical_date, status, recoveries, error "
                + "FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' AND logical_date BETWEEN ? AND ?",
                DATES.get(0), DATES.get(DATES.size() - 1));
        assertThat(runs).as("one run per date, finished: %s", kills).hasSize(DATES.size())
                .allSatisfy(r -> assertThat(r.get("status")).as("%s", r).isEqualTo("SUCCEEDED"));
        assertThat(runs).as("each run taken over once per kill that left it unfinished (%s)", expectedRecoveries)
                .allSatisfy(r -> assertThat(r.get("recoveries")).as("%s", r)
                        .isEqualTo(expectedRecoveries.getOrDefault((Long) r.get("run_id"), 0)));
        for (LocalDate date : DATES) {
            warehouse.assertLoadedExactlyOnce(date);
        }
        stream.assertExactly("crash", sent, before);
    }

    private boolean batchUnfinished() {
        return jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND logical_date BETWEEN ? AND ? AND status IN ('QUEUED', 'RUNNING')", Long.class,
                DATES.get(0), DATES.get(DATES.size() - 1)) > 0;
    }

    private String taskStatus(long runId, String task) {
        return jdbc.queryForList("SELECT status FROM etl.task_runs WHERE run_id = ? AND task = ?", String.class, runId, task)
                .stream().findFirst().orElse("none");
    }

    /** Waits until the live process has been running {@code task} of one of its runs for {@code ms}; fails if none does. */
    private InFlight awaitTaskInFlight(ServiceProcess service, String task, int ms) {
        List<Long> inFlight = new ArrayList<>();
        await("task " + task + " in flight for " + ms + " ms").atMost(FINISH).pollInterval(Duration.ofMillis(10)).until(() -> {
            inFlight.clear();
            inFlight.addAll(jdbc.queryForList("SELECT t.run_id FROM etl.task_runs t "
                    + "JOIN etl.pipeline_runs r USING (run_id) WHERE r.pipeline = 'daily_sales_etl' "
                    + "AND r.logical_date BETWEEN ? AND ? AND r.status = 'RUNNING' AND t.status = 'RUNNING' "
                    + "AND r.owner LIKE ? AND t.task = ? AND t.started_at <= now() - ? * interval '1 millisecond' "
                    + "ORDER BY t.run_id", Long.class, DATES.get(0), DATES.get(DATES.size() - 1), service.ownerPattern(), task, ms));
            if (inFlight.isEmpty() && !batchUnfinished()) {
                throw new AssertionError("the batch runs finished before a kill in task " + task);
            }
            return !inFlight.isEmpty();
        });
        return new InFlight(inFlight.get(0), task, ms);
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
