package io.pipelines.util;

import java.io.IOException;
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
        while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            rethrow();
            if (!thread.isAlive()) {
                throw new IOException("The worker thread " + thread.getName() + " stopped");
            }
        }
        rethrow();
    }

    /** Waits until every chunk handed over is handled; fails with the worker's failure. */
    public void finish() throws IOException, InterruptedException {
        submit(end);
        thread.join();
        rethrow();
        if (!finished) {
            throw new IOException("The worker thread " + thread.getName() + " stopped before the end");
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

    /** Stops the thread (when the caller gives up): chunks not handled yet are dropped. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
