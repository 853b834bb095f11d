package io.pipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends the lines of a benchmark's result to the report file (and prints them). */
final class Report {

    private final Path file;

    Report(Path file) {
        this.file = file;
    }

    void line(String text) {
        System.out.println(text);
        try {
            Files.writeString(file, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String seconds(long nanos) {
        return String.format("%.2f s", nanos / 1e9);
    }

    static String rate(long rows, long nanos) {
        return String.format("%,.0f", rows / (nanos / 1e9));
    }
}
