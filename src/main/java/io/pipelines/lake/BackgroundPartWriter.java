package io.pipelines.lake;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.avro.generic.GenericRecord;

/**
 * Runs a {@link ParquetPartWriter} on a thread of its own, fed through a small bounded queue of
 * record chunks: the caller's thread reads the source while this one encodes and uploads Parquet,
 * so that the two use two cores. Memory stays bounded by the queue (a few chunks).
 */
public class BackgroundPartWriter implements Closeable {

    private static final int CHUNK = 2048;
    private static final List<GenericRecord> END = new ArrayList<>();

    private final ParquetPartWriter writer;
    private final BlockingQueue<List<GenericRecord>> queue = new ArrayBlockingQueue<>(8);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile List<Manifest.LakeObject> written;
    private List<GenericRecord> chunk = new ArrayList<>(CHUNK);

    public BackgroundPartWriter(ParquetPartWriter writer, String threadName) {
        this.writer = writer;
        this.thread = new Thread(this::drain, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public void write(GenericRecord record) throws IOException, InterruptedException {
        chunk.add(record);
        if (chunk.size() == CHUNK) {
            hand(chunk);
            chunk = new ArrayList<>(CHUNK);
        }
    }

    /** Waits for every record to be written and uploaded; returns the objects, in order. */
    public List<Manifest.LakeObject> finish() throws IOException, InterruptedException {
        if (!chunk.isEmpty()) {
            hand(chunk);
            chunk = new ArrayList<>();
        }
        hand(END);
        thread.join();
        rethrow();
        return written;
    }

    private void hand(List<GenericRecord> records) throws IOException, InterruptedException {
        while (!queue.offer(records, 100, TimeUnit.MILLISECONDS)) {
            rethrow();
            if (!thread.isAlive()) {
                throw new IOException("The Parquet writer thread stopped");
            }
        }
        rethrow();
    }

    private void drain() {
        try {
            while (true) {
                List<GenericRecord> records = queue.take();
                if (records == END) {
                    written = writer.finish();
                    return;
                }
                for (GenericRecord r : records) {
                    writer.write(r);
                }
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
            throw new IOException("Writing Parquet failed: " + e, e);
        }
    }

    /** Stops the thread (when the caller failed) and deletes what was not uploaded. */
    @Override
    public void close() throws IOException {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
