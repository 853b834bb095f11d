package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.schedule.Freshness;
import io.pipelines.support.AlertReceiver;
import io.pipelines.support.PipelinesIntegrationTest;
import io.pipelines.support.TestApi;

/**
 * Freshness of daily_sales_etl's tables (stale after 36 h, in error after 60 h), checked at times the test chooses
 * after the end of the latest day it loaded: each change of level is alerted once, back to fresh included, and the
 * age and level are gauges per table.
 */
class FreshnessTest extends PipelinesIntegrationTest {

    @Autowired
    private Freshness freshness;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private TestApi api;

    @Test
    void eachChangeOfLevelIsAlertedOnceAndTheAgeIsAGaugePerTable() {
        LocalDate loaded = jdbc.queryForObject("SELECT max(logical_date) FROM etl.pipeline_runs WHERE pipeline = "
                + "'daily_sales_etl' AND status = 'SUCCEEDED'", LocalDate.class);
        if (loaded == null) { // this class alone: one day loaded first
            loaded = LocalDate.parse("2026-03-20");
            jdbc.update("INSERT INTO etl.pipeline_runs (pipeline, logical_date, status, triggered_by, started_at, finished_at) "
                    + "VALUES ('daily_sales_etl', ?, 'SUCCEEDED', 'test', now(), now())", loaded);
        }
        Instant end = loaded.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

        assertThat(level(freshness.check(end.plus(Duration.ofHours(1))))).isEqualTo("OK");
        assertThat(level(freshness.check(end.plus(Duration.ofHours(37))))).isEqualTo("WARN");
        assertThat(level(freshness.check(end.plus(Duration.ofHours(38))))).isEqualTo("WARN");
        assertThat(level(freshness.check(end.plus(Duration.ofHours(61))))).isEqualTo("ERROR");
        Freshness.State fresh = freshness.check(end.plus(Duration.ofHours(2))).stream()
                .filter(s -> s.pipeline().equals("daily_sales_etl")).findFirst().orElseThrow();
        assertThat(fresh.level()).isEqualTo("OK");
        assertThat(fresh.tables()).containsExactly("staging.orders", "analytics.orders", "analytics.daily_sales");
        assertThat(fresh.newest()).isEqualTo(end);

        List<String> alerts = AlertReceiver.received().stream().filter(a -> a.contains("\"type\":\"freshness\"")
                && a.contains("\"pipeline\":\"daily_sales_etl\"")).toList();
        assertThat(alerts).as("one per change of level").hasSize(3);
        assertThat(alerts.get(0)).contains("\"level\":\"WARN\"").contains("\"previousLevel\":\"OK\"");
        assertThat(alerts.get(1)).contains("\"level\":\"ERROR\"").contains("\"previousLevel\":\"WARN\"");
        assertThat(alerts.get(2)).contains("\"level\":\"OK\"").contains("\"previousLevel\":\"ERROR\"")
                .contains("fresh again");
        assertThat(api.metric("pipeline_table_freshness_seconds", "pipeline", "daily_sales_etl", "table", "analytics.daily_sales"))
                .isEqualTo(7200.0);
        assertThat(api.metric("pipeline_table_freshness_level", "pipeline", "daily_sales_etl", "table", "staging.orders"))
                .isZero();
    }

    private static String level(List<Freshness.State> states) {
        return states.stream().filter(s -> s.pipeline().equals("daily_sales_etl")).findFirst().orElseThrow().level();
    }
}
