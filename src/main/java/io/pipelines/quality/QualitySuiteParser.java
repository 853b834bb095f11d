package io.pipelines.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a suite file in the Great Expectations JSON format ({@code expectation_suite_name},
 * {@code expectations[].expectation_type}, {@code kwargs}); every problem is reported with the
 * file and the line of the expectation at fault.
 */
@Component
public class QualitySuiteParser {

    private final ObjectMapper json;

    public QualitySuiteParser(ObjectMapper json) {
        this.json = json;
    }

    public QualitySuite parse(Path file) {
        String name = file.toString();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new QualitySuiteException(name, 0, "file not found (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new QualitySuiteException(name, 0, "cannot be read: " + e.getMessage(), e);
        }
        try (JsonParser parser = json.createParser(content)) {
            return parse(name, parser);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new QualitySuiteException(name, at == null ? 0 : at.getLineNr(), "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new QualitySuiteException(name, 0, "cannot be read: " + e.getMessage(), e);
        }
    }

    private QualitySuite parse(String file, JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new QualitySuiteException(file, parser.currentLocation().getLineNr(), "a suite is a JSON object");
        }
        String suiteName = null;
        List<Expectation> expectations = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("expectation_suite_name".equals(field)) {
                if (value != JsonToken.VALUE_STRING) {
                    throw new QualitySuiteException(file, parser.currentLocation().getLineNr(),
                            "expectation_suite_name must be a string");
                }
                suiteName = parser.getText();
            } else if ("expectations".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new QualitySuiteException(file, parser.currentLocation().getLineNr(),
                            "expectations must be an array");
                }
                expectations = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    int line = parser.currentLocation().getLineNr();
                    JsonNode node = json.readTree(parser);
                    expectations.add(expectation(file, line, expectations.size(), node));
                }
            } else {
                parser.skipChildren();
            }
        }
        if (suiteName == null || suiteName.isBlank()) {
            throw new QualitySuiteException(file, 0, "expectation_suite_name is missing");
        }
        if (expectations == null) {
            throw new QualitySuiteException(file, 0, "expectations is missing");
        }
        return new QualitySuite(file, suiteName, List.copyOf(expectations));
    }

    private Expectation expectation(String file, int line, int index, JsonNode node) {
        String where = "expectations[" + index + "]: ";
        if (!node.isObject()) {
            throw new QualitySuiteException(file, line, where + "an expectation is a JSON object");
        }
        JsonNode typeNode = node.get("expectation_type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new QualitySuiteException(file, line, where + "expectation_type is missing");
        }
        ExpectationType type = ExpectationType.fromFileName(typeNode.asText()).orElseThrow(() ->
                new QualitySuiteException(file, line, where + "unknown expectation_type '" + typeNode.asText()
                        + "' (supported: " + String.join(", ", ExpectationType.fileNames()) + ")"));
        JsonNode kwargsNode = node.path("kwargs");
        if (!kwargsNode.isMissingNode() && !kwargsNode.isObject()) {
            throw new QualitySuiteException(file, line, where + "kwargs must be a JSON object");
        }
        Map<String, Object> kwargs = kwargsNode.isMissingNode() ? new LinkedHashMap<>()
                : json.convertValue(kwargsNode, new TypeReference<LinkedHashMap<String, Object>>() { });
        for (String required : type.requiredKwargs()) {
            if (kwargs.get(required) == null) {
                throw new QualitySuiteException(file, line, where + type.fileName() + " needs kwargs." + required);
            }
        }
        if (kwargs.containsKey("column") && !(kwargs.get("column") instanceof String)) {
            throw new QualitySuiteException(file, line, where + "kwargs.column must be a string");
        }
        Object mostly = kwargs.get("mostly");
        if (mostly != null && (!(mostly instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1)) {
            throw new QualitySuiteException(file, line, where + "kwargs.mostly must be a number from 0 to 1");
        }
        if (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN
                || type == ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN) {
            if (kwargs.get("min_value") == null && kwargs.get("max_value") == null) {
                throw new QualitySuiteException(file, line, where + type.fileName()
                        + " needs kwargs.min_value or kwargs.max_value");
            }
        }
        if (type == ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY) {
            history(file, line, where, kwargs);
        }
        if (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET && !(kwargs.get("value_set") instanceof List)) {
            throw new QualitySuiteException(file, line, where + "kwargs.value_set must be an array");
        }
        JsonNode meta = node.path("meta");
        if (!meta.isMissingNode() && !meta.isNull() && !meta.isObject()) {
            throw new QualitySuiteException(file, line, where + "meta must be a JSON object");
        }
        JsonNode severity = meta.path("severity");
        String level = Expectation.ERROR;
        if (!severity.isMissingNode() && !severity.isNull()) {
            if (!severity.isTextual() || !List.of(Expectation.ERROR, Expectation.WARNING).contains(severity.asText())) {
                throw new QualitySuiteException(file, line, where + "meta.severity must be \"error\" (the default: a "
                        + "failure fails the run) or \"warning\" (a failure is reported, the run goes on), not " + severity);
            }
            level = severity.asText();
        }
        return new Expectation(index, line, type, kwargs, level);
    }

    /** The kwargs of the volume check: lookback 1-1000, same_weekday a boolean, max_change and/or max_stdevs above 0. */
    private static void history(String file, int line, String where, Map<String, Object> kwargs) {
        String name = ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY.fileName();
        Object lookback = kwargs.get("lookback");
        if (lookback != null && (!(lookback instanceof Integer n) || n < 1 || n > 1000)) {
            throw new QualitySuiteException(file, line, where + "kwargs.lookback must be a whole number of loads from 1 "
                    + "to 1000, not " + lookback);
        }
        Object weekday = kwargs.get("same_weekday");
        if (weekday != null && !(weekday instanceof Boolean)) {
            throw new QualitySuiteException(file, line, where + "kwargs.same_weekday must be true or false");
        }
        for (String bound : List.of("max_change", "max_stdevs")) {
            Object value = kwargs.get(bound);
            if (value != null && (!(value instanceof Number n) || n.doubleValue() <= 0)) {
                throw new QualitySuiteException(file, line, where + "kwargs." + bound + " must be a number above 0");
            }
        }
        if (kwargs.get("max_change") == null && kwargs.get("max_stdevs") == null) {
            throw new QualitySuiteException(file, line, where + name + " needs kwargs.max_change (a share of the "
                    + "median of the earlier loads) or kwargs.max_stdevs (standard deviations from their mean)");
        }
    }
}
