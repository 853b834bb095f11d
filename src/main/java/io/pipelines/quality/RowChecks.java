package io.pipelines.quality;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The expectations on each row over two or more columns (Great Expectations' column pair and
 * multicolumn map expectations): rows are skipped as {@code ignore_row_if} says (by default a pair
 * whose two values are missing, or a row whose listed values all are), {@code mostly} is taken over
 * the others, and an unexpected row is shown as JSON: a pair as {@code [a, b]}, more columns as an
 * object.
 */
final class RowChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowChecks() {
    }

    static Check of(SuiteRun.Context context, Expectation e) {
        boolean pair = e.kwargs().containsKey("column_A");
        List<String> columns = pair ? List.of((String) e.kwargs().get("column_A"), (String) e.kwargs().get("column_B"))
                : ((List<?>) e.kwargs().get("column_list")).stream().map(String.class::cast).toList();
        int[] positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            Schema.Field field = context.field(columns.get(i));
            if (field == null) {
                return Check.missingColumn(e, columns.get(i));
            }
            positions[i] = field.pos();
        }
        String ignore = (String) e.kwargs().getOrDefault("ignore_row_if",
                pair ? ExpectationArguments.PAIR_IGNORE.get(0) : ExpectationArguments.MULTICOLUMN_IGNORE.get(0));
        boolean dates = Boolean.TRUE.equals(e.kwargs().get("parse_strings_as_datetimes"));
        return switch (e.type()) {
            case EXPECT_COLUMN_PAIR_VALUES_A_TO_BE_GREATER_THAN_B -> {
                boolean orEqual = Boolean.TRUE.equals(e.kwargs().get("or_equal"));
                yield new RowCheck(e, columns, positions, ignore, row -> {
                    if (row[0] == null || row[1] == null) {
                        return false;
                    }
                    Object a = dates ? LenientDates.parse(row[0].toString()).orElse(null) : row[0];
                    Object b = dates ? LenientDates.parse(row[1].toString()).orElse(null) : row[1];
                    if (a == null || b == null) {
                        return false;
                    }
                    int c = Bounds.comparable(a).compareTo(Bounds.comparable(b));
                    return orEqual ? c >= 0 : c > 0;
                });
            }
            case EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL -> new RowCheck(e, columns, positions, ignore,
                    row -> row[0] != null && row[1] != null && SuiteRun.text(row[0]).equals(SuiteRun.text(row[1])));
            case EXPECT_SELECT_COLUMN_VALUES_TO_BE_UNIQUE_WITHIN_RECORD -> new RowCheck(e, columns, positions, ignore, row -> {
                Set<String> seen = new HashSet<>();
                for (Object v : row) {
                    if (v != null && !seen.add(SuiteRun.text(v))) {
                        return false;
                    }
                }
                return true;
            });
            case EXPECT_MULTICOLUMN_SUM_TO_EQUAL -> {
                BigDecimal total = new BigDecimal(e.kwargs().get("sum_total").toString());
                yield new RowCheck(e, columns, positions, ignore, row -> {
                    BigDecimal sum = BigDecimal.ZERO;
                    for (Object v : row) {
                        if (v instanceof Number || v instanceof Boolean) {
                            sum = sum.add(v instanceof Boolean b ? (b ? BigDecimal.ONE : BigDecimal.ZERO) : new BigDecimal(v.toString()));
                        } else if (v != null) {
                            return false;
                        }
                    }
                    return sum.compareTo(total) == 0;
                });
            }
            case EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE -> new CompoundUnique(e, columns, positions, ignore, context);
            default -> throw new IllegalArgumentException(e.type() + " is not an expectation on rows");
        };
    }

    /** A row as a result shows it: a pair as a JSON array, more columns as a JSON object. */
    static String shown(List<String> columns, Object[] row, boolean pair) {
        Object json;
        if (pair) {
            List<Object> values = new ArrayList<>();
            for (Object v : row) {
                values.add(plain(v));
            }
            json = values;
        } else {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                values.put(columns.get(i), plain(row[i]));
            }
            json = values;
        }
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Object plain(Object v) {
        return v == null || v instanceof Number || v instanceof Boolean ? v : SuiteRun.text(v);
    }

    /** Whether a row is left out by ignore_row_if. */
    private static boolean ignored(String ignore, Object[] row) {
        int missing = 0;
        for (Object v : row) {
            if (v == null) {
                missing++;
            }
        }
        return switch (ignore) {
            case "both_values_are_missing", "all_values_are_missing" -> missing == row.length;
            case "either_value_is_missing", "any_value_is_missing" -> missing > 0;
            default -> false;
        };
    }

    private static class RowCheck extends CountedCheck {
        final List<String> columns;
        final int[] positions;
        private final String ignore;
        private final Predicate<Object[]> expected;

        RowCheck(Expectation e, List<String> columns, int[] positions, String ignore, Predicate<Object[]> expected) {
            super(e);
            this.columns = columns;
            this.positions = positions;
            this.ignore = ignore;
            this.expected = expected;
        }

        @Override
        boolean accept(GenericRecord record) {
            Object[] row = new Object[positions.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = record.get(positions[i]);
            }
            if (ignored(ignore, row)) {
                return false;
            }
            judged();
            return judge(row);
        }

        /** True when the row broke the expectation on its own. */
        boolean judge(Object[] row) {
            if (!expected.test(row)) {
                unexpected(shown(columns, row, expectation.kwargs().containsKey("column_A")));
                return true;
            }
            return false;
        }

        @Override
        boolean rowLocal() {
            return true;
        }
    }

    /** Every row's values go to disk as one JSON text, and every occurrence of a repeated one is unexpected. */
    private static final class CompoundUnique extends RowCheck {
        private final SpilledTexts texts;

        CompoundUnique(Expectation e, List<String> columns, int[] positions, String ignore, SuiteRun.Context context) {
            super(e, columns, positions, ignore, null);
            this.texts = context.spill(new SpilledTexts(context.spoolDir()));
        }

        @Override
        boolean judge(Object[] row) {
            texts.add(shown(columns, row, false));
            return false;
        }

        @Override
        boolean rowLocal() {
            return false;
        }

        @Override
        ExpectationResult result(long rows) {
            SpilledTexts.Repeated repeated = texts.repeated(SAMPLES);
            repeated.first().forEach(this::unexpected);
            unexpectedBeyondSamples(repeated.count() - repeated.first().size());
            return super.result(rows);
        }
    }
}
