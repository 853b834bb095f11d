package io.pipelines.quality;

import java.util.List;
import java.util.Map;

/**
 * How much a result tells (Great Expectations' result_format, per expectation):
 * <ul>
 * <li>{@code BOOLEAN_ONLY}: success and the counts, no value;</li>
 * <li>{@code BASIC} (the default): also up to {@code partial_unexpected_count} (20) unexpected values;</li>
 * <li>{@code SUMMARY}: also how often each unexpected value came (partial_unexpected_counts, the most
 * frequent first, over the first {@value #COUNTED} distinct ones);</li>
 * <li>{@code COMPLETE}: also every failing row, named by its {@code unexpected_index_column_names}
 * (or its place in the data), kept in etl.quality_unexpected_rows up to pipelines.quality.max-unexpected-rows,
 * the result saying when it was capped.</li>
 * </ul>
 */
public record ResultFormat(String name, List<String> keyColumns, int partialCount) {

    public static final List<String> NAMES = List.of("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE");
    static final int PARTIAL = 20;
    /** The distinct unexpected values SUMMARY counts at most. */
    static final int COUNTED = 1000;
    static final ResultFormat BASIC = new ResultFormat("BASIC", List.of(), PARTIAL);

    /** The format of these kwargs ({@code result_format} as a name or an object; checked by ExpectationArguments). */
    static ResultFormat of(Map<String, Object> kwargs) {
        Object format = kwargs.get("result_format");
        if (format instanceof String name) {
            return new ResultFormat(name, List.of(), name.equals("BOOLEAN_ONLY") ? 0 : PARTIAL);
        }
        if (format instanceof Map<?, ?> map) {
            String name = (String) map.get("result_format");
            Object keys = map.get("unexpected_index_column_names");
            Object count = map.get("partial_unexpected_count");
            return new ResultFormat(name, keys == null ? List.of() : ((List<?>) keys).stream().map(String::valueOf).toList(),
                    name.equals("BOOLEAN_ONLY") ? 0 : count == null ? PARTIAL : ((Number) count).intValue());
        }
        return BASIC;
    }

    boolean summary() {
        return name.equals("SUMMARY") || complete();
    }

    boolean complete() {
        return name.equals("COMPLETE");
    }
}
