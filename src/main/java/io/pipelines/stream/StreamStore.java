package io.pipelines.stream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;


/**
 * Stores a parsed micro-batch in the lake and in the warehouse at the same time: the Parquet
 * objects are written and put on a thread of the lake while the calling thread runs the warehouse
 * transaction (the one mostly encodes Parquet, the other mostly waits for the database), and
 * returns only when both are done. If either fails, it still waits for the other and then throws,
 * so the batch is not committed and its next try never overlaps this one. Both steps are
 * idempotent, so which one failed does not matter to the retry.
 * <p>
 * When the warehouse refuses the batch's data, the records it refuses are found ({@link PoisonRecords})
 * and the batch is landed and loaded again without them (the lake objects rewritten at their keys): they
 * leave as dead letters with the warehouse's reason, and the rest of their partitions go on.
 */
public class StreamStore implements DisposableBean {

    /** The two steps, so that they can be tried alone. */
    interface Step {
        void run(MicroBatch batch) throws Exception;
    }

    /** The records of a batch the warehouse refuses, with its reasons. */
    interface Refusals {
        Map<MicroBatch.Entry, String> find(MicroBatch batch);
    }

    private final Step land;
    private final Step load;
    private final Refusals refusals;
    private final StreamMetrics metrics;
    private final ExecutorService lakeThreads;

    public StreamStore(StreamLake lake, StreamWarehouse warehouse, PoisonRecords poison, StreamMetrics metrics,
                       String stream) {
        this(lake::land, warehouse::load, poison::find, metrics, stream);
    }

    StreamStore(Step land, Step load, Refusals refusals, StreamMetrics metrics, String pipeline) {
        this.land = land;
        this.load = load;
        this.refusals = refusals;
        this.metrics = metrics;
        AtomicInteger threads = new AtomicInteger();
        // One thread per consumer at a time at most: each consumer waits for its batch's land.
        this.lakeThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, pipeline + "-lake-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Lands and loads the batch; returns it, with the records the warehouse refused marked so, when
     * both succeeded; throws when either failed otherwise.
     */
    public MicroBatch landAndLoad(MicroBatch batch) throws Exception {
        try {
            landAndLoadTogether(batch);
            return batch;
        } catch (Exception e) {
            if (!PoisonRecords.refusedData(e)) {
                throw e;
            }
            Map<MicroBatch.Entry, String> refused = refusals.find(batch);
            if (refused.isEmpty()) {
                throw e;
            }
            MicroBatch rest = batch.refusedOnLoad(refused);
            landAndLoadTogether(rest);
            return rest;
        }
    }

    /** Lands and loads the batch concurrently; returns when both succeeded, throws when either failed. */
    private void landAndLoadTogether(MicroBatch batch) throws Exception {
        Future<?> landed = lakeThreads.submit(() -> {
            timed("land", land, batch);
            return null;
        });
        try {
            timed("load", load, batch);
        } catch (Exception | Error e) {
            try {
                await(landed);
            } catch (Exception | Error alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        await(landed);
    }

    private void timed(String step, Step work, MicroBatch batch) throws Exception {
        long t0 = System.nanoTime();
        work.run(batch);
        metrics.stepDone(step, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The result of work on another thread, or what it threw, waiting for it uninterruptibly: work
     * on a batch must be over before the batch is tried again or read again.
     */
    static <T> T await(Future<T> work) throws Exception {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return work.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception ex) {
                        throw ex;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void destroy() {
        lakeThreads.shutdown();
    }
}
