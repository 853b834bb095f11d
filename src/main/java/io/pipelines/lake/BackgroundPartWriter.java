package io.pipelines.lake;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.generic.GenericRecord;

import io.pipelines.util.ChunkWorker;

/**
 * Runs a {@link ParquetPartWriter} on a thread of its own, fed in chunks of records: the caller's
 * thread reads the source while this one encodes and uploads Parquet, so that the two use two cores.
 * Memory stays bounded by the worker's queue (a few chunks).
 */
public class BackgroundPartWriter implements Closeable {

    /** Records handed to the thread at once. */
    public static final int CHUNK = 2048;

    private final ParquetPartWriter writer;
    private final ChunkWorker<GenericRecord> worker;
    private List<GenericRecord> chunk = new ArrayList<>(CHUNK);

    public BackgroundPartWriter(ParquetPartWriter writer, String threadName) {
        this.writer = writer;
        this.worker = new ChunkWorker<>(threadName, records -> {
            for (GenericRecord r : records) {
                writer.write(r);
            }
        });
    }

    public void write(GenericRecord record) throws IOException, InterruptedException {
        chunk.add(record);
        if (chunk.size() == CHUNK) {
            writeChunk(chunk);
            chunk = new ArrayList<>(CHUNK);
        }
    }

    /** Hands a whole chunk over (the caller must not change it afterwards). */
    public void writeChunk(List<GenericRecord> records) throws IOException, InterruptedException {
        worker.submit(records);
    }

    /** Waits for every record to be written, uploads the last part; returns the objects, in order. */
    public List<Manifest.LakeObject> finish() throws IOException, InterruptedException {
        if (!chunk.isEmpty()) {
            writeChunk(chunk);
            chunk = new ArrayList<>();
        }
        worker.finish();
        return writer.finish();
    }

    /** Stops the thread (when the caller failed) and deletes what was not uploaded. */
    @Override
    public void close() throws IOException {
        worker.close();
        writer.close();
    }
}
