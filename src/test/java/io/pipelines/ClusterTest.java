package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.StreamFixture.Sent;
import io.pipelines.support.TableLock;
import io.pipelines.support.TestDates;

/**
 * Two instances of the service, as processes of their own, against the same warehouse, lake and
 * Kafka: a schedule fires once per scheduled time across both, a suspended one on neither, and a
 * fire missed while both were down happens once when they are back; a run on an instance killed
 * with SIGKILL is taken over by the other and finished once, and the runs still queued on an
 * instance stopped with SIGTERM are handed over at once; the stream's partitions are split
 * between them.
 */
class ClusterTest extends ServiceProcessTest {

    private static final Duration WAIT = Duration.ofMinutes(2);
    /** Both processes are one Quartz cluster, apart from the test's own service. */
    private static final String SCHEDULER = "spring.quartz.scheduler-name=pipelines-cluster-test";

    @Autowired
    InstanceLease lease;
    @Autowired
    PipelinesProperties properties;
    @Autowired
    ObjectMapper json;

    @Test
    void aScheduleFiresOnceForEachScheduledTimeAcrossTwoInstancesAndNotAtAllWhileSuspended() throws Exception {
        // Runs of the dates the fires would queue are in progress (held by this test's service): each fire is then
        // recorded as skipped and runs nothing. Today's too, for a test that runs across midnight UTC.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<LocalDate, Long> blockers = Map.of(today.minusDays(1), blocker(today.minusDays(1)), today, blocker(today));
        Instant from = Instant.now();
        // A Quartz cluster of their own: its trigger is made afresh, not changed from the daily cron of another test
        // (two instances starting at once with a changed cron both reschedule it, and its first slot may fire twice:
        // etl.schedule_fires then keeps the second from queueing anything, which the test would count as a duplicate).
        List<String> every2s = List.of("spring.quartz.scheduler-name=pipelines-schedule-test",
                "pipelines.cluster.fire-schedules=true", "DAILY_SALES_ETL_CRON=*/2 * * * * ?", "pipelines.stream.enabled=false");
        try (ServiceProcess a = new ServiceProcess("schedule-a", environment, every2s);
             ServiceProcess b = new ServiceProcess("schedule-b", environment, every2s)) {
            a.launch();
            b.launch();
            a.awaitUp();
            b.awaitUp();
            Instant bothUp = Instant.now();
            await("ten fires after both instances are up").atMost(WAIT).until(() -> fires(bothUp).size() >= 10);

            // Suspended (JMX, here through Jolokia on one instance): no instance fires it.
            exec(a, "suspend");
            await("the trigger paused in the shared job store").atMost(WAIT).until(() -> jdbc.queryForObject(
                    "SELECT trigger_state FROM etl.qrtz_triggers WHERE sched_name = 'pipelines-schedule-test' "
                            + "AND trigger_name = 'daily_sales_etl'", String.class), "PAUSED"::equals);
            Instant suspended = Instant.now();
            int before = fires(from).size();
            await("no fire for three slots while suspended").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> fires(from).size() == before);
            assertThat(fires(suspended)).as("fires after the suspension").isEmpty();

            List<Map<String, Object>> fires = fires(bothUp);
            List<Instant> times = fires.stream().map(f -> ((Timestamp) f.get("scheduled_at")).toInstant()).toList();
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("no fire missed: %s", times)
                        .isEqualTo(Duration.ofSeconds(2));
            }
            assertThat(fires).allSatisfy(f -> {
                assertThat(f.get("outcome")).isEqualTo("skipped");
                assertThat(f.get("run_id")).isEqualTo(blockers.get(LocalDate.parse(f.get("logical_date").toString())));
            });
            assertThat(fires).extracting(f -> ((String) f.get("instance_id")).replaceAll(":.*", ""))
                    .as("fired by the two instances").isSubsetOf("schedule-a", "schedule-b");
            // Every fire of the two, since each started, counted once by the instance that handled it.
            assertThat(fireCount(a, "skipped") + fireCount(b, "skipped")).as("fires counted")
                    .isEqualTo(fires(from).size());
            assertThat(fireCount(a, "duplicate") + fireCount(b, "duplicate")).as("fires of a time handled already").isZero();

            // Resumed (on the other instance): it fires again.
            exec(b, "resume");
            Instant resumed = Instant.now();
            await("fires again once resumed").atMost(Duration.ofSeconds(30)).until(() -> fires(resumed).size() >= 2);
        } finally {
            for (long blocker : blockers.values()) {
                jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'test blocker' "
                        + "WHERE run_id = ?", blocker);
            }
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND triggered_by = 'schedule' AND queued_at > ?", Long.class, Timestamp.from(from)))
                .as("runs queued by the fires").isZero();
    }

    @Test
    void aFireMissedWhileEveryInstanceWasDownHappensOnceWhenTheyAreBack() throws Exception {
        // One slot only (Quartz's year field), some way ahead: both instances are down when it comes. Far
        // enough for two instances to start on a busy machine (45 s once in CI; a slot passed before the
        // schedule is made would never fire).
        ZonedDateTime slot = Instant.now().plusSeconds(75).truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
        String cron = slot.getSecond() + " " + slot.getMinute() + " " + slot.getHour() + " " + slot.getDayOfMonth() + " "
                + slot.getMonthValue() + " ? " + slot.getYear();
        LocalDate date = slot.toLocalDate().minusDays(1);
        long blocker = blocker(date);
        List<String> settings = List.of("spring.quartz.scheduler-name=pipelines-misfire-test",
                "pipelines.cluster.fire-schedules=true", "DAILY_SALES_ETL_CRON=" + cron, "pipelines.stream.enabled=false",
                // A fire late by more than a second is a misfire (60 s in production).
                "spring.quartz.properties.org.quartz.jobStore.misfireThreshold=1000");
        try (ServiceProcess a = new ServiceProcess("misfire-a", environment, settings);
             ServiceProcess b = new ServiceProcess("misfire-b", environment, settings)) {
            a.launch();
            b.launch();
            await("the trigger stored").atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM etl.qrtz_triggers "
                    + "WHERE sched_name = 'pipelines-misfire-test' AND trigger_name = 'daily_sales_etl'", Long.class) == 1);
            a.kill();
            b.kill();
            assertThat(Instant.now()).as("both instances down before the slot").isBefore(slot.toInstant());
            await("the slot missed").atMost(WAIT).until(() -> Instant.now().isAfter(slot.toInstant().plusSeconds(2)));
            assertThat(fires(slot.toInstant().minusSeconds(1))).as("fires while every instance was down").isEmpty();

            a.launch();
            b.launch();
            a.awaitUp();
            b.awaitUp();
            await("the missed fire replayed").atMost(WAIT).until(() -> fires(slot.toInstant().minusSeconds(1)).size() == 1);
            await("and only once").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> fires(slot.toInstant().minusSeconds(1)).size() == 1);
            Map<String, Object> fire = fires(slot.toInstant().minusSeconds(1)).get(0);
            assertThat(((Timestamp) fire.get("scheduled_at")).toInstant()).as("it stands for the slot missed")
                    .isEqualTo(slot.toInstant());
            assertThat(((Timestamp) fire.get("fired_at")).toInstant()).as("fired once an instance was back")
                    .isAfter(slot.toInstant().plusSeconds(2));
            assertThat(fire.get("logical_date").toString()).isEqualTo(date.toString());
            assertThat(fire.get("outcome")).isEqualTo("skipped");
            assertThat(fire.get("run_id")).isEqualTo(blocker);
            assertThat(fireCount(a, "skipped") + fireCount(b, "skipped")).isEqualTo(1.0);
            assertThat(fireCount(a, "duplicate") + fireCount(b, "duplicate")).as("Quartz replayed it once").isZero();
        } finally {
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'test blocker' "
                    + "WHERE run_id = ?", blocker);
        }
    }

    @Test
    void aRunOfAnInstanceKilledWithSigkillIsTakenOverByTheOtherAndFinishedOnce() throws Exception {
        List<LocalDate> dates = TestDates.Cluster.TAKEN_OVER;
        for (int i = 0; i < dates.size(); i++) {
            warehouse.addSourceOrders(dates.get(i), 8_000_000_000L + i * 1_000_000L, 60_000);
        }
        testServiceTakesNoRunsOver(); // the surviving instance takes the runs over
        List<String> settings = List.of(SCHEDULER, "pipelines.stream.enabled=false");
        try (ServiceProcess a = new ServiceProcess("takeover-a", environment, settings);
             ServiceProcess b = new ServiceProcess("takeover-b", environment, settings)) {
            a.launch();
            b.launch();
            a.awaitUp();
            b.awaitUp();
            HttpResponse<String> backfill = a.post("/api/pipelines/daily_sales_etl/backfill",
                    "{\"from\":\"" + dates.get(0) + "\",\"to\":\"" + dates.get(1) + "\"}");
            assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
            // extract_orders validates and loads into staging in the same pass: kill it while its COPY is in flight
            // (instance a runs both runs; b has none to run).
            await("a load in flight on instance a").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                    jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                            + "AND query LIKE 'COPY \"staging\".\"orders\"%'", Long.class) > 0
                    && jdbc.queryForObject("SELECT count(*) FROM etl.task_runs t JOIN etl.pipeline_runs r USING (run_id) "
                            + "WHERE r.logical_date IN (?, ?) AND r.owner LIKE ? AND t.status = 'RUNNING' "
                            + "AND t.task = 'extract_orders'", Long.class,
                            dates.get(0), dates.get(1), a.ownerPattern()) > 0);

            a.kill();
            // What a left unfinished (its records cannot change before b takes them over, a lease later).
            List<Long> orphaned = jdbc.queryForList("SELECT run_id FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                    + "AND logical_date IN (?, ?) AND status IN ('QUEUED', 'RUNNING')", Long.class, dates.get(0), dates.get(1));
            assertThat(orphaned).as("runs the kill interrupted").isNotEmpty();

            await("both runs finished").atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs "
                    + "WHERE logical_date IN (?, ?) AND status IN ('QUEUED', 'RUNNING')", Long.class, dates.get(0), dates.get(1)) == 0);
            List<Map<String, Object>> runs = jdbc.queryForList("SELECT run_id, status, owner, recoveries FROM etl.pipeline_runs "
                    + "WHERE pipeline = 'daily_sales_etl' AND logical_date IN (?, ?)", dates.get(0), dates.get(1));
            assertThat(runs).hasSize(2).allSatisfy(r -> {
                assertThat(r.get("status")).as("%s", r).isEqualTo("SUCCEEDED");
                boolean takenOver = orphaned.contains((Long) r.get("run_id"));
                assertThat(r.get("recoveries")).as("take-overs of %s", r).isEqualTo(takenOver ? 1 : 0);
                assertThat((String) r.get("owner")).as("finished by %s", r)
                        .startsWith(takenOver ? "takeover-b:" : "takeover-a:");
            });
            JsonNode report = json.readTree(b.get("/api/runs/" + orphaned.get(0)).body());
            assertThat(report.get("owner").asText()).as("the run report names the owner").startsWith("takeover-b:");
            assertThat(report.get("recoveries").asInt()).as("and the take-overs").isEqualTo(1);
            // Its log lines are the warehouse's: the instance that took it over logged its end there.
            await("the take-over's log lines").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json.readTree(
                    b.get("/api/runs/" + orphaned.get(0) + "/logs?limit=1000").body()).get("lines")).anySatisfy(line -> {
                        assertThat(line.get("instance").asText()).startsWith("takeover-b:");
                        assertThat(line.get("message").asText()).contains(": SUCCEEDED in");
                    }));
            assertThat(fireCount(b, "resumed", "pipeline_runs_taken_over_total")).isEqualTo(orphaned.size());
        }
        for (LocalDate date : dates) {
            warehouse.assertLoadedExactlyOnce(date);
        }
    }

    @Test
    void theRunsQueuedOnAnInstanceStoppedWithSigtermAreHandedOverAtOnce() throws Exception {
        List<LocalDate> dates = TestDates.Cluster.HANDED_OVER_ON_SIGTERM;
        for (int i = 0; i < dates.size(); i++) {
            warehouse.addSourceOrders(dates.get(i), 8_100_000_000L + i * 1_000_000L, 60_000);
        }
        testServiceTakesNoRunsOver(); // b takes them
        // A lease of 20 s: a take-over after the lease expired would come 20 s after the stop, not at once.
        List<String> settings = List.of(SCHEDULER, "pipelines.stream.enabled=false", "pipelines.cluster.lease=20s");
        try (ServiceProcess a = new ServiceProcess("sigterm-a", environment, settings).set("pipelines.runs.concurrency=1");
             ServiceProcess b = new ServiceProcess("sigterm-b", environment, settings)) {
            b.launch();
            Instant bLaunched = Instant.now();
            a.launch();
            a.awaitUp();
            b.awaitUp();
            List<Long> ids = new ArrayList<>();
            try (TableLock held = warehouse.lockWarehouseTable("analytics.orders")) {
                HttpResponse<String> backfill = a.post("/api/pipelines/daily_sales_etl/backfill",
                        "{\"from\":\"" + dates.get(0) + "\",\"to\":\"" + dates.get(dates.size() - 1) + "\"}");
                assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
                json.readTree(backfill.body()).get("runIds").forEach(id -> ids.add(id.asLong()));
                // a's one consumer holds its first run in transform_data (the lock), the others wait in its queue;
                // b judges others dead only once its own lease has been steady for a whole lease period.
                await("b steady, and a's first run in flight").atMost(WAIT).until(() ->
                        Instant.now().isAfter(bLaunched.plusSeconds(25)) && "RUNNING".equals(taskStatus(ids.get(0), "transform_data")));
                assertThat(ids.subList(1, ids.size())).allSatisfy(id -> assertThat(run(id).get("status")).isEqualTo("QUEUED"));

                a.terminate();
                await("a stopping").atMost(WAIT).until(() -> Files.readString(a.log()).contains("is shutting down"));
            } // the run in flight goes on, and a stops once it has finished
            a.awaitExit();
            Instant stopped = Instant.now();

            await("every run finished").atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs "
                    + "WHERE run_id = ANY (?) AND status IN ('QUEUED', 'RUNNING')", Long.class, (Object) ids.toArray(Long[]::new)) == 0);
            Map<String, Object> first = run(ids.get(0));
            assertThat(first.get("status")).isEqualTo("SUCCEEDED");
            assertThat((String) first.get("owner")).as("the run in flight finished by the instance stopping").startsWith("sigterm-a:");
            assertThat(first.get("recoveries")).isEqualTo(0);
            assertThat(((Timestamp) first.get("finished_at")).toInstant()).isBefore(stopped);
            for (long id : ids.subList(1, ids.size())) {
                Map<String, Object> queued = run(id);
                assertThat(queued.get("status")).as("%s", queued).isEqualTo("SUCCEEDED");
                assertThat((String) queued.get("owner")).as("run %s handed over", id).startsWith("sigterm-b:");
                assertThat(queued.get("recoveries")).isEqualTo(1);
            }
            Instant firstTakenOver = ids.subList(1, ids.size()).stream().map(id -> jdbc.queryForObject(
                    "SELECT min(started_at) FROM etl.task_runs WHERE run_id = ?", Timestamp.class, id).toInstant())
                    .min(Instant::compareTo).orElseThrow();
            assertThat(Duration.between(stopped, firstTakenOver)).as("handed over at once, not a lease (20 s) later")
                    .isLessThan(Duration.ofSeconds(8));
        }
        for (LocalDate date : dates) {
            warehouse.assertLoadedExactlyOnce(date);
        }
    }

    @Test
    void theStreamsPartitionsAreSplitBetweenTwoInstancesAndEveryEventIsLoadedOnce() throws Exception {
        consumers.stop();
        Map<Integer, Instant> before = stream.watermarks();
        List<String> settings = List.of(SCHEDULER, "pipelines.stream.batch-size=300", "pipelines.stream.batch-interval=300ms");
        List<Sent> sent = new ArrayList<>();
        try (ServiceProcess a = new ServiceProcess("stream-a", environment, settings);
             ServiceProcess b = new ServiceProcess("stream-b", environment, settings);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     properties.getStream().getBootstrapServers()))) {
            a.launch();
            b.launch();
            a.awaitUp();
            b.awaitUp();
            String group = orders.source().group();
            List<Set<Integer>> split = new ArrayList<>();
            await("the group's partitions split between the two").atMost(WAIT).until(() -> {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                split.clear();
                for (MemberDescription m : d.members()) {
                    split.add(m.assignment().topicPartitions().stream().map(TopicPartition::partition)
                            .collect(Collectors.toCollection(TreeSet::new)));
                }
                return split.size() == 2 && split.stream().noneMatch(Set::isEmpty);
            });
            Set<Integer> all = new TreeSet<>();
            split.forEach(all::addAll);
            assertThat(all).as("every partition assigned: %s", split).containsExactly(0, 1, 2);

            sent.addAll(stream.send(stream.plan("pair", 3_000, stream.freshHour(), 7)));
            stream.awaitAllCommitted(WAIT);
        }
        stream.assertExactly("pair", sent, before);
    }

    /** A run of the date in progress, held by this test's service (alive): a fire for that date skips. */
    private long blocker(LocalDate date) {
        return blockers.hold(jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES ('daily_sales_etl', ?, 'QUEUED', 'test', ?) RETURNING run_id", Long.class, date, lease.id()));
    }

    /** The test's blockers end (a run left QUEUED would hold its date, and backfills wait behind it). */
    @org.junit.jupiter.api.AfterEach
    void releaseBlockers() {
        jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'a blocker of ClusterTest' "
                + "WHERE run_id = ANY (?) AND status = 'QUEUED'", (Object) blockers.toArray(Long[]::new));
        blockers.clear();
    }

    /** The fires of daily_sales_etl's schedule for slots after {@code after}, in slot order. */
    private List<Map<String, Object>> fires(Instant after) {
        return jdbc.queryForList("SELECT scheduled_at, fired_at, instance_id, logical_date, outcome, run_id "
                + "FROM etl.schedule_fires WHERE pipeline = 'daily_sales_etl' AND scheduled_at > ? ORDER BY scheduled_at",
                Timestamp.from(after));
    }

    /** Records the blockers a test made, and answers each one's run id. */
    private final Blockers blockers = new Blockers();

    private static final class Blockers extends java.util.ArrayList<Long> {
        long hold(long runId) {
            super.add(runId);
            return runId;
        }
    }

    private Map<String, Object> run(long runId) {
        return jdbc.queryForMap("SELECT status, owner, recoveries, finished_at FROM etl.pipeline_runs WHERE run_id = ?", runId);
    }

    private String taskStatus(long runId, String task) {
        return jdbc.queryForList("SELECT status FROM etl.task_runs WHERE run_id = ? AND task = ?", String.class, runId, task)
                .stream().findFirst().orElse("none");
    }

    /** An operation of the pipeline's MBean on one instance, through its Jolokia endpoint. */
    private void exec(ServiceProcess service, String operation) throws Exception {
        HttpResponse<String> answer = service.post("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":"
                + "\"io.pipelines:type=Pipeline,name=\\\"daily_sales_etl\\\"\",\"operation\":\"" + operation + "()\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).get("status").asInt()).as(answer.body()).isEqualTo(200);
    }

    private static double fireCount(ServiceProcess service, String outcome) throws Exception {
        return fireCount(service, outcome, "pipeline_schedule_fires_total");
    }

    /** A counter of the instance tagged with this outcome, summed over its series. */
    private static double fireCount(ServiceProcess service, String outcome, String metric) throws Exception {
        HttpResponse<String> metrics = service.get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return io.pipelines.support.TestApi.metricIn(metrics.body(), metric, "outcome", outcome);
    }
}
