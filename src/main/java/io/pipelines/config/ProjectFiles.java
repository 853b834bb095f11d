package io.pipelines.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Files of the project read at run time (sql/, quality/), relative to the working folder. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    public static Path path(String relative) {
        return Path.of(relative);
    }

    /** The file's text; a missing file is named with the folder it was looked for in. */
    public static String read(String relative) {
        Path file = path(relative);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("File " + relative + " not found (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
        }
    }
}
