package io.pipelines.schedule;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.deadletter.Alerts;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.DeadlineRules;
import io.pipelines.run.FreshnessRules;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.PipelineTables;
import io.pipelines.util.Repeating;
import jakarta.annotation.PreDestroy;

/**
 * The freshness of the tables each pipeline writes (the pipeline-runs parameters freshnessWarn, freshnessError):
 * the age of their newest data, checked with the deadlines (pipelines.runs.deadline-check-interval), as the gauges
 * pipeline_table_freshness_seconds{pipeline,table} and pipeline_table_freshness_level{pipeline,table} (0 OK, 1 WARN,
 * 2 ERROR). A change of level is recorded once across the instances (etl.freshness) and alerted by the instance that
 * made it, back to OK included. A pipeline that never loaded has no freshness yet.
 */
@Component
public class Freshness {

    private static final Logger log = LoggerFactory.getLogger(Freshness.class);
    private static final List<String> LEVELS = List.of("OK", "WARN", "ERROR");

    private final PipelineCatalog catalog;
    private final JdbcTemplate jdbc;
    private final Alerts alerts;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, AtomicLong> ages = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> levels = new ConcurrentHashMap<>();
    /** The tables each pipeline writes, from its definition (read at start-up: they do not change while it runs). */
    private final Map<String, List<String>> tables = new ConcurrentHashMap<>();
    private java.util.concurrent.ScheduledExecutorService checker;

    public Freshness(PipelineCatalog catalog, JdbcTemplate jdbc, Alerts alerts, MeterRegistry registry, Clock clock,
                     PipelinesProperties properties) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.registry = registry;
        this.clock = clock;
        this.interval = properties.getRuns().getDeadlineCheckInterval();
    }

    /** A pipeline's freshness as of a check. */
    public record State(String pipeline, String level, Instant newest, long ageSeconds, List<String> tables,
                        String warnAfter, String errorAfter) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!interval.isZero() && !interval.isNegative()) {
            checker = Repeating.every("freshness", interval, () -> check(clock.instant()),
                    e -> log.warn("Freshness not checked: {}", e.getMessage()));
        }
    }

    @PreDestroy
    void stop() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    /** Every pipeline's freshness as of {@code now}, with its gauges set and its change of level alerted. */
    public synchronized List<State> check(Instant now) {
        return catalog.all().stream().filter(p -> p.freshness().any()).map(p -> state(p, now))
                .flatMap(Optional::stream).peek(this::record).toList();
    }

    /** The pipeline's freshness now, when it has rules and has loaded (the console, the pipeline listing). */
    public Optional<State> of(String pipeline) {
        BatchPipeline p = catalog.batch(pipeline);
        return p.freshness().any() ? state(p, clock.instant()) : Optional.empty();
    }

    private Optional<State> state(BatchPipeline p, Instant now) {
        FreshnessRules rules = p.freshness();
        return newest(p).map(newest -> {
            Duration age = Duration.between(newest, now);
            return new State(p.name(), rules.level(age), newest, Math.max(0, age.toSeconds()),
                    tables.computeIfAbsent(p.name(), name -> List.copyOf(PipelineTables.writes(p))), rules.warn() == null ? null : DeadlineRules.text(rules.warn()),
                    rules.error() == null ? null : DeadlineRules.text(rules.error()));
        });
    }

    /**
     * The time of the newest data: a source's watermark cursor when it is a time (else its latest load); a batch
     * pipeline's end of its latest loaded logical date, in its zone.
     */
    Optional<Instant> newest(BatchPipeline p) {
        if (catalog.isSource(p.name())) {
            List<String> cursor = jdbc.queryForList("SELECT cursor_value FROM etl.watermarks WHERE source = ?", String.class,
                    p.name());
            Optional<Instant> time = cursor.isEmpty() ? Optional.empty() : time(cursor.get(0));
            if (time.isPresent()) {
                return time;
            }
            return Optional.ofNullable(jdbc.queryForObject("SELECT max(finished_at) FROM etl.pipeline_runs WHERE pipeline = ? "
                    + "AND status = 'SUCCEEDED'", Timestamp.class, p.name())).map(Timestamp::toInstant);
        }
        LocalDate loaded = jdbc.queryForObject("SELECT max(logical_date) FROM etl.pipeline_runs WHERE pipeline = ? "
                + "AND status = 'SUCCEEDED'", LocalDate.class, p.name());
        return Optional.ofNullable(loaded).map(d -> d.plusDays(1).atStartOfDay(p.zone()).toInstant());
    }

    /** A cursor value as a time: with an offset, or without one (taken as UTC), or a date; empty when it is none. */
    static Optional<Instant> time(String cursor) {
        if (cursor == null) {
            return Optional.empty();
        }
        String text = cursor.strip().replace(' ', 'T');
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException notWithOffset) {
            try {
                return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notLocal) {
                try {
                    return Optional.of(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        }
    }

    private void record(State s) {
        for (String table : s.tables()) {
            gauge(ages, "pipeline.table.freshness", "Age of the newest data of a table", s.pipeline(), table, "seconds")
                    .set(s.ageSeconds());
            gauge(levels, "pipeline.table.freshness.level", "Freshness level of a table: 0 OK, 1 WARN, 2 ERROR", s.pipeline(),
                    table, null).set(LEVELS.indexOf(s.level()));
        }
        Timestamp newest = Timestamp.from(s.newest());
        Timestamp now = Timestamp.from(clock.instant());
        String before = jdbc.query("SELECT level FROM etl.freshness WHERE pipeline = ?", rs -> rs.next() ? rs.getString(1) : null,
                s.pipeline());
        boolean changedHere;
        if (before == null) {
            changedHere = jdbc.update("INSERT INTO etl.freshness (pipeline, level, newest, changed_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (pipeline) DO NOTHING", s.pipeline(), s.level(), newest, now) == 1 && !s.level().equals("OK");
        } else {
            changedHere = jdbc.update("UPDATE etl.freshness SET level = ?, newest = ?, changed_at = ? WHERE pipeline = ? "
                    + "AND level = ?", s.level(), newest, now, s.pipeline(), before) == 1 && !before.equals(s.level());
        }
        if (changedHere) {
            alert(s, before == null ? "OK" : before);
        }
    }

    private void alert(State s, String before) {
        String message = s.pipeline() + ": its tables " + s.tables() + " are " + (s.level().equals("OK") ? "fresh again"
                : s.level().equals("WARN") ? "stale" : "stale beyond the error level") + ", their newest data from "
                + s.newest() + " (" + Duration.ofSeconds(s.ageSeconds()).toHours() + " h old; warn after " + s.warnAfter()
                + ", error after " + s.errorAfter() + ")";
        if (s.level().equals("OK")) {
            log.info("ALERT {}", message);
        } else {
            log.error("ALERT {}", message);
        }
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("type", "freshness");
        alert.put("pipeline", s.pipeline());
        alert.put("tables", s.tables());
        alert.put("level", s.level());
        alert.put("previousLevel", before);
        alert.put("newest", s.newest().toString());
        alert.put("ageSeconds", s.ageSeconds());
        alert.put("message", message);
        alerts.send(s.pipeline(), alert);
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String name, String description, String pipeline, String table,
                             String unit) {
        return values.computeIfAbsent(pipeline + "|" + table, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit(unit).tag("pipeline", pipeline)
                    .tag("table", table).register(registry);
            return value;
        });
    }
}
