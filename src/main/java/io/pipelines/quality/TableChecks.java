package io.pipelines.quality;

import java.util.HashSet;
import java.util.List;

import org.apache.avro.Schema;

/** The expectations on the table as a whole: its columns and its row count (the observed value). */
final class TableChecks {

    private TableChecks() {
    }

    static Check of(SuiteRun.Context context, Expectation e) {
        List<String> columns = context.schema().getFields().stream().map(Schema.Field::name).toList();
        return switch (e.type()) {
            case EXPECT_COLUMN_TO_EXIST -> table(e, rows -> {
                int at = columns.indexOf(e.column());
                Object index = e.kwargs().get("column_index");
                return at >= 0 && (index == null || ((Number) index).intValue() == at);
            }, rows -> columns.contains(e.column()) ? columns.indexOf(e.column()) : null);
            case EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                yield table(e, rows -> bounds.contains(columns.size()), rows -> columns.size());
            }
            case EXPECT_TABLE_COLUMN_COUNT_TO_EQUAL ->
                    table(e, rows -> ((Number) e.kwargs().get("value")).longValue() == columns.size(), rows -> columns.size());
            case EXPECT_TABLE_COLUMNS_TO_MATCH_ORDERED_LIST -> table(e, rows -> e.kwargs().get("column_list") == null
                    || columns.equals(e.kwargs().get("column_list")), rows -> columns);
            case EXPECT_TABLE_COLUMNS_TO_MATCH_SET -> table(e, rows -> {
                List<?> set = (List<?>) e.kwargs().get("column_set");
                boolean exact = !Boolean.FALSE.equals(e.kwargs().get("exact_match"));
                if (set == null) {
                    return !exact;
                }
                boolean allThere = columns.containsAll(set);
                return exact ? allThere && new HashSet<>(set).containsAll(columns) : allThere;
            }, rows -> columns);
            case EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                yield table(e, bounds::contains, rows -> rows);
            }
            case EXPECT_TABLE_ROW_COUNT_TO_EQUAL ->
                    table(e, rows -> ((Number) e.kwargs().get("value")).longValue() == rows, rows -> rows);
            case UNEXPECTED_ROWS_EXPECTATION -> new Check(e) {
                @Override
                ExpectationResult result(long rows) {
                    String query = ((String) e.kwargs().get("unexpected_rows_query")).strip().replaceAll(";\\s*$", "");
                    BatchQueries.Rows found;
                    try {
                        found = context.queries().get().run(query);
                    } catch (IllegalArgumentException wrong) {
                        throw context.refuse(e, wrong.getMessage());
                    }
                    return result(found.count() == 0, rows, found.count(), null, found.first(),
                            found.count() + " unexpected row" + (found.count() == 1 ? "" : "s"));
                }
            };
            case EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY -> new Check(e) {
                @Override
                ExpectationResult result(long rows) {
                    Volume volume = Volume.of(e, context.history());
                    boolean ok = volume.allows(rows);
                    return result(ok, rows, ok ? 0 : rows, null, List.of(volume.describe(rows + " rows")), rows,
                            volume.details());
                }
            };
            default -> throw new IllegalArgumentException(e.type() + " is not an expectation on the table");
        };
    }

    private static Check table(Expectation e, java.util.function.LongPredicate passes, java.util.function.LongFunction<Object> observed) {
        return new Check(e) {
            @Override
            ExpectationResult result(long rows) {
                return observed(passes.test(rows), rows, observed.apply(rows));
            }
        };
    }
}
