package io.pipelines.run;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.pipelines.cluster.InstanceLease;
import io.pipelines.config.PipelinesProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

/**
 * Keeps the log lines of runs in the warehouse (etl.task_logs), so that a run's lines can be read from any
 * instance, also after another one took the run over: a Logback appender takes the lines of INFO and above
 * that {@link RunLogContext} tagged with a run, a writer thread inserts them every half second. Logging never
 * waits for the warehouse: while it is down, lines wait in a bounded queue and those beyond it are dropped
 * (counted, and said once it is back). Lines older than pipelines.runs.log-retention are deleted hourly.
 */
@Component
public class TaskLogs {

    private static final Logger log = LoggerFactory.getLogger(TaskLogs.class);
    private static final int QUEUE = 50_000;
    private static final int BATCH = 1_000;
    private static final int MAX_MESSAGE = 8_000;
    private static final String APPENDER = "pipelines-task-logs";

    record Line(long runId, String task, Timestamp at, String level, String logger, String message) {
    }

    private final JdbcTemplate jdbc;
    private final String instance;
    private final Duration retention;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "task-logs");
        t.setDaemon(true);
        return t;
    });
    private final Appender appender = new Appender();
    /** Its own name: another application context in the JVM (a test's) has an appender of its own. */
    private final String name = APPENDER + "-" + Integer.toHexString(System.identityHashCode(this));
    private boolean warehouseDown;
    private volatile boolean stopped;

    public TaskLogs(JdbcTemplate jdbc, InstanceLease lease, PipelinesProperties properties) {
        this.jdbc = jdbc;
        this.instance = lease.id();
        this.retention = properties.getRuns().getLogRetention();
    }

    @PostConstruct
    void start() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            log.warn("Run log lines are not kept: the logging backend is not Logback");
            return;
        }
        appender.setContext(context);
        appender.setName(name);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        writer.scheduleWithFixedDelay(this::flush, 500, 500, TimeUnit.MILLISECONDS);
        writer.scheduleWithFixedDelay(this::deleteOld, 1, 60, TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        }
        appender.stop();
        writer.shutdown();
        writer.awaitTermination(5, TimeUnit.SECONDS);
        flush();
    }

    /** A run's lines in the order they were logged: all, or one task's ("" for the run's own), the last limit of them. */
    public List<Map<String, Object>> lines(long runId, String task, int limit) {
        // The last lines when there are more (a failure is at the end), in the order they were logged.
        return jdbc.queryForList("SELECT * FROM (SELECT id, task, logged_at AS \"at\", level, logger, instance, message "
                + "FROM etl.task_logs WHERE run_id = ? AND (?::text IS NULL OR task = ?) ORDER BY logged_at DESC, id DESC "
                + "LIMIT ?) last ORDER BY \"at\", id", runId, task, task, limit);
    }

    /**
     * Logging configured again (by another application context in the same JVM: a test's second instance) stops
     * and drops every appender: this one is put back.
     */
    private void stayAttached() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context && !stopped) {
            var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            if (!appender.isStarted()) {
                appender.start();
            }
            if (root.getAppender(name) != appender) {
                root.addAppender(appender);
            }
        }
    }

    /** Writes what waits; called by the writer thread (and at stop). */
    synchronized void flush() {
        stayAttached();
        try {
            while (!queue.isEmpty()) {
                List<Line> batch = new ArrayList<>(Math.min(queue.size(), BATCH));
                queue.drainTo(batch, BATCH);
                insert(batch);
            }
            long lost = dropped.getAndSet(0);
            if (warehouseDown || lost > 0) {
                warehouseDown = false;
                if (lost > 0) {
                    log.warn("{} run log line(s) were dropped while the warehouse could not take them", lost);
                }
            }
        } catch (RuntimeException e) {
            if (!warehouseDown) {
                warehouseDown = true;
                log.warn("Run log lines wait for the warehouse (at most {} of them): {}", QUEUE, e.getMessage());
            }
        }
    }

    private void insert(List<Line> batch) {
        try {
            jdbc.batchUpdate("INSERT INTO etl.task_logs (run_id, task, logged_at, level, logger, instance, message) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", batch, batch.size(), (ps, line) -> {
                        ps.setLong(1, line.runId());
                        ps.setString(2, line.task());
                        ps.setTimestamp(3, line.at());
                        ps.setString(4, line.level());
                        ps.setString(5, line.logger());
                        ps.setString(6, instance);
                        ps.setString(7, line.message());
                    });
        } catch (RuntimeException e) {
            // Put back what fits (the oldest lines first); the rest is counted as dropped.
            for (Line line : batch) {
                if (!queue.offer(line)) {
                    dropped.incrementAndGet();
                }
            }
            throw e;
        }
    }

    private void deleteOld() {
        try {
            int deleted = jdbc.update("DELETE FROM etl.task_logs WHERE logged_at < now() - ?::interval",
                    retention.toSeconds() + " seconds");
            if (deleted > 0) {
                log.info("Deleted {} run log line(s) older than {}", deleted, retention);
            }
        } catch (RuntimeException e) {
            log.warn("Old run log lines not deleted: {}", e.getMessage());
        }
    }

    /** Takes the tagged lines; never blocks, never logs (it would call itself). */
    private final class Appender extends UnsynchronizedAppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            if (!event.getLevel().isGreaterOrEqual(Level.INFO)) {
                return;
            }
            Map<String, String> tags = event.getMDCPropertyMap();
            String run = tags.get(RunLogContext.RUN);
            if (run == null) {
                return;
            }
            if (!queue.offer(new Line(Long.parseLong(run), tags.getOrDefault(RunLogContext.TASK, ""),
                    new Timestamp(event.getTimeStamp()), event.getLevel().toString(), event.getLoggerName(),
                    message(event)))) {
                dropped.incrementAndGet();
            }
        }

        private static String message(ILoggingEvent event) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
                text.append(text.isEmpty() ? "" : "\n").append(error.getClassName()).append(": ").append(error.getMessage());
            }
            String message = text.length() <= MAX_MESSAGE ? text.toString() : text.substring(0, MAX_MESSAGE) + "...";
            return message.replace('\u0000', '?'); // PostgreSQL's text takes no NUL: one would fail its batch for good
        }
    }
}
