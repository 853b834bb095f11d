package io.pipelines.quality;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Finds the repeated values among any number of longs in bounded memory: the values are spread
 * over {@value #PARTITIONS} files on disk by hash, then each file is checked alone with an
 * in-memory set. Memory is one file's distinct values (a sixteenth of the whole) plus small
 * buffers, so 10 million ids are checked in a few tens of MB.
 */
final class SpilledLongs implements AutoCloseable {

    private static final int PARTITIONS = 16;

    private final SpillFiles files;

    SpilledLongs(Path spoolDir) {
        this.files = new SpillFiles(spoolDir, PARTITIONS);
    }

    void add(long value) {
        try {
            files.out(Math.floorMod(Long.hashCode(value * 0x9E3779B97F4A7C15L), PARTITIONS)).writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Calls {@code repeated} once for every occurrence of every value that occurs more than once
     * (the rows Great Expectations counts as unexpected).
     */
    void forEachRepeated(LongConsumer repeated) {
        try {
            files.finishWriting();
            for (int i = 0; i < PARTITIONS; i++) {
                LongSet seen = new LongSet();
                LongSet twice = new LongSet();
                try (DataInputStream in = files.in(i)) {
                    while (true) {
                        long v;
                        try {
                            v = in.readLong();
                        } catch (EOFException end) {
                            break;
                        }
                        if (!seen.add(v)) {
                            if (twice.add(v)) {
                                repeated.accept(v); // its first occurrence
                            }
                            repeated.accept(v);
                        }
                    }
                }
                files.delete(i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        files.close();
    }
}
