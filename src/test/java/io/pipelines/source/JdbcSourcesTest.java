package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.TableLock;
import io.pipelines.support.TestDates;
import io.pipelines.schema.SourceRejectedException;

/**
 * Sources of pipelines.sources read from real databases (the embedded PostgreSQL and MariaDB):
 * a first full load, then only the changed rows; rows sharing a cursor value across a run boundary
 * neither skipped nor loaded twice; re-running harmless; lineage recorded and served.
 */
class JdbcSourcesTest extends SourceTestSupport {

    @Override
    protected java.time.LocalDate logicalDate() {
        return io.pipelines.support.TestDates.Sources.JDBC;
    }

    @Test
    void rowsSharingTheLargestCursorValueAreNeitherSkippedNorLoadedTwiceAcrossRunBoundaries() throws Exception {
        source("sales", "CREATE TABLE public.t_ties (id bigint PRIMARY KEY, note text, updated_at timestamp NOT NULL)",
                "INSERT INTO public.t_ties VALUES (1, 'a', '2026-01-01 10:00'), (2, 'b', '2026-01-01 10:00'), "
                        + "(3, 'c', '2026-01-01 11:00'), (4, 'd', '2026-01-01 11:00'), (5, 'e', '2026-01-01 11:00'), "
                        + "(6, 'f', '2026-01-01 11:00'), (7, 'g', '2026-01-01 11:00')");

        // max-rows-per-run is 3: the runs end among the five rows that share 11:00.
        List<Long> loaded = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RunRecord run = run("t_ties");
            assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.tasks()).extracting(RunRecord.Task::task).containsExactly("extract", "load");
            loaded.add(task(run, "load").rowsOut());
        }
        assertThat(loaded).containsExactly(3L, 3L, 1L);
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_ties ORDER BY id", Long.class))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(jdbc.queryForObject("SELECT cursor_value || ' ' || key_values::text FROM etl.watermarks WHERE source = 't_ties'",
                String.class)).isEqualTo("2026-01-01T11:00 [\"7\"]");

        // A row written late with the same largest cursor value, and a row changed since: exactly those two.
        source("sales", "INSERT INTO public.t_ties VALUES (8, 'h', '2026-01-01 11:00')",
                "UPDATE public.t_ties SET note = 'b2', updated_at = '2026-01-01 12:00' WHERE id = 2");
        RunRecord fourth = run("t_ties");
        assertThat(fourth.status()).as("run error: %s", fourth.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(fourth, "extract").rowsOut()).isEqualTo(2);
        assertThat(task(fourth, "load").rowsOut()).isEqualTo(2);
        assertThat(count("staging.t_ties")).isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT note FROM staging.t_ties WHERE id = 2", String.class)).isEqualTo("b2");

        // Running again with nothing new changes nothing.
        RunRecord again = run("t_ties");
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(again, "load").rowsOut()).isZero();
        assertThat(count("staging.t_ties")).isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT cursor_value || ' ' || key_values::text FROM etl.watermarks WHERE source = 't_ties'",
                String.class)).isEqualTo("2026-01-01T12:00 [\"2\"]");

        // Lineage: one entry per load, newest first, with the watermark range, bound, lake keys and counts.
        var response = api.get("/api/lineage?table=staging.t_ties");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode entries = response.json();
        assertThat(entries).hasSize(5);
        assertThat(entries.findValuesAsText("rowsLoaded")).containsExactly("0", "2", "1", "3", "3");
        JsonNode second = entries.get(3);
        assertThat(second.get("source").asText()).isEqualTo("t_ties");
        assertThat(second.get("origin").asText()).isEqualTo("sales:public.t_ties");
        assertThat(second.get("watermarkFrom").get("cursor").asText()).isEqualTo("2026-01-01T11:00");
        assertThat(second.get("watermarkFrom").get("key").toString()).isEqualTo("[\"3\"]");
        assertThat(second.get("watermarkTo").get("cursor").asText()).isEqualTo("2026-01-01T11:00");
        assertThat(second.get("watermarkTo").get("key").toString()).isEqualTo("[\"6\"]");
        assertThat(second.get("bound").asText()).isEqualTo("2026-01-01T11:00");
        assertThat(second.get("rowsRead").asLong()).isEqualTo(3);
        assertThat(second.get("rowsLanded").asLong()).isEqualTo(3);
        assertThat(second.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(second.get("lakeKeys").get(0).asText()).startsWith("raw/sources/t_ties/dt=").endsWith("part-00000.parquet");
        assertThat(entries.get(4).get("watermarkFrom").isNull()).isTrue();
    }

    @Autowired
    private SourceLoad sourceLoad;
    @Autowired
    private io.pipelines.run.RunLedger ledger;

    @Test
    void theLoadTaskRunAgainAfterItCommittedLoadsNothingMoreAndSucceeds() throws Exception {
        source("sales", "CREATE TABLE public.t_reload (id bigint PRIMARY KEY, note text, updated_at timestamp NOT NULL)",
                "INSERT INTO public.t_reload VALUES (1, 'a', '2026-04-01 10:00'), (2, 'b', '2026-04-01 11:00'), "
                        + "(3, 'c', '2026-04-01 12:00')");
        RunRecord run = run("t_reload");
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        String mark = "SELECT cursor_value || ' ' || key_values::text || ' ' || run_id FROM etl.watermarks WHERE source = 't_reload'";
        String markAfterLoad = jdbc.queryForObject(mark, String.class);
        assertThat(markAfterLoad).isEqualTo("2026-04-01T12:00 [\"3\"] " + run.runId());
        var loadedAt = jdbc.queryForList("SELECT id || ' ' || _loaded_at FROM staging.t_reload ORDER BY id", String.class);

        // The same run's load task again (its commit's answer lost and retried, or the run taken over and resumed
        // from the load): the mark is at the increment's end, moved by this run, so it is done, not rejected.
        var again = sourceLoad.run("t_reload", run.runId(), run.logicalDate(), "load");
        assertThat(again.rowsIn()).isEqualTo(3);
        assertThat(again.rowsOut()).isEqualTo(3);
        assertThat(jdbc.queryForObject(mark, String.class)).isEqualTo(markAfterLoad);
        assertThat(jdbc.queryForList("SELECT id || ' ' || _loaded_at FROM staging.t_reload ORDER BY id", String.class))
                .as("no row upserted a second time").isEqualTo(loadedAt);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.lineage WHERE source = 't_reload'", Long.class)).isEqualTo(1);

        // A run with nothing new leaves the mark where it was: run again, its load is found done by its lineage.
        RunRecord empty = run("t_reload");
        assertThat(empty.status()).as("run error: %s", empty.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(sourceLoad.run("t_reload", empty.runId(), empty.logicalDate(), "load").rowsOut()).isZero();
        assertThat(jdbc.queryForObject(mark, String.class)).isEqualTo(markAfterLoad);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.lineage WHERE source = 't_reload'", Long.class)).isEqualTo(2);

        // A run from another mark is still refused: the check against loads of other runs stays.
        source("sales", "INSERT INTO public.t_reload VALUES (4, 'd', '2026-04-01 13:00')");
        RunRecord next = run("t_reload");
        assertThat(task(next, "load").rowsOut()).isEqualTo(1);
        var stale = org.assertj.core.api.Assertions.catchThrowable(() -> sourceLoad.run("t_reload", run.runId(), run.logicalDate(), "load"));
        assertThat(stale).isInstanceOf(SourceRejectedException.class).hasMessageContaining("the watermark moved");
        assertThat(count("staging.t_reload")).isEqualTo(4);
    }

    @Test
    void runsOfOneSourceGoOneAtATimeAndRowsWrittenDuringARunAreLoadedByTheNext() throws Exception {
        source("sales", "CREATE TABLE public.t_serial (id bigint PRIMARY KEY, note text, updated_at timestamp NOT NULL)",
                "INSERT INTO public.t_serial VALUES (1, 'a', '2026-05-01 10:00'), (2, 'b', '2026-05-01 11:00')");
        assertThat(task(run("t_serial"), "load").rowsOut()).as("the first load makes staging.t_serial").isEqualTo(2);
        source("sales", "INSERT INTO public.t_serial VALUES (3, 'c', '2026-05-01 12:00')");
        LocalDate first = TestDates.Sources.ONE_AT_A_TIME.get(0);
        LocalDate second = TestDates.Sources.ONE_AT_A_TIME.get(1);

        long firstRun;
        long secondRun;
        try (TableLock held = warehouse.lockWarehouseTable("staging.t_serial")) {
            // The first run has read its rows (up to the bound it took at its start) and waits to load them
            // (in its extract's pass).
            firstRun = queue("t_serial", first);
            await("the first run waiting to load").atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'staging.t_serial'::regclass",
                    Long.class), n -> n > 0);
            assertThat(taskStatus(firstRun, "extract")).isEqualTo("RUNNING");
            // Rows written while it runs: two new ones and a change.
            source("sales", "INSERT INTO public.t_serial VALUES (4, 'd', '2026-05-01 13:00'), (5, 'e', '2026-05-01 13:00')",
                    "UPDATE public.t_serial SET note = 'a2', updated_at = '2026-05-01 14:00' WHERE id = 1");
            secondRun = queue("t_serial", second);
            await("the second run waiting for the first").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> ledger.find(secondRun).orElseThrow().status() == RunStatus.QUEUED
                            && ledger.find(secondRun).orElseThrow().tasks().isEmpty());
        }
        RunRecord one = api.awaitFinished(firstRun);
        RunRecord two = api.awaitFinished(secondRun);

        assertThat(one.status()).as("run error: %s", one.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(two.status()).as("run error: %s", two.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(one, "extract").rowsOut()).as("the first run: the row written before it").isEqualTo(1);
        assertThat(task(one, "load").rowsOut()).isEqualTo(1);
        assertThat(task(two, "extract").startedAt()).as("the second run starts once the first has finished")
                .isAfterOrEqualTo(one.finishedAt());
        assertThat(task(two, "extract").rowsOut()).as("the second run: the rows written during the first").isEqualTo(3);
        assertThat(task(two, "load").rowsOut()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT id || note FROM staging.t_serial ORDER BY id", String.class))
                .containsExactly("1a2", "2b", "3c", "4d", "5e");
        assertThat(jdbc.queryForObject("SELECT cursor_value || ' ' || key_values::text FROM etl.watermarks WHERE source = 't_serial'",
                String.class)).isEqualTo("2026-05-01T14:00 [\"1\"]");
    }

    private String taskStatus(long runId, String task) {
        return ledger.find(runId).orElseThrow().tasks().stream().filter(t -> t.task().equals(task))
                .map(t -> t.status().name()).findFirst().orElse("none");
    }

    @Test
    void mariaDbCustomersAreLoadedInFullThenOnlyTheirChanges() throws Exception {
        long customers = jdbcCount("crm", "customers");
        assertThat(customers).as("demo customers in MariaDB").isPositive();

        RunRecord first = run("mysql_customers");
        assertThat(first.status()).as("run error: %s", first.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(first, "load").rowsOut()).isEqualTo(customers);
        assertThat(count("staging.mysql_customers")).isEqualTo(customers);
        assertThat(jdbc.queryForList("SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' "
                + "AND table_name = 'mysql_customers'", String.class))
                .contains("id", "name", "email", "country", "created_at", "updated_at", "_run_id", "_loaded_at");

        source("crm", "UPDATE customers SET email = CONCAT('new.', email), updated_at = NOW(6) + INTERVAL 1 DAY WHERE id IN (5, 6, 7)",
                "INSERT INTO customers VALUES (100000, 'New Customer', 'new@example.com', 'CH', NOW(6), NOW(6) + INTERVAL 1 DAY)");
        RunRecord second = run("mysql_customers");
        assertThat(second.status()).as("run error: %s", second.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(second, "extract").rowsOut()).isEqualTo(4);
        assertThat(count("staging.mysql_customers")).isEqualTo(customers + 1);
        assertThat(jdbc.queryForList("SELECT email FROM staging.mysql_customers WHERE id IN (5, 6, 7)", String.class))
                .allMatch(e -> e.startsWith("new."));

        RunRecord third = run("mysql_customers");
        assertThat(task(third, "load").rowsOut()).isZero();
        assertThat(count("staging.mysql_customers")).isEqualTo(customers + 1);
    }

    @Test
    void mariaDbRowsSharingACursorValueAcrossARunBoundaryAreEachLoadedOnce() throws Exception {
        source("crm", "CREATE TABLE t_maria_ties (id INT PRIMARY KEY, label VARCHAR(20), updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO t_maria_ties VALUES (10, 'x', '2026-02-01 08:00:00.5'), (11, 'y', '2026-02-01 08:00:00.5'), "
                        + "(12, 'z', '2026-02-01 08:00:00.5'), (13, 'w', '2026-02-01 08:00:00.5'), (14, 'v', '2026-02-01 08:00:00.5')");
        assertThat(task(run("t_maria_ties"), "load").rowsOut()).isEqualTo(3);
        assertThat(task(run("t_maria_ties"), "load").rowsOut()).isEqualTo(2);
        assertThat(task(run("t_maria_ties"), "load").rowsOut()).isZero();
        assertThat(jdbc.queryForList("SELECT id FROM staging.t_maria_ties ORDER BY id", Integer.class))
                .containsExactly(10, 11, 12, 13, 14);
        assertThat(jdbc.queryForObject("SELECT sum(rows_read) FROM etl.lineage WHERE source = 't_maria_ties'", Long.class))
                .isEqualTo(5);
    }

    @Test
    void aFirstLoadReadInNoOrderTakesTheDatabasesLastRowAsItsMarkAndIsLoadedInTheExtractsPass() throws Exception {
        // A first load of every row reads them unsorted (here in the table's key order, a B c, where c is the
        // oldest); its mark is the row that sorts last by (updated_at, code) in MariaDB's case-insensitive
        // collation: B, where Java would take a (lower case after upper case) and the last row read is c.
        source("crm", "CREATE TABLE t_maria_first_load (code VARCHAR(10) PRIMARY KEY, label VARCHAR(20), updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO t_maria_first_load VALUES ('a', '1', '2026-02-03 08:00:00'), ('B', '2', '2026-02-03 08:00:00'), "
                        + "('c', '3', '2026-02-03 07:00:00')");
        RunRecord first = run("t_maria_first_load");
        assertThat(first.status()).as("run error: %s", first.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(task(first, "load").rowsOut()).isEqualTo(3);
        assertThat(task(first, "load").startedAt()).as("the load done in the extract's pass")
                .isEqualTo(task(first, "extract").startedAt());
        assertThat(jdbc.queryForObject("SELECT cursor_value || ' ' || key_values::text FROM etl.watermarks "
                + "WHERE source = 't_maria_first_load'", String.class)).isEqualTo("2026-02-03T08:00 [\"B\"]");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_constraint WHERE conrelid = 'staging.t_maria_first_load'::regclass "
                + "AND contype = 'p'", Long.class)).as("the primary key, built after the copy").isOne();

        // Tied with the mark: 'aa' sorts before 'B' (behind the mark: a row written late with an old time is not
        // read, as with any watermark), 'bb' after it (new).
        source("crm", "INSERT INTO t_maria_first_load VALUES ('aa', '4', '2026-02-03 08:00:00'), ('bb', '5', '2026-02-03 08:00:00')");
        RunRecord second = run("t_maria_first_load");
        assertThat(task(second, "extract").rowsOut()).as("only the row after the mark").isOne();
        assertThat(jdbc.queryForList("SELECT code FROM staging.t_maria_first_load", String.class))
                .containsExactlyInAnyOrder("a", "B", "c", "bb");
    }

    @Test
    void theMarkIsTheLastRowInTheDatabasesOrderWhenTextKeysCollateOtherwiseThanJava() throws Exception {
        // MariaDB's collation is case-insensitive (a < B < c < D); Java orders 'B' before 'a'. Two rows a run, all tied.
        source("crm", "CREATE TABLE t_maria_text_keys (code VARCHAR(10) PRIMARY KEY, label VARCHAR(20), updated_at DATETIME(6) NOT NULL)",
                "INSERT INTO t_maria_text_keys VALUES ('a', '1', '2026-02-02 08:00:00'), ('B', '2', '2026-02-02 08:00:00'), "
                        + "('c', '3', '2026-02-02 08:00:00'), ('D', '4', '2026-02-02 08:00:00')");
        assertThat(task(run("t_maria_text_keys"), "load").rowsOut()).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT key_values::text FROM etl.watermarks WHERE source = 't_maria_text_keys'",
                String.class)).as("the last row read, not Java's largest").isEqualTo("[\"B\"]");
        assertThat(task(run("t_maria_text_keys"), "load").rowsOut()).isEqualTo(2);
        assertThat(task(run("t_maria_text_keys"), "load").rowsOut()).isZero();
        assertThat(jdbc.queryForList("SELECT code FROM staging.t_maria_text_keys ORDER BY code", String.class))
                .containsExactlyInAnyOrder("a", "B", "c", "D");
        assertThat(jdbc.queryForObject("SELECT sum(rows_read) FROM etl.lineage WHERE source = 't_maria_text_keys'", Long.class))
                .as("each row read once").isEqualTo(4);
    }

    @Test
    void aSourceAddedInConfigurationIsListedAsAPipelineAndRuns() throws Exception {
        var pipelines = api.get("/api/pipelines");
        assertThat(pipelines.status()).isEqualTo(200);
        JsonNode added = null;
        for (JsonNode p : pipelines.json()) {
            if (p.get("name").asText().equals("t_added")) {
                added = p;
            }
        }
        assertThat(added).as("t_added in %s", pipelines.body()).isNotNull();
        assertThat(added.get("type").asText()).isEqualTo("source");
        assertThat(added.get("stagingTable").asText()).isEqualTo("staging.t_added");
        assertThat(added.get("schedule").get("cron").asText()).isEqualTo("0 0 0 * * ?");
        assertThat(added.get("state").asText()).isEqualTo("started");

        source("sales", "CREATE TABLE public.t_added (id int PRIMARY KEY, amount numeric(10,2), updated_at timestamptz NOT NULL)",
                "INSERT INTO public.t_added VALUES (1, 9.99, '2026-03-01T00:00:00Z'), (2, 19.50, '2026-03-02T00:00:00Z')");
        RunRecord run = run("t_added");
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jdbc.queryForList("SELECT id, amount FROM staging.t_added ORDER BY id"))
                .containsExactly(Map.of("id", 1, "amount", new java.math.BigDecimal("9.99")),
                        Map.of("id", 2, "amount", new java.math.BigDecimal("19.50")));
        assertThat(jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_added'", String.class))
                .isEqualTo("2026-03-02T00:00:00Z");
        assertThat(jdbc.queryForObject("SELECT bound FROM etl.lineage WHERE source = 't_added'", String.class))
                .isEqualTo("2026-03-02T00:00:00Z");

        // Operated over JMX like any pipeline: its schedule suspended and resumed.
        var mbean = javax.management.JMX.newMBeanProxy(java.lang.management.ManagementFactory.getPlatformMBeanServer(),
                io.pipelines.api.PipelineJmx.objectName("t_added"), io.pipelines.api.PipelineControlMBean.class);
        mbean.suspend();
        assertThat(mbean.getState()).isEqualTo("suspended");
        mbean.resume();
        assertThat(mbean.getState()).isEqualTo("started");
    }

    @Test
    void aSourceWithASuiteLoadsTheRowsThatPassItAndAFailedCheckLeavesTheWatermark() throws Exception {
        source("sales", "CREATE TABLE public.t_checked (id int PRIMARY KEY, amount numeric(10,2), updated_at timestamptz NOT NULL)",
                "INSERT INTO public.t_checked VALUES (1, 9.99, '2026-03-01T00:00:00Z'), (2, 19.50, '2026-03-02T00:00:00Z')");
        RunRecord first = run("t_checked");
        assertThat(first.status()).as("run error: %s", first.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.tasks()).extracting(RunRecord.Task::task).containsExactly("extract", "check", "load");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.quality_results WHERE run_id = ? AND success", Long.class,
                first.runId())).as("both expectations checked and met").isEqualTo(2);
        assertThat(count("staging.t_checked")).isEqualTo(2);

        source("sales", "INSERT INTO public.t_checked VALUES (3, -1.00, '2026-03-03T00:00:00Z')");
        RunRecord refused = run("t_checked");
        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.error()).contains("expect_column_values_to_be_between(amount)");
        assertThat(task(refused, "check").status()).isEqualTo(RunStatus.FAILED);
        assertThat(count("staging.t_checked")).as("nothing of the run loaded").isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_checked'", String.class))
                .as("the watermark stays, so the next run reads the row again").isEqualTo("2026-03-02T00:00:00Z");

        source("sales", "UPDATE public.t_checked SET amount = 1.00 WHERE id = 3");
        RunRecord fixed = run("t_checked");
        assertThat(fixed.status()).as("run error: %s", fixed.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jdbc.queryForObject("SELECT amount FROM staging.t_checked WHERE id = 3", java.math.BigDecimal.class))
                .isEqualByComparingTo("1.00");
    }

    @Test
    void anUnreachableConnectionFailsTheRunNamingTheEntryAndTheField() {
        RunRecord run = run("t_unreachable");
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).contains("task extract failed")
                .contains("pipelines.sources.t_unreachable.connection").contains("t_nowhere");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM etl.watermarks WHERE source = 't_unreachable'", Long.class)).isZero();
    }

    @Test
    void lineageOfATableThatNoSourceLoadsIsNotFoundAndTheTableIsRequired() {
        var unknown = api.get("/api/lineage?table=staging.nothing_here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("staging.nothing_here");
        var missing = api.get("/api/lineage");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("table");
    }

    private long jdbcCount(String connection, String table) throws Exception {
        var c = properties.getConnections().get(connection);
        try (var db = java.sql.DriverManager.getConnection(c.getUrl(), c.getUsername(), c.getPassword());
             var rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
