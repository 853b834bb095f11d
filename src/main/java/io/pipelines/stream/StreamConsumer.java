package io.pipelines.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pipelines.config.PipelinesProperties;

/**
 * The stream's offset-commit logic, in one place. A thread of its own polls the topic, closes a
 * micro-batch at the batch size or the batch interval (whichever comes first), hands it to the
 * stream route (on a second thread, while it goes on polling: the next records are fetched and
 * decoded meanwhile, until a whole batch waits), and commits exactly the offsets of that batch once
 * the route has loaded it, in a Kafka transaction with the batch's dead letter records. When the next
 * batch is already waiting, it is handed to the route first and that commit runs beside its load (the
 * warehouse transactions stay one after the other, in the partitions' order; the offsets are committed
 * in order too). Nothing is ever committed that was not loaded (auto-commit is off; the Kafka clients
 * are used from this thread only). A rebalance while a batch is loaded waits for the batch to finish,
 * then the batch is read again rather than committed.
 * <p>
 * A batch that fails is tried again, the same records with the same lake keys, with exponential
 * backoff and without end: the stream waits for the warehouse to come back. While it waits its
 * partitions are paused and it keeps polling, so it stays in the group. Records of partitions taken
 * away by a rebalance are dropped uncommitted: their new owner reads them again.
 */
public class StreamConsumer implements Runnable {

    /** Loads one micro-batch and returns it parsed; throws when it could not. */
    @FunctionalInterface
    public interface BatchHandler {
        MicroBatch handle(MicroBatch batch) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Poll while a batch is loaded: short, so that the batch is committed soon after it is done. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);
    private static final long LAG_EVERY_NANOS = 5_000_000_000L;

    private final String name;
    private final StreamDeclaration.Source source;
    private final PipelinesProperties.Stream settings;
    private final String clientId;
    private final BatchHandler handler;
    private final StreamLake lake;
    private final StreamMetrics metrics;
    private final DeadLetters deadLetters;
    private final List<ConsumerRecord<byte[], byte[]>> buffer = new ArrayList<>();
    /** Runs the handler, so that this consumer's thread can poll meanwhile. */
    private ExecutorService batchThread;
    /** The batch being loaded, if any (set and read on the consumer's thread only). */
    private Future<MicroBatch> inFlight;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running;
    private volatile boolean suspended;
    private final int batchSize;
    private final Duration batchInterval;
    private Thread thread;
    private long bufferStarted;
    private long nextLagReport;
    /** Set when partitions are revoked: a batch waiting for a retry is then given up and read again. */
    private boolean rebalanced;
    private Duration restartDelay;

    /** A consumer of the declared stream's group, with the settings every stream shares and the batching of its settings. */
    public StreamConsumer(StreamDeclaration declaration, PipelinesProperties.Stream settings, String clientId,
                          BatchHandler handler, StreamLake lake, StreamMetrics metrics, DeadLetters deadLetters) {
        this(declaration, settings, settings.getBatchSize(), settings.getBatchInterval(), clientId, handler, lake, metrics,
                deadLetters);
    }

    /** With the batch size and interval given (those of its route's endpoint) rather than the settings'. */
    public StreamConsumer(StreamDeclaration declaration, PipelinesProperties.Stream settings, int batchSize,
                          Duration batchInterval, String clientId, BatchHandler handler, StreamLake lake,
                          StreamMetrics metrics, DeadLetters deadLetters) {
        this.name = declaration.name();
        this.source = declaration.source();
        this.settings = settings;
        this.batchSize = batchSize;
        this.batchInterval = batchInterval;
        this.clientId = clientId;
        this.handler = handler;
        this.lake = lake;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this, clientId);
        thread.start();
    }

    /**
     * Stops after the batch in flight, if any, is committed (or, while it waits for a retry, left
     * uncommitted). Polls are short, so the thread notices within a fraction of a second.
     */
    public synchronized void stop(Duration timeout) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(timeout.toMillis());
        }
    }

    public boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    /** Pauses consumption after the batch in flight is committed; see the class comment. */
    public void suspend() {
        suspended = true;
    }

    public void resume() {
        suspended = false;
    }

    public boolean isSuspended() {
        return suspended;
    }

    /** The partitions this consumer owns now. */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void run() {
        batchThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, clientId + "-batch");
            t.setDaemon(true);
            return t;
        });
        try {
            consumeUntilStopped();
        } finally {
            batchThread.shutdown();
        }
        log.info("{} consumer {} stopped", name, clientId);
    }

    private void consumeUntilStopped() {
        restartDelay = settings.getRetryInitialDelay();
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = newConsumer(); KafkaProducer<byte[], byte[]> p = newProducer()) {
                p.initTransactions();
                c.subscribe(List.of(source.topic()), new Rebalance(c));
                consume(c, p);
            } catch (Exception e) {
                log.error("{} consumer {} failed and restarts in {} ms (nothing uncommitted is lost): {}",
                        name, clientId, restartDelay.toMillis(), e.toString(), e);
                pause(restartDelay);
                restartDelay = next(restartDelay);
            } finally {
                buffer.clear();
                assignment = Set.of();
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p) {
        Loaded loaded = null; // loaded, its offsets not committed yet
        while (running || loaded != null) {
            if (loaded == null) {
                waitWhileSuspended(c);
                take(c.poll(POLL));
                reportLag(c);
            }
            List<ConsumerRecord<byte[], byte[]>> next = running && !suspended ? nextBatch() : null;
            Loaded before = loaded;
            loaded = null;
            if (next == null) {
                if (before != null) {
                    commit(c, p, before);
                }
            } else {
                loaded = loadAndCommit(c, p, next, before);
            }
        }
    }

    /** The next batch, taken from the buffer when it holds one or its interval is over; null if neither. */
    private List<ConsumerRecord<byte[], byte[]>> nextBatch() {
        boolean full = buffer.size() >= batchSize;
        boolean due = !buffer.isEmpty() && System.nanoTime() - bufferStarted >= batchInterval.toNanos();
        if (!full && !due) {
            return null;
        }
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(buffer.subList(0, Math.min(buffer.size(), batchSize)));
        buffer.subList(0, batch.size()).clear();
        bufferStarted = System.nanoTime();
        return batch;
    }

    /** A batch the route has loaded, and when it was closed (for the latency metric). */
    private record Loaded(MicroBatch batch, long closed) {
    }

    private void take(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (buffer.isEmpty()) {
                bufferStarted = System.nanoTime();
            }
            buffer.add(r);
        }
    }

    /**
     * Tries the batch until it is loaded, its partitions are taken away, or the consumer stops; returns
     * it loaded (to be committed), or null when it was given up. The batch loaded before it, if any, is
     * committed as soon as this one is handed to the route: its warehouse transaction is over, so this
     * one's load follows it there in the partitions' order, while the Kafka transaction commits the
     * other (an offset commit that fails ends the consumer after this load, and both are read again,
     * which changes nothing: see the class comment).
     */
    private Loaded loadAndCommit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p,
                                 List<ConsumerRecord<byte[], byte[]>> records, Loaded before) {
        long closed = System.nanoTime();
        Duration delay = settings.getRetryInitialDelay();
        rebalanced = false;
        for (int attempt = 1; running; attempt++) {
            if (before == null) {
                waitWhileSuspended(c); // with a batch to commit, the caller found the stream not suspended
            }
            if (rebalanced) {
                giveUp(c, records);
                return null;
            }
            MicroBatch batch = new MicroBatch(name, source.topic(),
                    records.stream().map(r -> new MicroBatch.Entry(r, null, null)).toList());
            inFlight = batchThread.submit(() -> handler.handle(batch));
            if (before != null) {
                commitBeside(c, p, before);
                before = null;
            }
            MicroBatch loaded;
            try {
                loaded = awaitWhilePolling(c);
            } catch (Exception e) {
                metrics.batchFailed();
                log.warn("{}: batch of {} records ({}) failed on attempt {}; not committed, next try in {} ms: {}",
                        name, batch.size(), describe(batch), attempt, delay.toMillis(), rootMessage(e));
                c.pause(c.assignment());
                waitPolling(c, delay);
                delay = next(delay);
                continue;
            }
            if (rebalanced) {
                // Partitions were revoked while the batch was loaded: their new owner (maybe this consumer
                // again) reads it again from the committed offsets, and finds it loaded already.
                giveUp(c, records);
                return null;
            }
            return new Loaded(loaded, closed);
        }
        if (before != null) {
            commit(c, p, before); // stopped before the batch was handed over
        }
        return null;
    }

    /** Commits a loaded batch (see {@link #commit(KafkaConsumer, KafkaProducer, MicroBatch)}) and resumes fetching. */
    private void commit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, Loaded loaded) {
        try {
            commit(c, p, loaded.batch());
        } catch (KafkaException e) {
            // Fenced or reassigned meanwhile: the records' new owner loads them again, which changes nothing.
            log.warn("{}: batch ({}) loaded but not committed ({}); it will be consumed again", name,
                    describe(loaded.batch()), e.toString());
            throw e;
        }
        c.resume(c.paused());
        restartDelay = settings.getRetryInitialDelay();
        metrics.committed(loaded.batch(), Duration.ofNanos(System.nanoTime() - loaded.closed()), Instant.now());
        log.debug("{}: committed {}", name, loaded.batch().nextOffsets());
    }

    /**
     * Commits the batch loaded before while the one handed to the route is loaded; if that commit fails,
     * the consumer ends (and is made anew) once the batch in flight is over.
     */
    private void commitBeside(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, Loaded before) {
        try {
            commit(c, p, before);
        } catch (RuntimeException | Error commitFailed) {
            finishQuietly(inFlight);
            inFlight = null;
            throw commitFailed;
        }
    }

    /**
     * Until the batch handed to the route (on the batch thread) is done, keeps polling: the client
     * fetches and decodes the next records meanwhile, into the buffer, until it holds a batch
     * (then the partitions are paused, so the buffer stays within a few batches). A
     * rebalance in one of these polls waits for the batch to finish (see {@link Rebalance}); the
     * batch is then given up rather than committed.
     */
    private MicroBatch awaitWhilePolling(KafkaConsumer<byte[], byte[]> c) throws Exception {
        try {
            while (!inFlight.isDone()) {
                if (buffer.size() >= batchSize) {
                    c.pause(c.assignment());
                }
                take(c.poll(IN_FLIGHT_POLL));
            }
        } catch (RuntimeException | Error pollFailed) {
            // The consumer is closed and made anew: the batch is over before that happens.
            finishQuietly(inFlight);
            inFlight = null;
            throw pollFailed;
        }
        try {
            return StreamStore.await(inFlight);
        } finally {
            inFlight = null;
        }
    }

    /** Waits for a batch that will not be committed, whatever its outcome. */
    private static void finishQuietly(Future<MicroBatch> batch) {
        try {
            StreamStore.await(batch);
        } catch (Exception e) {
            // Not committed either way: it is read again.
        }
    }

    /**
     * After a rebalance during a load or a retry, the batch is read again rather than committed or retried: the partitions
     * kept are moved back to the batch's first offsets (those reassigned restart at their committed
     * offsets anyway, and their new owner drops the batch's lake objects). The batch's objects of the
     * partitions kept are dropped here first: no callback of a cooperative rebalance does it, and the
     * records read again may be batched with other boundaries, so that the old object would hold them
     * a second time. The warehouse rows keep the key of the object that lands them last (see
     * {@link StreamWarehouse}).
     */
    private void giveUp(KafkaConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
        }
        // Before anything is read again; if it fails, the consumer is made anew and its partitions'
        // uncommitted objects are dropped when they are assigned.
        first.forEach((tp, offset) -> {
            if (c.assignment().contains(tp)) {
                lake.dropBatch(tp.partition(), offset);
            }
        });
        first.forEach((tp, offset) -> {
            if (c.assignment().contains(tp)) {
                c.seek(tp, offset);
            }
        });
        buffer.removeIf(r -> first.containsKey(new TopicPartition(r.topic(), r.partition())));
        c.resume(c.paused());
        log.info("{}: partitions were reassigned while a batch was loaded or waited for a retry; it will be read again",
                name);
    }

    /**
     * Commits the batch: its dead letter records and the offsets after its last records, in one Kafka
     * transaction, so that either both are stored or neither is.
     */
    protected void commit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p, MicroBatch loaded) {
        List<ProducerRecord<byte[], byte[]>> dead = deadLetters.records(loaded);
        p.beginTransaction();
        try {
            for (ProducerRecord<byte[], byte[]> r : dead) {
                p.send(r);
            }
            p.sendOffsetsToTransaction(loaded.nextOffsets(), c.groupMetadata());
            p.commitTransaction();
        } catch (RuntimeException e) {
            try {
                p.abortTransaction();
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
        metrics.deadLettered(dead.size());
        for (MicroBatch.Entry e : loaded.rejected()) {
            log.warn("{}: record {}-{}@{} sent to {}: {}", name, e.record().topic(), e.partition(),
                    e.offset(), source.deadLetterTopic(), e.rejection());
        }
    }

    /**
     * While suspended: every partition paused (those assigned meanwhile too, see {@link Rebalance}),
     * polling on so that the group keeps this member; then the partitions resumed.
     */
    private void waitWhileSuspended(KafkaConsumer<byte[], byte[]> c) {
        if (!suspended) {
            return;
        }
        log.info("{} consumer {} suspended: partitions {} paused", name, clientId, c.assignment());
        while (running && suspended) {
            c.pause(c.assignment());
            // Paused partitions return nothing; the poll keeps the membership and runs rebalances.
            take(c.poll(POLL));
        }
        c.resume(c.paused());
        if (running) {
            log.info("{} consumer {} resumed", name, clientId);
        }
    }

    /** Waits while still polling (partitions paused), so that the group keeps this member. */
    private void waitPolling(KafkaConsumer<byte[], byte[]> c, Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        while (running && System.nanoTime() < until) {
            // Paused partitions return nothing; partitions newly assigned meanwhile may: keep their records.
            take(c.poll(Duration.ofMillis(Math.max(1, Math.min(500, (until - System.nanoTime()) / 1_000_000)))));
        }
    }

    private void reportLag(KafkaConsumer<byte[], byte[]> c) {
        long now = System.nanoTime();
        if (now < nextLagReport) {
            return;
        }
        nextLagReport = now + LAG_EVERY_NANOS;
        for (TopicPartition tp : assignment) {
            c.currentLag(tp).ifPresent(lag -> metrics.lag(tp.partition(), lag));
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> config = new HashMap<>(settings.getKafka());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, source.group());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> config = new HashMap<>(settings.getKafka());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getBootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-tx");
        // Unique per process: zombies are fenced by the consumer group's generation (offsets sent in the transaction).
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-" + clientId + "-" + UUID.randomUUID());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private Duration next(Duration delay) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(settings.getRetryMaxDelay()) > 0 ? settings.getRetryMaxDelay() : doubled;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(MicroBatch batch) {
        Map<Integer, String> ranges = new java.util.TreeMap<>();
        batch.byPartition().forEach((p, entries) -> ranges.put(p, entries.get(0).offset() + "-"
                + entries.get(entries.size() - 1).offset()));
        return "partition offsets " + ranges;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    /** Keeps the buffer to owned partitions, and clears the lake of uncommitted objects of new ones. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        Rebalance(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                rebalanced = true;
            }
            // A batch being loaded finishes first (it is then given up, not committed), so that its
            // lake objects are all written before any new owner of its partitions clears them.
            if (inFlight != null) {
                finishQuietly(inFlight);
            }
            Set<TopicPartition> owned = new HashSet<>(assignment);
            owned.removeAll(partitions);
            assignment = Set.copyOf(owned);
            buffer.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            log.info("{} consumer {}: partitions {} revoked", name, clientId, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                List<String> dropped = lake.dropUncommitted(tp.partition(), at == null ? 0 : at.offset());
                if (!dropped.isEmpty()) {
                    log.info("{}: dropped {} lake object(s) of partition {} never committed", name,
                            dropped.size(), tp.partition());
                }
            }
            Set<TopicPartition> owned = new HashSet<>(assignment);
            owned.addAll(partitions);
            assignment = Set.copyOf(owned);
            if (suspended) {
                c.pause(partitions); // nothing fetched for them before the resume
            }
            log.info("{} consumer {}: partitions {} assigned", name, clientId, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }
}
