package io.pipelines.run;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The catalogue of building blocks: the Kamelets of the project's kamelets/ folder (the folder
 * Camel's kamelet component reads, camel.component.kamelet.location), read once for what Camel does
 * not check: each parameter's type, whether it is required or known at all. The same definitions
 * give the catalogue in the README (see {@link #markdown()}), so nothing is written twice.
 */
@Component
public class Blocks {

    /** The blocks that read a source after the pipeline's watermark (loaded by warehouse-load in mode upsert). */
    public static final java.util.Set<String> SOURCE_EXTRACTS = java.util.Set.of("table-extract", "api-extract");

    /** Types a parameter may have; file: a path under the project folder, checked to exist. */
    public static final List<String> TYPES = List.of("string", "integer", "number", "boolean", "duration", "size", "file");

    /** One parameter of a block. {@code defaultValue} null: none. */
    public record Parameter(String name, String title, String description, String type, String defaultValue,
                            List<String> allowed, boolean required) {
    }

    /** A block: a Kamelet of kamelets/, with its parameters in their order of definition. */
    public record Block(String name, String kind, String title, String description, Map<String, Parameter> parameters) {
    }

    private final Map<String, Block> blocks;

    public Blocks(@Value("${camel.component.kamelet.location:file:kamelets}") String location) {
        if (!location.startsWith("file:")) {
            throw new IllegalStateException("camel.component.kamelet.location: '" + location + "' is not a folder "
                    + "(file:<folder>), where the pipelines' building blocks are");
        }
        this.blocks = read(Path.of(location.substring("file:".length())));
    }

    public Optional<Block> find(String name) {
        return Optional.ofNullable(blocks.get(name));
    }

    public Collection<Block> all() {
        return blocks.values();
    }

    /** Reads every *.kamelet.yaml of the folder, in the order of their names. */
    static Map<String, Block> read(Path folder) {
        Map<String, Block> found = new LinkedHashMap<>();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("The building blocks' folder " + folder.toAbsolutePath() + " does not exist");
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".kamelet.yaml")).sorted().toList()) {
                Block block = block(file);
                found.put(block.name(), block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the building blocks of " + folder.toAbsolutePath(), e);
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Block block(Path file) throws IOException {
        Map<String, Object> root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        String where = file.toString();
        Map<String, Object> metadata = map(root, "metadata", where);
        String name = String.valueOf(metadata.get("name"));
        if (!file.getFileName().toString().equals(name + ".kamelet.yaml")) {
            throw new IllegalStateException(where + ": metadata.name is '" + name + "', so the file must be named "
                    + name + ".kamelet.yaml");
        }
        Map<String, Object> labels = metadata.get("labels") instanceof Map<?, ?> l ? (Map<String, Object>) l : Map.of();
        Map<String, Object> definition = map(map(root, "spec", where), "definition", where + ": spec");
        List<String> required = definition.get("required") instanceof List<?> r ? (List<String>) r : List.of();
        Map<String, Object> properties = definition.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            String at = where + ": spec.definition.properties." + property.getKey();
            Map<String, Object> p = property.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            String type = String.valueOf(p.getOrDefault("type", "string"));
            if (!TYPES.contains(type)) {
                throw new IllegalStateException(at + ".type: '" + type + "' is not one of " + TYPES);
            }
            List<String> allowed = p.get("enum") instanceof List<?> e ? e.stream().map(String::valueOf).toList() : List.of();
            parameters.put(property.getKey(), new Parameter(property.getKey(), text(p.get("title")),
                    text(p.get("description")), type, p.containsKey("default") ? String.valueOf(p.get("default")) : null,
                    allowed, required.contains(property.getKey())));
        }
        for (String r : required) {
            if (!parameters.containsKey(r)) {
                throw new IllegalStateException(where + ": spec.definition.required names '" + r + "', which is not a property");
            }
        }
        return new Block(name, String.valueOf(labels.getOrDefault("camel.apache.org/kamelet.type", "action")),
                text(definition.get("title")), text(definition.get("description")), parameters);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key, String where) {
        if (parent == null || !(parent.get(key) instanceof Map<?, ?> child)) {
            throw new IllegalStateException(where + ": no " + key + " section");
        }
        return (Map<String, Object>) child;
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value).strip();
    }

    /** The catalogue as Markdown: one section per block, a table of its parameters. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        for (Block b : blocks.values()) {
            md.append("#### `").append(b.name()).append("` (").append(b.kind()).append("): ").append(b.title())
                    .append("\n\n").append(escape(b.description())).append("\n\n")
                    .append("| parameter | type | default | meaning |\n| --- | --- | --- | --- |\n");
            for (Parameter p : b.parameters().values()) {
                String type = p.allowed().isEmpty() ? p.type() : String.join(" \\| ", p.allowed());
                String value = p.required() ? "required" : p.defaultValue() == null || p.defaultValue().isEmpty() ? "none"
                        : "`" + p.defaultValue() + "`";
                md.append("| `").append(p.name()).append("` | ").append(type).append(" | ").append(value).append(" | ")
                        .append(p.title()).append(": ").append(escape(p.description())).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Text as Markdown shows it: <a> is not taken for HTML, | does not end a table cell. */
    private static String escape(String text) {
        return text.replace("<", "\\<").replace("|", "\\|");
    }

    /** Names of the blocks, for messages. */
    public List<String> names() {
        return new ArrayList<>(blocks.keySet());
    }
}
