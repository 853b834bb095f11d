package io.pipelines.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A check that counts the values or rows it judges and those that broke the expectation, keeping as
 * much of these as its result format asks ({@link ResultFormat}): a few samples, how often each came,
 * or every failing row by key up to a cap. It passes when the share that met it is at least
 * {@code mostly}, and when there was nothing to judge.
 */
abstract class CountedCheck extends Check {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResultFormat format;
    private long judged;
    private long unexpected;
    private final List<String> samples = new ArrayList<>();
    /** SUMMARY and COMPLETE: how often each unexpected value came (the first ResultFormat.COUNTED distinct ones). */
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private boolean countsCapped;
    /** COMPLETE: the failing rows, by key, up to the context's cap. */
    private final List<UnexpectedRow> rows = new ArrayList<>();
    private boolean rowsCapped;
    private SuiteRun.Context context;
    private int[] keyPositions;

    CountedCheck(Expectation expectation) {
        super(expectation);
        this.format = expectation.resultFormat();
    }

    /** Takes the run's context: its cursor names failing rows, its schema the key columns (refused when missing). */
    @Override
    void prepare(SuiteRun.Context context) {
        this.context = context;
        List<String> keys = format.keyColumns();
        keyPositions = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            Schema.Field field = context.field(keys.get(i));
            if (field == null) {
                throw context.refuse(expectation, "kwargs.result_format.unexpected_index_column_names: the data has no "
                        + "column " + keys.get(i));
            }
            keyPositions[i] = field.pos();
        }
    }

    void judged() {
        judged++;
    }

    void unexpected(String sample) {
        unexpected++;
        if (samples.size() < format.partialCount()) {
            samples.add(sample);
        }
        if (format.summary()) {
            long[] count = counts.get(sample);
            if (count != null) {
                count[0]++;
            } else if (counts.size() < ResultFormat.COUNTED) {
                counts.put(sample, new long[] {1});
            } else {
                countsCapped = true;
            }
        }
        if (format.complete()) {
            if (rows.size() < context.maxUnexpectedRows()) {
                rows.add(new UnexpectedRow(key(context.cursor().record(), context.cursor().row()), sample));
            } else {
                rowsCapped = true;
            }
        }
    }

    /** The row's key columns as JSON, or its place in the data (from 1) when the format names none. */
    private String key(GenericRecord record, long row) {
        Map<String, Object> key = new LinkedHashMap<>();
        if (keyPositions.length == 0) {
            key.put("row", row);
        }
        for (int i = 0; i < keyPositions.length; i++) {
            Object v = record.get(keyPositions[i]);
            key.put(format.keyColumns().get(i), v == null || v instanceof Number || v instanceof Boolean ? v : SuiteRun.text(v));
        }
        try {
            return JSON.writeValueAsString(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts unexpected values that are not to be shown (the samples are full or were given already). */
    void unexpectedBeyondSamples(long count) {
        unexpected += count;
    }

    @Override
    List<UnexpectedRow> unexpectedRows() {
        return rows;
    }

    @Override
    ExpectationResult result(long rows) {
        boolean success = judged == 0 || (double) (judged - unexpected) / judged >= expectation.mostly();
        Double percent = judged == 0 ? null : 100.0 * unexpected / judged;
        return result(success, rows, unexpected, percent, List.copyOf(samples), null, details());
    }

    private Map<String, Object> details() {
        if (!format.summary()) {
            return null;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("partial_unexpected_counts", counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(Math.max(format.partialCount(), 1))
                .map(c -> Map.of("value", c.getKey(), "count", c.getValue()[0])).toList());
        if (countsCapped) {
            details.put("counted_values_capped_at", ResultFormat.COUNTED);
        }
        if (format.complete()) {
            details.put("unexpected_index_column_names", format.keyColumns().isEmpty() ? List.of("row") : format.keyColumns());
            details.put("unexpected_rows_kept", this.rows.size());
            details.put("unexpected_rows_capped", rowsCapped);
        }
        return details;
    }
}
