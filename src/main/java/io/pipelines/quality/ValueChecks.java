package io.pipelines.quality;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The expectations on each value of a column (Great Expectations' column map expectations): nulls
 * are skipped and {@code mostly} is taken over the other values, but for the two expectations about
 * nulls, which count every row.
 */
final class ValueChecks {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ValueChecks() {
    }

    static Check of(SuiteRun.Context context, Expectation e, SuiteRun.Column column) {
        Schema.Field field = column.field();
        ColumnKind kind = column.kind();
        int position = field.pos();
        boolean dates = column.dates();
        return switch (e.type()) {
            case EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL -> new ValueCheck(e, position, value -> true) {
                @Override
                boolean acceptNull() {
                    judged();
                    unexpected("null");
                    return true;
                }
            };
            case EXPECT_COLUMN_VALUES_TO_BE_NULL -> new ValueCheck(e, position, value -> false) {
                @Override
                boolean acceptNull() {
                    judged();
                    return false;
                }
            };
            case EXPECT_COLUMN_VALUES_TO_BE_UNIQUE -> new UniqueValues(e, position, context);
            case EXPECT_COLUMN_VALUES_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                bounds.refuseUnlike(dates ? ColumnKind.TIME : kind, e.column());
                yield new ValueCheck(e, position, asDates(dates, bounds::contains));
            }
            case EXPECT_COLUMN_VALUES_TO_BE_IN_SET -> {
                Set<String> set = SuiteRun.valueSet(e, dates);
                yield new ValueCheck(e, position, asDates(dates, v -> set.contains(SuiteRun.text(v))));
            }
            case EXPECT_COLUMN_VALUES_TO_NOT_BE_IN_SET -> {
                Set<String> set = SuiteRun.valueSet(e, dates);
                yield new ValueCheck(e, position, asDates(dates, v -> !set.contains(SuiteRun.text(v))));
            }
            case EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                yield textCheck(context, e, kind, position, s -> bounds.contains(s.codePointCount(0, s.length())));
            }
            case EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL -> {
                long length = ((Number) e.kwargs().get("value")).longValue();
                yield textCheck(context, e, kind, position, s -> s.codePointCount(0, s.length()) == length);
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX -> {
                Pattern p = Patterns.regex((String) e.kwargs().get("regex"));
                yield new ValueCheck(e, position, v -> p.matcher(v.toString()).find());
            }
            case EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX -> {
                Pattern p = Patterns.regex((String) e.kwargs().get("regex"));
                yield new ValueCheck(e, position, v -> !p.matcher(v.toString()).find());
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX_LIST ->
                    new ValueCheck(e, position, matchOn(e, patterns(e, "regex_list", Patterns::regex), true));
            case EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX_LIST ->
                    new ValueCheck(e, position, matchOn(e, patterns(e, "regex_list", Patterns::regex), true).negate());
            case EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN -> {
                Pattern p = Patterns.like((String) e.kwargs().get("like_pattern"));
                yield new ValueCheck(e, position, v -> p.matcher(v.toString()).matches());
            }
            case EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN -> {
                Pattern p = Patterns.like((String) e.kwargs().get("like_pattern"));
                yield new ValueCheck(e, position, v -> !p.matcher(v.toString()).matches());
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN_LIST ->
                    new ValueCheck(e, position, matchOn(e, patterns(e, "like_pattern_list", Patterns::like), false));
            case EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN_LIST ->
                    new ValueCheck(e, position, matchOn(e, patterns(e, "like_pattern_list", Patterns::like), false).negate());
            case EXPECT_COLUMN_VALUES_TO_MATCH_STRFTIME_FORMAT -> {
                Strptime format = Strptime.compile((String) e.kwargs().get("strftime_format"));
                yield textCheck(context, e, kind, position, format::matches);
            }
            case EXPECT_COLUMN_VALUES_TO_BE_DATEUTIL_PARSEABLE ->
                    textCheck(context, e, kind, position, s -> LenientDates.parse(s).isPresent());
            case EXPECT_COLUMN_VALUES_TO_BE_JSON_PARSEABLE -> new ValueCheck(e, position, v -> v instanceof CharSequence s && json(s));
            case EXPECT_COLUMN_VALUES_TO_BE_INCREASING -> new ValueCheck(e, position, asDates(dates, order(e, 1)), false);
            case EXPECT_COLUMN_VALUES_TO_BE_DECREASING -> new ValueCheck(e, position, asDates(dates, order(e, -1)), false);
            default -> throw new IllegalArgumentException(e.type() + " is not an expectation on each value");
        };
    }

    /** An expectation on text: refused on a column of another kind, as Great Expectations refuses it. */
    private static Check textCheck(SuiteRun.Context context, Expectation e, ColumnKind kind, int position, Predicate<String> test) {
        if (kind != ColumnKind.TEXT) {
            throw context.refuse(e, e.type().fileName() + " reads text, and column " + e.column() + " holds "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " values");
        }
        return new ValueCheck(e, position, v -> test.test(v.toString()));
    }

    private static List<Pattern> patterns(Expectation e, String key, java.util.function.Function<String, Pattern> compile) {
        return ((List<?>) e.kwargs().get(key)).stream().map(p -> compile.apply((String) p)).toList();
    }

    /** Matched by any of the patterns, or by all when match_on is "all" ({@code find}: found anywhere, as re.search). */
    private static Predicate<Object> matchOn(Expectation e, List<Pattern> patterns, boolean find) {
        boolean all = "all".equals(e.kwargs().get("match_on"));
        return v -> {
            String s = v.toString();
            Predicate<Pattern> m = find ? p -> p.matcher(s).find() : p -> p.matcher(s).matches();
            return all ? patterns.stream().allMatch(m) : patterns.stream().anyMatch(m);
        };
    }

    /** Each value against the one before it (nulls skipped): not below it, or above it when strictly. */
    private static Predicate<Object> order(Expectation e, int direction) {
        boolean strictly = Boolean.TRUE.equals(e.kwargs().get("strictly"));
        Object[] previous = {null};
        return v -> {
            Comparable<Object> value = Bounds.comparable(v);
            Object before = previous[0];
            previous[0] = value;
            if (before == null) {
                return true;
            }
            int c = Integer.signum(value.compareTo(before)) * direction;
            return strictly ? c > 0 : c >= 0;
        };
    }

    /** With parse_strings_as_datetimes, a text value is read as a date and time first (unreadable: unexpected). */
    private static Predicate<Object> asDates(boolean dates, Predicate<Object> test) {
        if (!dates) {
            return test;
        }
        return v -> LenientDates.parse(v.toString()).map(test::test).orElse(false);
    }

    private static boolean json(CharSequence text) {
        try {
            JSON.readTree(text.toString());
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** One column's values judged one by one. */
    static class ValueCheck extends CountedCheck {
        final int position;
        private final Predicate<Object> expected;
        private final boolean rowLocal;

        ValueCheck(Expectation e, int position, Predicate<Object> expected) {
            this(e, position, expected, true);
        }

        /** {@code rowLocal} false: a value is judged against the values before it. */
        ValueCheck(Expectation e, int position, Predicate<Object> expected, boolean rowLocal) {
            super(e);
            this.position = position;
            this.expected = expected;
            this.rowLocal = rowLocal;
        }

        @Override
        boolean accept(GenericRecord record) {
            Object value = record.get(position);
            if (value == null) {
                return acceptNull();
            }
            judged();
            if (!expected.test(value)) {
                unexpected(SuiteRun.text(value));
                return rowLocal;
            }
            return false;
        }

        /** A null: skipped, unless the expectation is about nulls. */
        boolean acceptNull() {
            return false;
        }

        @Override
        boolean rowLocal() {
            return rowLocal;
        }
    }

    /**
     * Every value goes to disk and is judged at the end, in bounded memory, with every occurrence of a
     * repeated value: whole numbers (ids, the usual case) as longs, any other value as its text (exact:
     * a text as it is, a number or time as it is shown).
     */
    private static final class UniqueValues extends ValueCheck {
        private final SuiteRun.Context context;
        private SpilledLongs longs;
        private SpilledTexts texts;

        UniqueValues(Expectation e, int position, SuiteRun.Context context) {
            super(e, position, null, false);
            this.context = context;
        }

        @Override
        boolean accept(GenericRecord record) {
            Object value = record.get(position);
            if (value == null) {
                return false;
            }
            judged();
            if (value instanceof Long || value instanceof Integer) {
                if (longs == null) {
                    longs = context.spill(new SpilledLongs(context.spoolDir()));
                }
                longs.add(((Number) value).longValue());
            } else {
                if (texts == null) {
                    texts = context.spill(new SpilledTexts(context.spoolDir()));
                }
                texts.add(SuiteRun.text(value));
            }
            return false;
        }

        @Override
        ExpectationResult result(long rows) {
            if (longs != null) {
                longs.forEachRepeated(v -> unexpected(Long.toString(v)));
            }
            if (texts != null) {
                SpilledTexts.Repeated repeated = texts.repeated(SAMPLES);
                repeated.first().forEach(this::unexpected);
                unexpectedBeyondSamples(repeated.count() - repeated.first().size());
            }
            return super.result(rows);
        }
    }
}
