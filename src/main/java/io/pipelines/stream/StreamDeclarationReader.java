package io.pipelines.stream;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.stream.StreamDeclaration.Field;
import io.pipelines.stream.StreamDeclaration.FieldType;

/**
 * Reads a stream's YAML declaration (see {@code streams/orders-stream.yaml} for every key). Anything
 * wrong (an unknown key, a missing one, a type, a limit, a field named that the record does not have)
 * is refused with a {@link StreamDeclarationException} naming the file, the line and the key. Scalar
 * values may hold {@code ${...}} placeholders, resolved from the service's settings and environment.
 */
public final class StreamDeclarationReader {

    /** Columns the staging table has besides the fields: a field may not take their names. */
    static final Set<String> STAGING_COLUMNS = Set.of("kafka_partition", "kafka_offset", "lake_key", "loaded_at");
    /** Columns the window table has besides those declared. */
    static final Set<String> WINDOW_COLUMNS = Set.of("corrections", "updated_at");
    static final int DEFAULT_MAX_LENGTH = 1000;
    static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(30);

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d{1,4}),\\s*(\\d{1,4})\\)");

    private final String file;
    private final UnaryOperator<String> placeholders;

    private StreamDeclarationReader(String file, UnaryOperator<String> placeholders) {
        this.file = file;
        this.placeholders = placeholders;
    }

    /** The declaration in {@code text}, read from {@code file}; placeholders resolved by {@code placeholders}. */
    public static StreamDeclaration read(String file, String text, UnaryOperator<String> placeholders) {
        return new StreamDeclarationReader(file, placeholders).read(text);
    }

    private StreamDeclaration read(String text) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new StreamDeclarationException(file, 0, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new StreamDeclarationException(file, 0, "the file is empty");
        }
        Map<String, NodeTuple> top = mapping(root, "the file", Set.of("stream", "source", "record", "staging", "window",
                "lake", "quality"));
        String name = text(required(top, root, "stream"), "stream");
        if (!NAME.matcher(name).matches()) {
            throw error(top.get("stream").getValueNode(), "stream: '" + name + "' is not a name of lower-case letters, "
                    + "digits and _");
        }
        Node sourceNode = required(top, root, "source");
        Map<String, NodeTuple> source = mapping(sourceNode, "source", Set.of("topic", "group", "deadLetterTopic"));
        StreamDeclaration.Source from = new StreamDeclaration.Source(
                text(required(source, sourceNode, "source.topic"), "source.topic"),
                text(required(source, sourceNode, "source.group"), "source.group"),
                text(required(source, sourceNode, "source.deadLetterTopic"), "source.deadLetterTopic"));
        if (from.topic().equals(from.deadLetterTopic())) {
            throw error(source.get("deadLetterTopic").getValueNode(), "source.deadLetterTopic: the dead letters need a "
                    + "topic of their own, not " + from.topic());
        }
        StreamDeclaration.RecordSchema record = record(required(top, root, "record"));
        String staging = table(required(top, root, "staging"), "staging");
        StreamDeclaration.Window window = window(required(top, root, "window"), record);
        Map<String, NodeTuple> lake = mapping(required(top, root, "lake"), "lake", Set.of("prefix"));
        Node prefixNode = required(lake, top.get("lake").getValueNode(), "lake.prefix");
        String prefix = text(prefixNode, "lake.prefix").replaceAll("/+$", "");
        if (prefix.isBlank() || prefix.startsWith("/")) {
            throw error(prefixNode, "lake.prefix: '" + prefix + "' must be a relative key prefix such as raw/stream/orders");
        }
        String suite = null;
        if (top.containsKey("quality")) {
            Map<String, NodeTuple> quality = mapping(top.get("quality").getValueNode(), "quality", Set.of("suite"));
            suite = text(required(quality, top.get("quality").getValueNode(), "quality.suite"), "quality.suite");
        }
        return new StreamDeclaration(file, name, from, record, staging, window, prefix, suite);
    }

    private StreamDeclaration.RecordSchema record(Node node) {
        Map<String, NodeTuple> record = mapping(node, "record", Set.of("key", "eventTime", "fields"));
        Node fieldsNode = required(record, node, "record.fields");
        if (!(fieldsNode instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw error(fieldsNode, "record.fields: a list of at least one field");
        }
        List<Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Field f = field(list.getValue().get(i), "record.fields[" + i + "]");
            if (!names.add(f.name())) {
                throw error(list.getValue().get(i), "record.fields[" + i + "].name: " + f.name() + " is declared twice");
            }
            fields.add(f);
        }
        int key = fieldOf(record, node, "record.key", fields, FieldType.TEXT, "record.key");
        int eventTime = fieldOf(record, node, "record.eventTime", fields, FieldType.TIMESTAMPTZ, "record.eventTime");
        return new StreamDeclaration.RecordSchema(fields, key, eventTime);
    }

    /** The position of the required field of this type that the key names. */
    private int fieldOf(Map<String, NodeTuple> map, Node parent, String key, List<Field> fields, FieldType type, String where) {
        Node node = required(map, parent, key);
        String name = text(node, where);
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.name().equals(name)) {
                if (f.type() != type || !f.required()) {
                    throw error(node, where + ": field " + name + " must be a required " + type.sql() + " field (it is "
                            + (f.required() ? "" : "optional ") + f.typeName() + ")");
                }
                return i;
            }
        }
        throw error(node, where + ": no field " + name + " in record.fields");
    }

    private Field field(Node node, String where) {
        Map<String, NodeTuple> f = mapping(node, where, Set.of("name", "type", "required", "maxLength", "min", "max"));
        Node nameNode = required(f, node, where + ".name");
        String name = text(nameNode, where + ".name");
        if (!NAME.matcher(name).matches()) {
            throw error(nameNode, where + ".name: '" + name + "' is not a column name of lower-case letters, digits and _");
        }
        if (STAGING_COLUMNS.contains(name)) {
            throw error(nameNode, where + ".name: " + name + " is a column the staging table has for every stream");
        }
        Node typeNode = required(f, node, where + ".type");
        String typeText = text(typeNode, where + ".type");
        FieldType type;
        int precision = 0;
        int scale = 0;
        Matcher numeric = NUMERIC.matcher(typeText);
        if (numeric.matches()) {
            type = FieldType.NUMERIC;
            precision = Integer.parseInt(numeric.group(1));
            scale = Integer.parseInt(numeric.group(2));
            if (precision < 1 || precision > 1000 || scale > precision) {
                throw error(typeNode, where + ".type: " + typeText + " needs 1 <= precision <= 1000 and scale <= precision");
            }
        } else {
            type = switch (typeText) {
                case "text" -> FieldType.TEXT;
                case "bigint" -> FieldType.BIGINT;
                case "integer" -> FieldType.INTEGER;
                case "boolean" -> FieldType.BOOLEAN;
                case "timestamptz" -> FieldType.TIMESTAMPTZ;
                default -> throw error(typeNode, where + ".type: unknown type '" + typeText + "' (text, bigint, integer, "
                        + "numeric(p,s), boolean or timestamptz)");
            };
        }
        boolean required = !f.containsKey("required") || bool(f.get("required").getValueNode(), where + ".required");
        int maxLength = DEFAULT_MAX_LENGTH;
        if (f.containsKey("maxLength")) {
            if (type != FieldType.TEXT) {
                throw error(f.get("maxLength").getKeyNode(), where + ".maxLength: only a text field has one");
            }
            maxLength = positive(f.get("maxLength").getValueNode(), where + ".maxLength");
        }
        BigDecimal min = bound(f, "min", type, where);
        BigDecimal max = bound(f, "max", type, where);
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw error(f.get("max").getValueNode(), where + ".max: " + max + " is below min " + min);
        }
        return new Field(name, type, precision, scale, required, maxLength, min, max);
    }

    private BigDecimal bound(Map<String, NodeTuple> f, String key, FieldType type, String where) {
        if (!f.containsKey(key)) {
            return null;
        }
        Node node = f.get(key).getValueNode();
        if (type != FieldType.BIGINT && type != FieldType.INTEGER && type != FieldType.NUMERIC) {
            throw error(f.get(key).getKeyNode(), where + "." + key + ": only a number field has one");
        }
        String value = text(node, where + "." + key);
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw error(node, where + "." + key + ": '" + value + "' is not a number");
        }
    }

    private StreamDeclaration.Window window(Node node, StreamDeclaration.RecordSchema record) {
        Map<String, NodeTuple> w = mapping(node, "window", Set.of("table", "size", "start", "groupBy", "count", "sums",
                "maxOutOfOrderness", "allowedLateness"));
        String table = table(required(w, node, "window.table"), "window.table");
        Node sizeNode = required(w, node, "window.size");
        Duration size = duration(sizeNode, "window.size");
        String sizeText = text(sizeNode, "window.size");
        if (size.toSeconds() < 1 || size.toNanos() % 1_000_000_000L != 0) {
            throw error(sizeNode, "window.size: " + sizeText + " must be whole seconds, at least 1s");
        }
        Set<String> columns = new HashSet<>(WINDOW_COLUMNS);
        String start = column(required(w, node, "window.start"), "window.start", columns);
        Node groupNode = required(w, node, "window.groupBy");
        if (!(groupNode instanceof SequenceNode groups)) {
            throw error(groupNode, "window.groupBy: a list of fields (may be empty: [])");
        }
        List<String> groupBy = new ArrayList<>();
        for (int i = 0; i < groups.getValue().size(); i++) {
            Node g = groups.getValue().get(i);
            String where = "window.groupBy[" + i + "]";
            String field = column(g, where, columns);
            Field f = declared(record, field, g, where);
            if (!f.required()) {
                throw error(g, where + ": field " + field + " is optional; a window is keyed by required fields only");
            }
            groupBy.add(field);
        }
        String count = column(required(w, node, "window.count"), "window.count", columns);
        Map<String, String> sums = new LinkedHashMap<>();
        if (w.containsKey("sums")) {
            Node sumsNode = w.get("sums").getValueNode();
            for (NodeTuple t : mapping(sumsNode, "window.sums", null).values()) {
                String column = column(t.getKeyNode(), "window.sums", columns);
                String where = "window.sums." + column;
                String field = text(t.getValueNode(), where);
                Field f = declared(record, field, t.getValueNode(), where);
                if (f.type() != FieldType.BIGINT && f.type() != FieldType.INTEGER && f.type() != FieldType.NUMERIC) {
                    throw error(t.getValueNode(), where + ": field " + field + " is " + f.typeName() + ", not a number");
                }
                sums.put(column, field);
            }
        }
        Duration outOfOrderness = w.containsKey("maxOutOfOrderness")
                ? duration(w.get("maxOutOfOrderness").getValueNode(), "window.maxOutOfOrderness") : DEFAULT_OUT_OF_ORDERNESS;
        Duration lateness = w.containsKey("allowedLateness")
                ? duration(w.get("allowedLateness").getValueNode(), "window.allowedLateness") : Duration.ZERO;
        return new StreamDeclaration.Window(table, size, start, groupBy, count, sums, outOfOrderness, lateness);
    }

    /** A duration of zero or more (1h, 30s, 500ms, PT1M). */
    private Duration duration(Node node, String where) {
        String value = text(node, where);
        try {
            Duration d = DurationStyle.detectAndParse(value);
            if (!d.isNegative()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw error(node, where + ": '" + value + "' is not a duration such as 1h, 1m or 30s");
    }

    private Field declared(StreamDeclaration.RecordSchema record, String field, Node node, String where) {
        return record.fields().stream().filter(f -> f.name().equals(field)).findFirst()
                .orElseThrow(() -> error(node, where + ": no field " + field + " in record.fields"));
    }

    /** A column name, not one taken already in the same table. */
    private String column(Node node, String where, Set<String> taken) {
        String name = text(node, where);
        if (!NAME.matcher(name).matches()) {
            throw error(node, where + ": '" + name + "' is not a column name of lower-case letters, digits and _");
        }
        if (!taken.add(name)) {
            throw error(node, where + ": column " + name + " is used twice in the window's table"
                    + (WINDOW_COLUMNS.contains(name) ? " (it has " + String.join(" and ", WINDOW_COLUMNS.stream().sorted().toList())
                    + " for every stream)" : ""));
        }
        return name;
    }

    private String table(Node node, String where) {
        String table = text(node, where);
        try {
            SqlIdentifiers.qualified(table, where);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
        return table;
    }

    /** The keys of a mapping (null allowed: any key), each checked against {@code allowed}. */
    private Map<String, NodeTuple> mapping(Node node, String where, Set<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            throw error(node, where + ": a mapping of keys to values");
        }
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String prefix = where.equals("the file") ? "" : where + ".";
            if (key == null || allowed != null && !allowed.contains(key)) {
                throw error(t.getKeyNode(), prefix + key + ": unknown key (" + (allowed == null ? "" : "expected one of "
                        + String.join(", ", allowed.stream().sorted().toList())) + ")");
            }
            if (keys.put(key, t) != null) {
                throw error(t.getKeyNode(), prefix + key + ": given twice");
            }
        }
        return keys;
    }

    /** The value of a key that must be there; {@code key} is its whole path, such as record.fields. */
    private Node required(Map<String, NodeTuple> map, Node parent, String key) {
        NodeTuple t = map.get(key.substring(key.lastIndexOf('.') + 1));
        if (t == null) {
            throw error(parent, key + " is missing");
        }
        return t.getValueNode();
    }

    private String text(Node node, String where) {
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            throw error(node, where + ": a value is missing");
        }
        try {
            return placeholders.apply(s.getValue()).strip();
        } catch (IllegalArgumentException e) {
            throw error(node, where + ": " + e.getMessage());
        }
    }

    private boolean bool(Node node, String where) {
        String value = text(node, where);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, where + ": '" + value + "' is not true or false");
        };
    }

    private int positive(Node node, String where) {
        String value = text(node, where);
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw error(node, where + ": '" + value + "' is not a whole number above 0");
    }

    private StreamDeclarationException error(Node node, String problem) {
        return new StreamDeclarationException(file, node.getStartMark().getLine() + 1, problem);
    }
}
