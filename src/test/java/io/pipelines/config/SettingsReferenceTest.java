package io.pipelines.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docs/settings.md, the reference of every pipelines.* setting, is generated: each setting's
 * meaning is the Javadoc of its field (through Spring Boot's configuration metadata, or the field
 * itself for the entries of a map), its environment variable and default are those application.yml
 * gives it. So a setting is described once, next to its field. After changing one, run
 * {@code ./mvnw test -Dtest=SettingsReferenceTest -Dpipelines.docs.update=true} to write it again.
 */
class SettingsReferenceTest {

    private static final Path REFERENCE = Path.of("docs/settings.md");
    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::(.*))?}");
    /** A documented field: its Javadoc, then (after annotations) the field, with or without a value. */
    private static final Pattern FIELD = Pattern.compile(
            "/\\*\\*\\s*(.*?)\\s*\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*private (?:final )?[\\w.<>, ]+? (\\w+)(?: = ([^;]+))?;"
                    + "((?:\\s*private (?:final )?[\\w.<>, ]+? \\w+(?: = [^;]+)?;)*)", Pattern.DOTALL);
    private static final Pattern MORE = Pattern.compile("private (?:final )?[\\w.<>, ]+? (\\w+)(?: = ([^;]+))?;");

    @Test
    void theReferenceIsGeneratedFromTheFieldsAndApplicationYml() throws Exception {
        String generated = generate();
        if (Boolean.getBoolean("pipelines.docs.update")) {
            Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/settings.md (run this test with -Dpipelines.docs.update=true to write it again)")
                .isEqualTo(generated);
    }

    private static String generate() throws Exception {
        Map<String, String> yml = new LinkedHashMap<>();
        String base = Files.readString(Path.of("application.yml"), StandardCharsets.UTF_8).split("\n---\n")[0];
        flatten("", new Yaml().load(base), yml);
        List<String[]> rows = new ArrayList<>();
        for (JsonNode p : new ObjectMapper().readTree(METADATA.toFile()).get("properties")) {
            String name = p.get("name").asText();
            if (!name.startsWith("pipelines.") || name.startsWith("pipelines.local.")) {
                continue;
            }
            if (name.equals("pipelines.connections")) {
                fields(rows, "pipelines.connections.<name>.", section("PipelinesProperties.java", "class Connection"), yml);
            } else if (name.equals("pipelines.sources")) {
                String source = Files.readString(Path.of("src/main/java/io/pipelines/config/SourceSettings.java"));
                fields(rows, "pipelines.sources.<name>.", source.substring(source.indexOf("public class SourceSettings"),
                        source.indexOf("class Http")), yml);
                fields(rows, "pipelines.sources.<name>.http.", source.substring(source.indexOf("class Http")), yml);
            } else if (name.equals("pipelines.security.users")) {
                fields(rows, "pipelines.security.users.<name>.", section("PipelinesProperties.java", "class User"), yml);
            } else {
                String text = p.has("description") ? p.get("description").asText() : "";
                rows.add(new String[] {name, text, p.has("defaultValue") ? p.get("defaultValue").asText() : ""});
            }
        }
        StringBuilder md = new StringBuilder("""
                # Settings

                Every `pipelines.*` setting of the service (generated from the Javadoc of its field by
                `SettingsReferenceTest`; do not edit by hand). Give them in `application.yml`, as environment
                variables where one is named, or as `--name=value` arguments. Durations read `500ms`, `4s`, `2m`.
                The local lab's own settings (`pipelines.local.*`) are in `src/test/java/io/pipelines/local/LocalServersProperties.java`.

                | setting | environment | default | meaning |
                | --- | --- | --- | --- |
                """);
        for (String[] row : rows) {
            String raw = yml.get(row[0]);
            Matcher env = raw == null ? null : PLACEHOLDER.matcher(raw);
            boolean placeholder = env != null && env.matches();
            String value = placeholder ? (env.group(2) == null ? "" : env.group(2)) : raw != null ? raw : row[2];
            md.append("| `").append(row[0]).append("` | ").append(placeholder ? "`" + env.group(1) + "`" : "")
                    .append(" | ").append(value == null || value.isEmpty() || value.equals("null") ? "" : "`" + value + "`")
                    .append(" | ").append(row[1].replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        return md.toString();
    }

    private static String section(String file, String start) throws Exception {
        String text = Files.readString(Path.of("src/main/java/io/pipelines/config/" + file));
        int from = text.indexOf(start);
        return text.substring(from, text.indexOf("\n    }\n", from));
    }

    /** The documented fields of a class body; a field right after another without a doc of its own shares it. */
    private static void fields(List<String[]> rows, String prefix, String body, Map<String, String> yml) {
        Matcher m = FIELD.matcher(body);
        while (m.find()) {
            String doc = m.group(1).replaceFirst("^\\*\\s*", "").replaceAll("\\s*\\n\\s*\\*\\s*", " ")
                    .replaceAll("\\{@code ([^}]*)}", "`$1`");
            rows.add(new String[] {prefix + kebab(m.group(2)), doc, value(m.group(3))});
            Matcher more = MORE.matcher(m.group(4));
            while (more.find()) {
                rows.add(new String[] {prefix + kebab(more.group(1)), doc, value(more.group(2))});
            }
        }
    }

    private static String value(String java) {
        if (java == null || java.startsWith("new ")) {
            return "";
        }
        Matcher duration = Pattern.compile("Duration\\.of(Seconds|Minutes|Millis)\\((\\d+)\\)").matcher(java);
        if (duration.matches()) {
            return duration.group(2) + switch (duration.group(1)) { case "Seconds" -> "s"; case "Minutes" -> "m"; default -> "ms"; };
        }
        Matcher size = Pattern.compile("DataSize\\.ofMegabytes\\((\\d+)\\)").matcher(java);
        if (size.matches()) {
            return size.group(1) + "MB";
        }
        return java.matches("[\\d_]+L?") ? java.replace("_", "").replace("L", "") : java.replace("\"", "");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, into));
        } else if (node != null) {
            into.put(prefix, String.valueOf(node));
        }
    }
}
