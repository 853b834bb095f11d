package io.pipelines.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A part of a document written from the code (between two marker lines), checked to be what the code
 * says; with {@code -Dpipelines.docs.update=true} it is written again first.
 */
public final class GeneratedSection {

    private GeneratedSection() {
    }

    /** Checks (or writes, then checks) the text between {@code start} (a whole line) and {@code end} in {@code doc}. */
    public static void check(Path doc, String start, String end, String generated, String testName) throws IOException {
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        assertThat(from).as(doc + " has the markers " + start.strip() + " and " + end).isGreaterThanOrEqualTo(0);
        assertThat(to).isGreaterThan(from);
        if (Boolean.getBoolean("pipelines.docs.update")) {
            text = text.substring(0, from + start.length()) + generated + text.substring(to);
            Files.writeString(doc, text, StandardCharsets.UTF_8);
            to = text.indexOf(end);
        }
        assertThat(text.substring(from + start.length(), to))
                .as("the generated part of " + doc + " (run " + testName + " with -Dpipelines.docs.update=true to write it again)")
                .isEqualTo(generated);
    }
}
