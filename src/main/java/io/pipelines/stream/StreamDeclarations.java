package io.pipelines.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;

/**
 * The streams declared in the *.yaml files of pipelines.stream.folders (streams/ by default), read
 * and checked once at start-up: a file that cannot be used stops the service with a message naming
 * it, its line and the key; two files declaring one stream too.
 */
@Component
public class StreamDeclarations {

    /** The folder of the declarations shipped with the service. */
    public static final String FOLDER = "streams";

    private final List<String> folders;
    private final Map<String, StreamDeclaration> byName = new LinkedHashMap<>();

    /**
     * The settings of the one stream there was, now keys of each stream's file (setting, key): refused
     * when given, so that none is silently ignored after an upgrade.
     */
    static final Map<String, String> MOVED = new java.util.TreeMap<>(Map.of(
            "pipelines.stream.name", "stream",
            "pipelines.stream.topic", "source.topic",
            "pipelines.stream.group-id", "source.group",
            "pipelines.stream.dead-letter-topic", "source.deadLetterTopic",
            "pipelines.stream.max-out-of-orderness", "window.maxOutOfOrderness",
            "pipelines.stream.allowed-lateness", "window.allowedLateness",
            "pipelines.stream.lake-prefix", "lake.prefix"));

    @Autowired
    public StreamDeclarations(PipelinesProperties properties, Environment environment) {
        this(properties.getStream().getFolders(), read(properties.getStream().getFolders(), refuseMoved(environment)));
    }

    private static Environment refuseMoved(Environment environment) {
        List<String> given = MOVED.entrySet().stream().filter(m -> environment.containsProperty(m.getKey()))
                .map(m -> m.getKey() + " (now " + m.getValue() + ")").toList();
        if (!given.isEmpty()) {
            throw new IllegalStateException("These settings are no longer read: " + String.join(", ", given) + ". Each "
                    + "stream's file under streams/ says them; orders_stream's (streams/orders-stream.yaml) takes them from "
                    + "ORDERS_TOPIC, ORDERS_STREAM_GROUP, ORDERS_DLQ_TOPIC, ORDERS_STREAM_MAX_OUT_OF_ORDERNESS and "
                    + "ORDERS_STREAM_ALLOWED_LATENESS");
        }
        return environment;
    }

    /** Those of the folders the environment's pipelines.stream.folders names (for code that runs before the settings are bound). */
    public StreamDeclarations(Environment environment) {
        this(folders(environment), read(folders(environment), environment));
    }

    public StreamDeclarations(List<String> folders, List<StreamDeclaration> declarations) {
        this.folders = List.copyOf(folders);
        for (StreamDeclaration d : declarations) {
            StreamDeclaration before = byName.putIfAbsent(d.name(), d);
            if (before != null) {
                throw new StreamDeclarationException(d.file(), 0, "stream " + d.name() + " is declared in "
                        + before.file() + " too");
            }
        }
    }

    /** The declaration of this stream; an error naming the folders when there is none. */
    public StreamDeclaration get(String stream) {
        StreamDeclaration d = byName.get(stream);
        if (d == null) {
            throw new IllegalArgumentException("No stream " + stream + " is declared in " + where() + " (declared: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return d;
    }

    public boolean has(String stream) {
        return byName.containsKey(stream);
    }

    public List<StreamDeclaration> all() {
        return List.copyOf(byName.values());
    }

    /** Where declarations are read from, for messages: streams/*.yaml, ... */
    public String where() {
        return String.join(", ", folders.stream().map(f -> f.replaceAll("/+$", "") + "/*.yaml").toList());
    }

    private static List<String> folders(Environment environment) {
        return Binder.get(environment).bind("pipelines.stream.folders", Bindable.listOf(String.class))
                .orElse(List.of(FOLDER));
    }

    private static List<StreamDeclaration> read(List<String> folders, Environment environment) {
        List<StreamDeclaration> declarations = new ArrayList<>();
        for (String name : folders) {
            String folder = name.replaceAll("/+$", "");
            Path dir = ProjectFiles.path(folder);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("pipelines.stream.folders: " + folder + " is not a folder (relative "
                        + "paths start at " + Path.of("").toAbsolutePath() + ")");
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(f)).sorted()
                        .map(f -> folder + "/" + f.getFileName())
                        .map(file -> StreamDeclarationReader.read(file, ProjectFiles.read(file),
                                environment::resolveRequiredPlaceholders))
                        .forEach(declarations::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + dir.toAbsolutePath(), e);
            }
        }
        return declarations;
    }
}
