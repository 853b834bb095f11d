package io.pipelines.quality;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    private final Path dir;
    private final DataOutputStream[] out = new DataOutputStream[PARTITIONS];

    SpilledLongs(Path spoolDir) {
        try {
            Files.createDirectories(spoolDir);
            this.dir = Files.createTempDirectory(spoolDir, "unique");
            for (int i = 0; i < PARTITIONS; i++) {
                out[i] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(i)), 1 << 15));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spool values for a uniqueness check under " + spoolDir, e);
        }
    }

    void add(long value) {
        try {
            out[Math.floorMod(Long.hashCode(value * 0x9E3779B97F4A7C15L), PARTITIONS)].writeLong(value);
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
            for (DataOutputStream o : out) {
                o.close();
            }
            for (int i = 0; i < PARTITIONS; i++) {
                LongSet seen = new LongSet();
                LongSet twice = new LongSet();
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(i)), 1 << 15))) {
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
                Files.deleteIfExists(file(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(int partition) {
        return dir.resolve("part-" + partition + ".bin");
    }

    @Override
    public void close() {
        for (DataOutputStream o : out) {
            try {
                o.close();
            } catch (IOException ignored) {
                // already closed, or nothing more to flush
            }
        }
        try {
            for (int i = 0; i < PARTITIONS; i++) {
                Files.deleteIfExists(file(i));
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
