package io.pipelines.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.pipelines.config.ProjectFiles;

/**
 * The streams declared in {@code streams/*.yaml} (relative to the working folder, like sql/ and
 * quality/), read and checked once at start-up: a file that cannot be used stops the service with a
 * message naming it, its line and the key.
 */
@Component
public class StreamDeclarations {

    /** The folder of the declarations. */
    public static final String FOLDER = "streams";

    private final Map<String, StreamDeclaration> byName = new LinkedHashMap<>();

    @Autowired
    public StreamDeclarations(Environment environment) {
        this(read(environment));
    }

    public StreamDeclarations(List<StreamDeclaration> declarations) {
        for (StreamDeclaration d : declarations) {
            StreamDeclaration before = byName.putIfAbsent(d.name(), d);
            if (before != null) {
                throw new StreamDeclarationException(d.file(), 0, "stream " + d.name() + " is declared in "
                        + before.file() + " too");
            }
        }
    }

    /** The declaration of this stream; an error naming the folder when there is none. */
    public StreamDeclaration get(String stream) {
        StreamDeclaration d = byName.get(stream);
        if (d == null) {
            throw new IllegalStateException("No stream " + stream + " is declared in " + FOLDER + "/*.yaml (declared: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return d;
    }

    public List<StreamDeclaration> all() {
        return List.copyOf(byName.values());
    }

    private static List<StreamDeclaration> read(Environment environment) {
        Path folder = ProjectFiles.path(FOLDER);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted()
                    .map(f -> FOLDER + "/" + f.getFileName())
                    .map(file -> StreamDeclarationReader.read(file, ProjectFiles.read(file),
                            environment::resolveRequiredPlaceholders))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder.toAbsolutePath(), e);
        }
    }
}
