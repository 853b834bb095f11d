package io.pipelines.deadletter;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.stream.MicroBatch;

/**
 * Dead letters of the stream: each record of a micro-batch that cannot be loaded becomes a row of
 * etl.dead_letters (pipeline, task parse, or load for a record the warehouse refused, topic, partition,
 * offset, the reason, and the original key and value in the payload), once: a batch read again after a crash adds none twice. Each new
 * one also goes to the dead letters' Kafka topic (pipeline.dlq). Replaying one sends its original
 * record to its topic again, once; the stream then loads it if it can now be read (a fixed
 * producer, a widened parser), as any record.
 */
@Component("streamDeadLetters")
public class StreamDeadLetters {

    static final String TASK = "parse";
    static final String ERROR_CLASS = "InvalidRecord";
    /** A record the parser took but the warehouse refused (a constraint, a value out of its range, ...). */
    static final String LOAD_TASK = "load";
    static final String LOAD_ERROR_CLASS = "RefusedByWarehouse";
    private static final Logger log = LoggerFactory.getLogger(StreamDeadLetters.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final KafkaNotices kafka;
    private final DeadLetterStore store;
    private final String topic;

    public StreamDeadLetters(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, KafkaNotices kafka,
                             DeadLetterStore store, PipelinesProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.kafka = kafka;
        this.store = store;
        this.topic = properties.getDeadLetters().getTopic();
    }

    /** Records the batch's rejected records (the batch stays the route's body: the consumer commits it). */
    public void record(MicroBatch batch) throws JsonProcessingException {
        String pipeline = batch.stream();
        List<DeadLetter> added = new ArrayList<>();
        for (MicroBatch.Entry e : batch.rejected()) {
            Map<String, Object> payload = payload(e);
            Instant now = Instant.now();
            boolean onLoad = e.stage() == MicroBatch.Stage.LOAD;
            String task = onLoad ? LOAD_TASK : TASK;
            String errorClass = onLoad ? LOAD_ERROR_CLASS : ERROR_CLASS;
            List<Long> id = jdbc.queryForList("INSERT INTO etl.dead_letters (pipeline, task, error_class, message, attempts, "
                            + "failed_at, payload, source_topic, source_partition, source_offset) "
                            + "VALUES (?, ?, ?, ?, 1, ?, ?::jsonb, ?, ?, ?) "
                            + "ON CONFLICT (source_topic, source_partition, source_offset) WHERE source_topic IS NOT NULL "
                            + "DO NOTHING RETURNING id", Long.class,
                    pipeline, task, errorClass, e.rejection(), Timestamp.from(now),
                    json.writeValueAsString(payload), e.record().topic(), e.partition(), e.offset());
            if (!id.isEmpty()) {
                added.add(new DeadLetter(id.get(0), pipeline, task, null, null, errorClass, e.rejection(), null, 1, now,
                        payload, "NEW", null));
            }
        }
        if (!added.isEmpty()) {
            kafka.publishAll(topic, pipeline, added);
            log.warn("{}: {} record(s) could not be loaded and are dead letters (etl.dead_letters, task {} or {})",
                    pipeline, added.size(), TASK, LOAD_TASK);
        }
    }

    /** Whether the dead letter is one of a stream record (it has no run: its replay sends the record again). */
    public static boolean isStreamRecord(DeadLetter letter) {
        return letter.runId() == null && letter.payload().containsKey("topic");
    }

    /**
     * Sends the original record to its topic again, unless it was replayed before; true when sent. The
     * letter is marked replayed in a transaction that commits only once the broker has the record: a send
     * that fails leaves it NEW, to be replayed again (a replay at the same time waits for this one, then
     * finds it replayed). Should the commit itself fail after the send, a later replay sends it once more.
     */
    public boolean replay(DeadLetter letter) {
        if (!"NEW".equals(letter.status())) {
            return false;
        }
        Map<String, Object> p = letter.payload();
        byte[] key = p.get("key") == null ? null : Base64.getDecoder().decode((String) p.get("key"));
        byte[] value = p.get("value") == null ? null : Base64.getDecoder().decode((String) p.get("value"));
        boolean sent = Boolean.TRUE.equals(tx.execute(status -> {
            if (!store.markReplayed(letter.id())) {
                return false; // replayed meanwhile
            }
            try {
                kafka.send((String) p.get("topic"), key, value);
            } catch (Exception e) {
                throw new ReplayNotSentException("Dead letter " + letter.id() + " could not be sent to " + p.get("topic")
                        + " again (" + e.getMessage() + "); it stays NEW: replay it once Kafka takes it", e);
            }
            return true;
        }));
        if (sent) {
            log.info("{}: dead letter {} replayed: record {}-{}@{} sent to {} again", letter.pipeline(), letter.id(), p.get("topic"),
                    p.get("partition"), p.get("offset"), p.get("topic"));
        }
        return sent;
    }

    /** A replay whose record the broker did not take: nothing changed, the letter can be replayed again. */
    public static class ReplayNotSentException extends RuntimeException {
        ReplayNotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Map<String, Object> payload(MicroBatch.Entry e) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("topic", e.record().topic());
        p.put("partition", e.partition());
        p.put("offset", e.offset());
        p.put("key", e.record().key() == null ? null : Base64.getEncoder().encodeToString(e.record().key()));
        p.put("value", e.record().value() == null ? null : Base64.getEncoder().encodeToString(e.record().value()));
        // Key and value as text too, when they are text, for whoever reads the dead letter.
        p.put("keyText", text(e.record().key()));
        p.put("valueText", text(e.record().value()));
        return p;
    }

    /** The bytes as text when they are UTF-8 that jsonb can hold (no NUL character), else null (base64 only). */
    private static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.indexOf('\0') >= 0 ? null : text;
        } catch (CharacterCodingException notText) {
            return null;
        }
    }
}
