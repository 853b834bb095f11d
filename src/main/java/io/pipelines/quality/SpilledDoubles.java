package io.pipelines.quality;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The order statistics (median, quantiles) of any number of values in bounded memory: the values are
 * written to a file; up to {@code inMemory} of them are then sorted in memory, more are searched in the
 * file sixteen bits of their order at a time (four reads of the file for one statistic, 65,536 counters).
 */
final class SpilledDoubles implements AutoCloseable {

    static final int IN_MEMORY = 1 << 22;
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final int inMemory;
    private DataOutputStream out;
    private long count;
    private double[] sorted;

    SpilledDoubles(Path spoolDir) {
        this(spoolDir, IN_MEMORY);
    }

    SpilledDoubles(Path spoolDir, int inMemory) {
        this.inMemory = inMemory;
        try {
            Files.createDirectories(spoolDir);
            this.file = Files.createTempFile(spoolDir, "quantiles", ".bin");
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spool values for a median or quantile under " + spoolDir, e);
        }
    }

    void add(double value) {
        try {
            out.writeDouble(value);
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long count() {
        return count;
    }

    /** The k-th smallest value, from 0. */
    double select(long k) {
        if (k < 0 || k >= count) {
            throw new IndexOutOfBoundsException(k + " of " + count);
        }
        finishWriting();
        if (count <= inMemory) {
            if (sorted == null) {
                sorted = new double[(int) count];
                read((i, v) -> sorted[(int) i] = v);
                Arrays.sort(sorted);
            }
            return sorted[(int) k];
        }
        long prefix = 0;
        long rank = k;
        for (int shift = 48; shift >= 0; shift -= 16) {
            long[] counts = new long[1 << 16];
            int matchShift = shift + 16;
            long wanted = prefix;
            read((i, v) -> {
                long key = key(v);
                if (matchShift == 64 || key >>> matchShift == wanted) {
                    counts[(int) ((key >>> (matchShift - 16)) & 0xFFFF)]++;
                }
            });
            int bucket = 0;
            while (rank >= counts[bucket]) {
                rank -= counts[bucket++];
            }
            prefix = (prefix << 16) | bucket;
        }
        return value(prefix);
    }

    /** The double's bits, flipped so that their unsigned order is the numbers' order. */
    private static long key(double v) {
        long bits = Double.doubleToLongBits(v);
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    private static double value(long key) {
        return Double.longBitsToDouble(key < 0 ? key ^ Long.MIN_VALUE : ~key);
    }

    private interface Reader {
        void value(long index, double value);
    }

    private void read(Reader reader) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
            for (long i = 0; i < count; i++) {
                reader.value(i, in.readDouble());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void finishWriting() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = null;
        }
    }

    @Override
    public void close() {
        try {
            finishWriting();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
