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
 * Reads a suite file in Great Expectations' JSON, in its 0.x shape ({@code expectation_suite_name},
 * {@code expectations[].expectation_type}, {@code kwargs}, {@code meta}) or its 1.x shape
 * ({@code name}, {@code expectations[].type}); every problem is reported with the file and the line
 * of the expectation at fault, and the argument.
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
            if ("expectation_suite_name".equals(field) || "name".equals(field)) {
                if (value != JsonToken.VALUE_STRING) {
                    throw new QualitySuiteException(file, parser.currentLocation().getLineNr(), field + " must be a string");
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
            throw new QualitySuiteException(file, 0, "the suite's name is missing (expectation_suite_name, or name in "
                    + "Great Expectations 1.x)");
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
        JsonNode typeNode = node.has("expectation_type") ? node.get("expectation_type") : node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new QualitySuiteException(file, line, where + "expectation_type is missing (type in Great Expectations 1.x)");
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
        ExpectationArguments.check(file, line, where, type, kwargs);
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
}
