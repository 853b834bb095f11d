package io.pipelines.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * Dead letters in etl.dead_letters. When the warehouse itself is down they are appended to a file
 * under pipelines.dead-letters.dir (one JSON line each, flushed to disk) and moved into the table
 * once it is back: none is lost.
 */
@Component
public class DeadLetterStore {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final String COLUMNS = "id, pipeline, task, run_id, logical_date, error_class, message, stack_trace, "
            + "attempts, failed_at, payload, status, replayed_at";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Path spool;
    private final TransactionTemplate tx;

    public DeadLetterStore(JdbcTemplate jdbc, ObjectMapper json, PipelinesProperties properties, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.spool = properties.getDeadLetters().getDir().resolve("dead-letters.jsonl");
    }

    /** Stores the dead letter; returns it with its id, or without one when it had to be spooled to the file. */
    public synchronized DeadLetter store(DeadLetter letter) {
        try {
            return letter.withId(insert(letter));
        } catch (DataAccessException e) {
            log.error("etl.dead_letters cannot be written ({}); dead letter of {} {} kept in {} until it can",
                    e.getMostSpecificCause().getMessage(), letter.pipeline(), letter.task(), spool.toAbsolutePath());
            append(letter);
            return letter;
        }
    }

    /** Moves the spooled dead letters into the table; returns how many. */
    @Scheduled(fixedDelayString = "${pipelines.dead-letters.drain-interval:30s}")
    public synchronized int drain() {
        Path draining = spool.resolveSibling(spool.getFileName() + ".draining");
        try {
            int moved = 0;
            if (Files.exists(draining)) {
                moved += drainFile(draining);
            }
            if (Files.exists(spool)) {
                Files.move(spool, draining, StandardCopyOption.ATOMIC_MOVE);
                moved += drainFile(draining);
            }
            if (moved > 0) {
                log.info("Moved {} spooled dead letter(s) into etl.dead_letters", moved);
            }
            return moved;
        } catch (DataAccessException | TransactionException e) {
            // Still down: the file stays and is tried again next time (a partly drained file is
            // tried whole again; the lines already moved are known by their key and skipped).
            log.warn("Spooled dead letters stay in {}: {}", draining, e.getMostSpecificCause().getMessage());
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int drainFile(Path file) throws IOException {
        int moved = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                DeadLetter letter = json.readValue(line, DeadLetter.class);
                // Together: no reader sees the dead letter of a run still RUNNING.
                tx.executeWithoutResult(status -> {
                    insertSpooled(letter, sha256(line));
                    failRunLeftOpen(letter);
                });
                moved++;
            }
        }
        Files.delete(file);
        return moved;
    }

    public List<DeadLetter> list(String pipeline, String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM etl.dead_letters WHERE true");
        List<Object> args = new ArrayList<>();
        if (pipeline != null) {
            sql.append(" AND pipeline = ?");
            args.add(pipeline);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> read(rs), args.toArray());
    }

    public Optional<DeadLetter> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM etl.dead_letters WHERE id = ?", (rs, n) -> read(rs), id)
                .stream().findFirst();
    }

    /** Marks it replayed; false when it was already. */
    public boolean markReplayed(long id) {
        return jdbc.update("UPDATE etl.dead_letters SET status = 'REPLAYED', replayed_at = now() WHERE id = ? AND status = 'NEW'",
                id) > 0;
    }

    /** A spooled line, once: inserted again (a drain done twice), it is skipped by its key. */
    private void insertSpooled(DeadLetter d, String spoolKey) {
        jdbc.update("INSERT INTO etl.dead_letters (pipeline, task, run_id, logical_date, error_class, message, "
                        + "stack_trace, attempts, failed_at, payload, spool_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) "
                        + "ON CONFLICT (spool_key) WHERE spool_key IS NOT NULL DO NOTHING",
                d.pipeline(), d.task(), d.runId(), d.logicalDate(), d.errorClass(), d.message(), d.stackTrace(),
                d.attempts(), Timestamp.from(d.failedAt()), write(d.payload()), spoolKey);
    }

    private static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private long insert(DeadLetter d) {
        return jdbc.queryForObject("INSERT INTO etl.dead_letters (pipeline, task, run_id, logical_date, error_class, message, "
                        + "stack_trace, attempts, failed_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING id",
                Long.class, d.pipeline(), d.task(), d.runId(), d.logicalDate(), d.errorClass(), d.message(), d.stackTrace(),
                d.attempts(), Timestamp.from(d.failedAt()), write(d.payload()));
    }

    /**
     * A dead letter is spooled when the warehouse was down, so its run could not be marked FAILED
     * then: it is now, so that it can be resumed or replayed.
     */
    private void failRunLeftOpen(DeadLetter letter) {
        if (letter.runId() != null) {
            jdbc.update("UPDATE etl.pipeline_runs SET status = 'FAILED', finished_at = now(), error = ? "
                    + "WHERE run_id = ? AND status IN ('QUEUED', 'RUNNING')",
                    "task " + letter.task() + " failed while the warehouse was unreachable: " + letter.errorClass() + ": "
                            + letter.message(), letter.runId());
        }
    }

    private void append(DeadLetter letter) {
        try {
            Files.createDirectories(spool.getParent());
            Files.writeString(spool, write(letter) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("Dead letter of " + letter.pipeline() + " could be neither stored nor spooled to "
                    + spool.toAbsolutePath(), e);
        }
    }

    private DeadLetter read(ResultSet rs) throws SQLException {
        Timestamp replayed = rs.getTimestamp("replayed_at");
        return new DeadLetter(rs.getLong("id"), rs.getString("pipeline"), rs.getString("task"),
                (Long) rs.getObject("run_id"), rs.getObject("logical_date", LocalDate.class), rs.getString("error_class"),
                rs.getString("message"), rs.getString("stack_trace"), rs.getInt("attempts"),
                rs.getTimestamp("failed_at").toInstant(), readMap(rs.getString("payload")), rs.getString("status"),
                replayed == null ? null : replayed.toInstant());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> readMap(String text) {
        try {
            return json.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
