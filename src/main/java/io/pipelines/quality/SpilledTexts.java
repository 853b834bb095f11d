package io.pipelines.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Finds the repeated values among any number of texts in bounded memory, as {@link SpilledLongs}
 * does for whole numbers: each text (exact, every char) is written with its position to one of
 * {@value #PARTITIONS} files by hash, then each file is checked alone with an in-memory map of its
 * distinct texts. Memory is one file's distinct texts (a sixty-fourth of the whole) and the samples.
 * The same files count the distinct texts ({@link #forEachDistinct}).
 */
final class SpilledTexts implements AutoCloseable {

    private static final int PARTITIONS = 64;

    /** Every occurrence of a repeated text counted; the first of them, in the order they were added. */
    record Repeated(long count, List<String> first) {
    }

    /** One occurrence: where it was added, and the text. */
    private record Occurrence(long position, String text) {
    }

    private final SpillFiles files;
    private long added;

    SpilledTexts(Path spoolDir) {
        this.files = new SpillFiles(spoolDir, PARTITIONS);
    }

    void add(String text) {
        try {
            DataOutputStream out = files.out(Math.floorMod(text.hashCode() * 0x9E3779B9, PARTITIONS));
            out.writeLong(added++);
            out.writeInt(text.length());
            out.writeChars(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The occurrences of every text added more than once: how many, and the first {@code samples} in order. */
    Repeated repeated(int samples) {
        long count = 0;
        // The latest of the earliest occurrences on top, to be dropped when an earlier one comes.
        PriorityQueue<Occurrence> earliest = new PriorityQueue<>(Comparator.comparingLong(Occurrence::position).reversed());
        try {
            files.finishWriting();
            for (int i = 0; i < PARTITIONS; i++) {
                Map<String, long[]> seen = new HashMap<>(); // text -> {its first position, how often it came}
                try (DataInputStream in = files.in(i)) {
                    while (true) {
                        long position;
                        try {
                            position = in.readLong();
                        } catch (EOFException end) {
                            break;
                        }
                        String text = read(in);
                        long[] first = seen.putIfAbsent(text, new long[] {position, 1});
                        if (first == null) {
                            continue;
                        }
                        if (++first[1] == 2) {
                            count++;
                            keep(earliest, new Occurrence(first[0], text), samples);
                        }
                        count++;
                        keep(earliest, new Occurrence(position, text), samples);
                    }
                }
                files.delete(i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Occurrence> ordered = new ArrayList<>(earliest);
        ordered.sort(Comparator.comparingLong(Occurrence::position));
        return new Repeated(count, ordered.stream().map(Occurrence::text).toList());
    }

    /** Calls {@code each} once for every distinct text added, with how many times it was added (in no order). */
    void forEachDistinct(java.util.function.ObjLongConsumer<String> each) {
        try {
            files.finishWriting();
            for (int i = 0; i < PARTITIONS; i++) {
                Map<String, long[]> counts = new HashMap<>();
                try (DataInputStream in = files.in(i)) {
                    while (true) {
                        try {
                            in.readLong();
                        } catch (EOFException end) {
                            break;
                        }
                        counts.computeIfAbsent(read(in), t -> new long[1])[0]++;
                    }
                }
                files.delete(i);
                counts.forEach((text, n) -> each.accept(text, n[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keep(PriorityQueue<Occurrence> earliest, Occurrence o, int samples) {
        if (earliest.size() < samples) {
            earliest.add(o);
        } else if (samples > 0 && o.position() < earliest.peek().position()) {
            earliest.poll();
            earliest.add(o);
        }
    }

    private static String read(DataInputStream in) throws IOException {
        char[] chars = new char[in.readInt()];
        for (int c = 0; c < chars.length; c++) {
            chars[c] = in.readChar();
        }
        return new String(chars);
    }

    @Override
    public void close() {
        files.close();
    }
}
