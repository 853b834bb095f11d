package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Great Expectations' own semantic cases for every expectation type taken here: the data, the
 * arguments and the expected success, unexpected values and observed value of each test GE runs on
 * PostgreSQL, from src/test/resources/quality/ge-cases (written from GE's tests/test_definitions by
 * convert.py there). Each case goes through the suite parser (a "refused" case must be refused there
 * or when the check starts, as GE raises) and a check over the case's rows, typed as GE types them
 * for PostgreSQL where the values fit.
 */
class GreatExpectationsCasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyCaseOfEveryType() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/quality/ge-cases"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode cases = JSON.readTree(file.toFile());
                String type = cases.get("expectation_type").asText();
                for (JsonNode dataset : cases.get("datasets")) {
                    for (JsonNode test : dataset.get("tests")) {
                        String name = type + ": " + test.get("title").asText();
                        tests.add(DynamicTest.dynamicTest(name, () -> check(name, type, dataset, test)));
                    }
                }
            }
        }
        assertThat(tests).as("cases read").hasSizeGreaterThan(300);
        assertThat(tests.stream().map(t -> t.getDisplayName().split(":")[0]).distinct())
                .as("every type but this project's checks against history has GE cases (the SQL check's, which need "
                        + "the warehouse, are BatchTableTest's)")
                .containsExactlyInAnyOrderElementsOf(ExpectationType.fileNames().stream()
                        .filter(t -> !t.endsWith("_to_be_within_history"))
                        .filter(t -> !t.equals(ExpectationType.UNEXPECTED_ROWS_EXPECTATION.fileName())).toList());
        return tests.stream();
    }

    private void check(String name, String type, JsonNode dataset, JsonNode test) throws IOException {
        JsonNode out = test.get("out");
        Schema schema = schema(dataset);
        List<GenericData.Record> rows = rows(dataset, schema);
        Path suiteFile = dir.resolve(name.replaceAll("[^A-Za-z0-9_]", "_") + ".json");
        Files.writeString(suiteFile, "{\"expectation_suite_name\": \"ge\", \"expectations\": [{\"expectation_type\": "
                + JSON.writeValueAsString(type) + ", \"kwargs\": " + JSON.writeValueAsString(test.get("in")) + "}]}");
        if (out.path("refused").asBoolean()) {
            assertThatThrownBy(() -> run(suiteFile, schema, rows)).as(name).isInstanceOf(QualitySuiteException.class);
            return;
        }
        ExpectationResult result = run(suiteFile, schema, rows);
        assertThat(result.success()).as(name + " success (" + result + ")").isEqualTo(out.get("success").asBoolean());
        if (out.has("unexpected_list")) {
            List<Object> expected = new ArrayList<>();
            out.get("unexpected_list").forEach(v -> expected.add(normal(v)));
            List<Object> actual = new ArrayList<>();
            boolean rowsFamily = ExpectationType.fromFileName(type).orElseThrow().family() == ExpectationType.Family.ROWS;
            for (String sample : result.partialUnexpected()) {
                actual.add(rowsFamily ? normal(JSON.readTree(sample)) : sample);
            }
            assertThat(actual).as(name + " unexpected values").isEqualTo(expected.subList(0, Math.min(expected.size(), Check.SAMPLES)));
        }
        if (out.has("observed_value")) {
            compare(name, JSON.valueToTree(result.observedValue()), out.get("observed_value"));
        }
    }

    private ExpectationResult run(Path suiteFile, Schema schema, List<GenericData.Record> rows) {
        QualitySuite suite = new QualitySuiteParser(JSON).parse(suiteFile);
        try (SuiteRun run = new SuiteRun(suite, schema, dir.resolve("spool"))) {
            rows.forEach(run::accept);
            return run.results().get(0);
        }
    }

    /** Numbers within a hair (quantiles within 0.005: GE's own cases give numpy's nearest in one, linear in another). */
    private static void compare(String name, JsonNode actual, JsonNode expected) {
        if (expected.isNumber()) {
            assertThat(actual.isNumber()).as(name + " observed " + actual).isTrue();
            double tolerance = name.contains("quantile") ? 0.005 : 1e-9 * Math.max(1, Math.abs(expected.asDouble()));
            assertThat(actual.asDouble()).as(name + " observed").isCloseTo(expected.asDouble(), within(tolerance));
        } else if (expected.isArray()) {
            assertThat(actual.isArray() && actual.size() == expected.size()).as(name + " observed " + actual + ", not " + expected).isTrue();
            for (int i = 0; i < expected.size(); i++) {
                compare(name, actual.get(i), expected.get(i));
            }
        } else if (expected.isObject()) {
            for (Iterator<String> keys = expected.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                compare(name, actual.path(key), expected.get(key));
            }
        } else {
            assertThat(actual.isNull() ? null : actual.asText()).as(name + " observed").isEqualTo(expected.isNull() ? null : expected.asText());
        }
    }

    /** A value as the validator shows it: numbers in plain notation, texts as they are, rows as maps or lists of those. */
    private static Object normal(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        if (v.isNumber()) {
            return v.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(x -> list.add(normal(x)));
            return list;
        }
        if (v.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            v.fields().forEachRemaining(f -> map.put(f.getKey(), normal(f.getValue())));
            return map;
        }
        return v.asText();
    }

    /**
     * The dataset's columns, typed as GE types them for PostgreSQL where every value fits, else by their
     * values (a column with no value as numbers, whatever GE declares: a figure of it is then missing, not refused). Names as GE gives them ("0", "column_name with space").
     */
    private static Schema schema(JsonNode dataset) throws IOException {
        List<Map<String, Object>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = dataset.get("data").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            Object type = switch (kind(column.getValue(), dataset.path("types").path(column.getKey()).asText(""))) {
                case "int" -> "int";
                case "long" -> "long";
                case "double" -> "double";
                case "boolean" -> "boolean";
                case "timestamp" -> Map.of("type", "long", "logicalType", "local-timestamp-micros");
                default -> "string";
            };
            fields.add(Map.of("name", column.getKey(), "type", List.of("null", type), "default", JSON.nullNode()));
        }
        return new Schema.Parser().setValidate(false)
                .parse(JSON.writeValueAsString(Map.of("type", "record", "name", "ge", "fields", fields)));
    }

    private static String kind(JsonNode values, String declared) {
        boolean ints = true;
        boolean numbers = true;
        boolean booleans = true;
        boolean dates = true;
        if (java.util.stream.StreamSupport.stream(values.spliterator(), false).allMatch(JsonNode::isNull)) {
            return "double";
        }
        for (JsonNode v : values) {
            if (v.isNull()) {
                continue;
            }
            ints &= v.isIntegralNumber();
            numbers &= v.isNumber();
            booleans &= v.isBoolean();
            dates &= v.isTextual() && LenientDates.parse(v.asText()).isPresent();
        }
        if (declared.equals("TIMESTAMP") && dates) {
            return "timestamp";
        }
        if (ints && numbers && !booleans) {
            return declared.equals("INTEGER") ? "int" : "long";
        }
        if (numbers && !booleans) {
            return "double";
        }
        return booleans && !numbers ? "boolean" : "string";
    }

    private static List<GenericData.Record> rows(JsonNode dataset, Schema schema) {
        List<GenericData.Record> rows = new ArrayList<>();
        JsonNode data = dataset.get("data");
        int count = data.size() == 0 ? 0 : data.elements().next().size();
        for (int i = 0; i < count; i++) {
            GenericData.Record row = new GenericData.Record(schema);
            for (Schema.Field field : schema.getFields()) {
                JsonNode v = data.get(field.name()).get(i);
                row.put(field.pos(), v == null || v.isNull() ? null : value(v, ColumnKind.valueType(field)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object value(JsonNode v, Schema type) {
        if (type.getLogicalType() != null) {
            return LenientDates.parse(v.asText()).map(LocalDateTime.class::cast).orElseThrow();
        }
        return switch (type.getType()) {
            case INT -> v.intValue();
            case LONG -> v.longValue();
            case DOUBLE -> v.doubleValue();
            case BOOLEAN -> v.booleanValue();
            default -> v.isNumber() ? new BigDecimal(v.asText()).stripTrailingZeros().toPlainString() : v.asText();
        };
    }
}
