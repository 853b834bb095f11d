package io.pipelines.util;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A thread of its own that handles chunks of items handed to it through a small bounded queue, in
 * order: the caller's thread goes on producing while this one consumes, so the two use two cores.
 * Memory stays bounded by the queue (a few chunks); a caller faster than the worker waits.
 */
public final class ChunkWorker<T> implements AutoCloseable {

    /** What the worker does with each chunk, on its own thread. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(List<T> chunk) throws Exception;
    }

    private static final int QUEUED_CHUNKS = 8;

    private final List<T> end = new ArrayList<>();
    private final Handler<T> handler;
    private final BlockingQueue<List<T>> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean finished;

    public ChunkWorker(String threadName, Handler<T> handler) {
        this.handler = handler;
        this.thread = new Thread(this::drain, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Hands a chunk over (the caller must not change it afterwards); fails with the worker's failure. */
    public void submit(List<T> chunk) throws IOException, InterruptedException {
        submit(chunk, null);
    }

    /**
     * Hands a chunk over, waiting at most {@code stall} (null: as long as it takes) for the worker to
     * make room; fails with the worker's failure, or with {@link StalledException} when it made none.
     */
    public void submit(List<T> chunk, Duration stall) throws IOException, InterruptedException {
        long deadline = stall == null ? Long.MAX_VALUE : System.nanoTime() + stall.toNanos();
        while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            rethrow();
            if (!thread.isAlive()) {
                throw new IOException("The worker thread " + thread.getName() + " stopped");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new StalledException(thread.getName() + " took no rows for " + stall);
            }
        }
        rethrow();
    }

    /** Waits until every chunk handed over is handled; fails with the worker's failure. */
    public void finish() throws IOException, InterruptedException {
        finish(null);
    }

    /**
     * Waits until every chunk handed over is handled, at most {@code stall} (null: as long as it
     * takes) for each chunk still queued; fails with the worker's failure or {@link StalledException}.
     */
    public void finish(Duration stall) throws IOException, InterruptedException {
        submit(end, stall);
        while (thread.isAlive()) {
            int queued = queue.size();
            thread.join(stall == null ? 0 : stall.toMillis());
            if (thread.isAlive() && queue.size() >= queued && stall != null) {
                throw new StalledException(thread.getName() + " handled nothing for " + stall);
            }
        }
        rethrow();
        if (!finished) {
            throw new IOException("The worker thread " + thread.getName() + " stopped before the end");
        }
    }

    /** Whether the worker thread still runs (it may be blocked in its handler). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** The worker made no progress for longer than it was given. */
    public static final class StalledException extends IOException {
        public StalledException(String message) {
            super(message);
        }
    }

    /** The worker's failure, if it failed (it then handles nothing more). */
    public Throwable failure() {
        return failure;
    }

    private void drain() {
        try {
            while (true) {
                List<T> chunk = queue.take();
                if (chunk == end) {
                    finished = true;
                    return;
                }
                handler.handle(chunk);
            }
        } catch (Throwable e) {
            failure = e;
            queue.clear();
        }
    }

    private void rethrow() throws IOException {
        Throwable e = failure;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e != null) {
            throw new IOException(thread.getName() + " failed: " + e, e);
        }
    }

    /**
     * Stops the thread (when the caller gives up): chunks not handled yet are dropped. Waits up to
     * 10 s for it to end, even when the caller was interrupted (see {@link #isAlive()} after).
     */
    @Override
    public void close() {
        thread.interrupt();
        boolean interrupted = Thread.interrupted();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
