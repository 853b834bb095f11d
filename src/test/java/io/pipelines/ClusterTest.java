package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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

import io.pipelines.cluster.InstanceLease;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.support.ServiceProcessTest;
import io.pipelines.support.ServiceProcess;
import io.pipelines.support.StreamFixture.Sent;

/**
 * Two instances of the service, as processes of their own, against the same warehouse, lake and
 * Kafka: a schedule fires once per scheduled time across both; a run on an instance killed with
 * SIGKILL is taken over by the other and finished once; the stream's partitions are split
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

    @Test
    void aScheduleFiresOnceForEachScheduledTimeAcrossTwoInstances() throws Exception {
        // A run of the date every fire would queue is in progress (held by this test's service):
        // each fire is then recorded as skipped and runs nothing, which keeps the date free for other tests.
        LocalDate date = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long blocker = jdbc.queryForObject("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, owner) "
                + "VALUES ('daily_sales_etl', ?, 'QUEUED', 'test', ?) RETURNING run_id", Long.class, date, lease.id());
        Instant from = Instant.now();
        // A Quartz cluster of their own: its trigger is made afresh, not changed from the daily cron of another test
        // (two instances starting at once with a changed cron both reschedule it, and its first slot may fire twice:
        // etl.schedule_fires then keeps the second from queueing anything, which the test would count as a duplicate).
        List<String> every2s = List.of("spring.quartz.scheduler-name=pipelines-schedule-test",
                "DAILY_SALES_ETL_CRON=*/2 * * * * ?", "pipelines.stream.enabled=false");
        try (ServiceProcess a = new ServiceProcess("schedule-a", environment, every2s);
             ServiceProcess b = new ServiceProcess("schedule-b", environment, every2s)) {
            a.launch();
            b.launch();
            a.awaitUp();
            b.awaitUp();
            Instant bothUp = Instant.now();
            await("ten fires after both instances are up").atMost(WAIT).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM etl.schedule_fires WHERE pipeline = 'daily_sales_etl' AND scheduled_at > ?",
                    Long.class, java.sql.Timestamp.from(bothUp)) >= 10);

            List<Map<String, Object>> fires = jdbc.queryForList("SELECT scheduled_at, instance_id, outcome, run_id "
                    + "FROM etl.schedule_fires WHERE pipeline = 'daily_sales_etl' AND scheduled_at > ? ORDER BY scheduled_at",
                    java.sql.Timestamp.from(bothUp));
            List<Instant> times = fires.stream().map(f -> ((java.sql.Timestamp) f.get("scheduled_at")).toInstant()).toList();
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("no fire missed: %s", times)
                        .isEqualTo(Duration.ofSeconds(2));
            }
            assertThat(fires).allSatisfy(f -> {
                assertThat(f.get("outcome")).isEqualTo("skipped");
                assertThat(f.get("run_id")).isEqualTo(blocker);
            });
            assertThat(fires).extracting(f -> ((String) f.get("instance_id")).replaceAll(":.*", ""))
                    .as("fired by the two instances").isSubsetOf("schedule-a", "schedule-b");
            assertThat(fireCount(a, "duplicate") + fireCount(b, "duplicate")).as("fires of a time handled already").isZero();
            assertThat(fireCount(a, "skipped") + fireCount(b, "skipped")).as("each fire counted once")
                    .isGreaterThanOrEqualTo(fires.size());
        } finally {
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = 'test blocker' "
                    + "WHERE run_id = ?", blocker);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs WHERE pipeline = 'daily_sales_etl' "
                + "AND triggered_by = 'schedule' AND queued_at > ?", Long.class, java.sql.Timestamp.from(from)))
                .as("runs queued by the fires").isZero();
    }

    @Test
    void aRunOfAnInstanceKilledWithSigkillIsTakenOverByTheOtherAndFinishedOnce() throws Exception {
        List<LocalDate> dates = List.of(LocalDate.parse("2024-03-01"), LocalDate.parse("2024-03-02"));
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

            await("both runs finished").atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM etl.pipeline_runs "
                    + "WHERE logical_date IN (?, ?) AND status IN ('QUEUED', 'RUNNING')", Long.class, dates.get(0), dates.get(1)) == 0);
            List<Map<String, Object>> runs = jdbc.queryForList("SELECT run_id, status, owner, recoveries FROM etl.pipeline_runs "
                    + "WHERE pipeline = 'daily_sales_etl' AND logical_date IN (?, ?)", dates.get(0), dates.get(1));
            assertThat(runs).hasSize(2).allSatisfy(r -> {
                assertThat(r.get("status")).as("%s", r).isEqualTo("SUCCEEDED");
                assertThat((String) r.get("owner")).as("finished by the survivor").startsWith("takeover-b:");
            });
            assertThat(runs).as("taken over once").anySatisfy(r -> assertThat(r.get("recoveries")).isEqualTo(1));
            HttpResponse<String> report = b.get("/api/runs/" + runs.get(0).get("run_id"));
            assertThat(report.body()).as("the run report names the owner and the take-overs")
                    .contains("\"owner\":\"takeover-b:").containsPattern("\"recoveries\":[01]");
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
            String group = properties.getStream().getGroupId();
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
        stream.assertExactly("pair", stream.expected(sent, before));
    }

    private static double fireCount(ServiceProcess service, String outcome) throws Exception {
        HttpResponse<String> metrics = service.get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines()
                .filter(l -> l.startsWith("pipeline_schedule_fires_total{") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
