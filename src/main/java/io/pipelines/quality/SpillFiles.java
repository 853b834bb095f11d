package io.pipelines.quality;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a uniqueness check spreads its values over (one per partition, in a folder of its own
 * under the spool folder), so that each partition is then checked alone in memory. Deleted as each
 * partition is read, and all of them on close.
 */
final class SpillFiles implements AutoCloseable {

    private static final int BUFFER = 1 << 15;

    private final Path dir;
    private final DataOutputStream[] out;

    SpillFiles(Path spoolDir, int partitions) {
        try {
            Files.createDirectories(spoolDir);
            this.dir = Files.createTempDirectory(spoolDir, "unique");
            this.out = new DataOutputStream[partitions];
            for (int i = 0; i < partitions; i++) {
                out[i] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(i)), BUFFER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spool values for a uniqueness check under " + spoolDir, e);
        }
    }

    int partitions() {
        return out.length;
    }

    /** Where the values of {@code partition} are written. */
    DataOutputStream out(int partition) {
        return out[partition];
    }

    /** Ends the writing (once); then each partition may be read. */
    void finishWriting() throws IOException {
        for (DataOutputStream o : out) {
            o.close();
        }
    }

    DataInputStream in(int partition) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file(partition)), BUFFER));
    }

    /** Deletes a partition once read. */
    void delete(int partition) throws IOException {
        Files.deleteIfExists(file(partition));
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
            for (int i = 0; i < out.length; i++) {
                delete(i);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
