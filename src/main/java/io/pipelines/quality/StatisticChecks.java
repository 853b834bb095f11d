package io.pipelines.quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The expectations on one figure of a column's non-null values (Great Expectations' column aggregate
 * expectations): the figure is the result's observed value; a column with no value has none, and
 * fails a bound. Medians and quantiles are taken from the values spooled to disk, distinct values from
 * their texts spooled the same way, so memory stays bounded however many rows there are.
 */
final class StatisticChecks {

    /** How many distinct values an observed value lists at most (the figures are taken over all of them). */
    static final int LISTED = 100;

    private StatisticChecks() {
    }

    static Check of(SuiteRun.Context context, Expectation e, SuiteRun.Column column) {
        Schema.Field field = column.field();
        ColumnKind kind = column.kind();
        int position = field.pos();
        boolean dates = column.dates();
        return switch (e.type()) {
            case EXPECT_COLUMN_VALUES_TO_BE_OF_TYPE -> {
                String type = (String) e.kwargs().get("type_");
                yield new Check(e) {
                    @Override
                    ExpectationResult result(long rows) {
                        return observed(ColumnKind.named(field, type), rows, ColumnKind.typeNames(field).get(0));
                    }
                };
            }
            case EXPECT_COLUMN_VALUES_TO_BE_IN_TYPE_LIST -> {
                List<?> types = (List<?>) e.kwargs().get("type_list");
                yield new Check(e) {
                    @Override
                    ExpectationResult result(long rows) {
                        boolean ok = types == null || types.stream().anyMatch(t -> ColumnKind.named(field, (String) t));
                        return observed(ok, rows, ColumnKind.typeNames(field).get(0));
                    }
                };
            }
            case EXPECT_COLUMN_MIN_TO_BE_BETWEEN, EXPECT_COLUMN_MAX_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                bounds.refuseUnlike(dates ? ColumnKind.TIME : kind, e.column());
                int sign = e.type() == ExpectationType.EXPECT_COLUMN_MIN_TO_BE_BETWEEN ? -1 : 1;
                yield new Figure(e, position) {
                    private Object extreme;

                    @Override
                    void value(Object raw) {
                        Object v = dates ? LenientDates.parse(raw.toString()).orElse(null) : raw;
                        if (v == null) {
                            throw context.refuse(e, "column " + e.column() + " holds '" + raw + "', which is not a date");
                        }
                        if (extreme == null || Integer.signum(Bounds.comparable(v).compareTo(Bounds.comparable(extreme))) == sign) {
                            extreme = v;
                        }
                    }

                    @Override
                    ExpectationResult result(long rows) {
                        return extreme == null ? observed(false, rows, null)
                                : observed(bounds.contains(extreme), rows, shown(extreme));
                    }
                };
            }
            case EXPECT_COLUMN_MEAN_TO_BE_BETWEEN, EXPECT_COLUMN_STDEV_TO_BE_BETWEEN -> {
                Bounds bounds = numeric(context, e, kind);
                boolean mean = e.type() == ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN;
                yield new Figure(e, position) {
                    // exact sums (a double's exact decimal), so that a mean or deviation is the correctly rounded one
                    private BigDecimal sum = BigDecimal.ZERO;
                    private BigDecimal squares = BigDecimal.ZERO;

                    @Override
                    void value(Object v) {
                        BigDecimal x = decimal(v);
                        sum = sum.add(x);
                        if (!mean) {
                            squares = squares.add(x.multiply(x));
                        }
                    }

                    @Override
                    ExpectationResult result(long rows) {
                        Double figure;
                        if (mean) {
                            figure = nonNull == 0 ? null : sum.divide(BigDecimal.valueOf(nonNull), MathContext.DECIMAL128).doubleValue();
                        } else {
                            BigDecimal n = BigDecimal.valueOf(nonNull);
                            figure = nonNull < 2 ? null : squares.subtract(sum.multiply(sum).divide(n, MathContext.DECIMAL128))
                                    .divide(n.subtract(BigDecimal.ONE), MathContext.DECIMAL128).max(BigDecimal.ZERO)
                                    .sqrt(MathContext.DECIMAL128).doubleValue();
                        }
                        return figure == null ? observed(false, rows, null) : observed(bounds.contains(figure), rows, figure);
                    }
                };
            }
            case EXPECT_COLUMN_SUM_TO_BE_BETWEEN -> {
                Bounds bounds = numeric(context, e, kind);
                yield new Figure(e, position) {
                    private BigDecimal sum;

                    @Override
                    void value(Object v) {
                        BigDecimal x = decimal(v);
                        sum = sum == null ? x : sum.add(x);
                    }

                    @Override
                    ExpectationResult result(long rows) {
                        return sum == null ? observed(false, rows, null) : observed(bounds.contains(sum), rows, plain(sum));
                    }
                };
            }
            case EXPECT_COLUMN_SUM_TO_BE_WITHIN_HISTORY -> {
                numeric(context, e, kind);
                yield new Figure(e, position) {
                    private BigDecimal sum = BigDecimal.ZERO; // a load with no value sums to 0

                    @Override
                    void value(Object v) {
                        sum = sum.add(decimal(v));
                    }

                    @Override
                    ExpectationResult result(long rows) {
                        Volume volume = Volume.of(e, context.history().columnSums(e.column(), Volume.lookback(e),
                                Volume.sameWeekday(e)));
                        boolean ok = volume.allows(sum.doubleValue());
                        BigDecimal shown = plain(sum);
                        return result(ok, rows, 0, null, List.of(volume.describe("sum " + shown.toPlainString())), shown,
                                volume.details());
                    }
                };
            }
            case EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN -> {
                Bounds bounds = numeric(context, e, kind);
                yield new Ordered(e, position, context) {
                    @Override
                    ExpectationResult result(long rows, long n) {
                        double median = n % 2 == 1 ? values.select(n / 2) : (values.select(n / 2 - 1) + values.select(n / 2)) / 2;
                        return observed(bounds.contains(median), rows, median);
                    }
                };
            }
            case EXPECT_COLUMN_QUANTILE_VALUES_TO_BE_BETWEEN -> {
                numeric(context, e, kind);
                Map<?, ?> ranges = (Map<?, ?>) e.kwargs().get("quantile_ranges");
                List<?> quantiles = (List<?>) ranges.get("quantiles");
                List<?> valueRanges = (List<?>) ranges.get("value_ranges");
                yield new Ordered(e, position, context) {
                    @Override
                    ExpectationResult result(long rows, long n) {
                        boolean ok = true;
                        List<Double> found = new ArrayList<>();
                        for (int i = 0; i < quantiles.size(); i++) {
                            // numpy's "nearest", as Great Expectations takes quantiles: the value at q * (n - 1), rounded half to even
                            double at = ((Number) quantiles.get(i)).doubleValue() * (n - 1);
                            double q = values.select((long) Math.rint(at));
                            found.add(q);
                            List<?> range = (List<?>) valueRanges.get(i);
                            ok &= new Bounds(context.suite(), e, range.get(0), range.get(1), false, false).contains(q);
                        }
                        return observed(ok, rows, Map.of("quantiles", quantiles, "values", found));
                    }
                };
            }
            case EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN, EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN -> {
                Bounds bounds = Bounds.of(context.suite(), e);
                boolean proportion = e.type() == ExpectationType.EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN;
                yield new Distinct(e, position, context, false) {
                    @Override
                    ExpectationResult result(long rows) {
                        long[] distinct = {0};
                        forEachDistinct((text, count) -> distinct[0]++);
                        Number figure = proportion ? (nonNull == 0 ? null : (double) distinct[0] / nonNull) : (Number) distinct[0];
                        return figure == null ? observed(false, rows, null) : observed(bounds.contains(figure), rows, figure);
                    }
                };
            }
            case EXPECT_COLUMN_DISTINCT_VALUES_TO_BE_IN_SET, EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET,
                 EXPECT_COLUMN_DISTINCT_VALUES_TO_EQUAL_SET -> {
                Set<String> set = e.kwargs().get("value_set") == null ? null : SuiteRun.valueSet(e, dates);
                yield new Distinct(e, position, context, dates) {
                    @Override
                    ExpectationResult result(long rows) {
                        List<String> distinct = new ArrayList<>();
                        long[] outside = {0};
                        forEachDistinct((text, count) -> {
                            distinct.add(text);
                            if (set != null && !set.contains(text)) {
                                outside[0]++;
                            }
                        });
                        boolean within = outside[0] == 0;
                        boolean contains = set == null || new java.util.HashSet<>(distinct).containsAll(set);
                        boolean ok = switch (e.type()) {
                            case EXPECT_COLUMN_DISTINCT_VALUES_TO_BE_IN_SET -> within;
                            case EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET -> contains;
                            default -> within && contains;
                        };
                        return observed(ok, rows, listed(distinct));
                    }
                };
            }
            case EXPECT_COLUMN_MOST_COMMON_VALUE_TO_BE_IN_SET -> {
                Set<String> set = SuiteRun.valueSet(e, false);
                boolean tiesOkay = Boolean.TRUE.equals(e.kwargs().get("ties_okay"));
                yield new Distinct(e, position, context, false) {
                    @Override
                    ExpectationResult result(long rows) {
                        List<String> modes = new ArrayList<>();
                        long[] most = {0};
                        forEachDistinct((text, count) -> {
                            if (count > most[0]) {
                                most[0] = count;
                                modes.clear();
                            }
                            if (count == most[0]) {
                                modes.add(text);
                            }
                        });
                        boolean ok = tiesOkay ? modes.stream().anyMatch(set::contains) : modes.size() == 1 && set.contains(modes.get(0));
                        return observed(!modes.isEmpty() && ok, rows, listed(modes));
                    }
                };
            }
            default -> throw new IllegalArgumentException(e.type() + " is not an expectation on a figure of a column");
        };
    }

    /** The bounds of a figure that is a number: refused on a column that does not hold numbers. */
    private static Bounds numeric(SuiteRun.Context context, Expectation e, ColumnKind kind) {
        if (kind != ColumnKind.NUMBER && kind != ColumnKind.BOOLEAN) {
            throw context.refuse(e, e.type().fileName() + " needs numbers, and column " + e.column() + " holds "
                    + kind.name().toLowerCase(Locale.ROOT) + " values");
        }
        return Bounds.of(context.suite(), e);
    }

    /** A decimal without trailing zeros, in plain notation (780, not 7.8E+2). */
    private static BigDecimal plain(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static BigDecimal decimal(Object v) {
        return v instanceof Boolean b ? (b ? BigDecimal.ONE : BigDecimal.ZERO)
                : v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
    }

    private static double number(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** A value as a result shows it: numbers and true or false as themselves, anything else as text. */
    private static Object shown(Object value) {
        return value instanceof Number || value instanceof Boolean ? value : SuiteRun.text(value);
    }

    /** Distinct values in order (numerically when they all are numbers), at most {@value #LISTED}. */
    private static List<Object> listed(List<String> texts) {
        boolean numbers = texts.stream().allMatch(t -> t.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?"));
        Comparator<String> order = numbers ? Comparator.comparing(BigDecimal::new) : Comparator.naturalOrder();
        List<Object> shown = new ArrayList<>();
        for (String t : new TreeSet<>(order) {{ addAll(texts); }}) {
            if (shown.size() == LISTED) {
                shown.add("... " + (texts.size() - LISTED) + " more");
                break;
            }
            shown.add(numbers ? new BigDecimal(t, MathContext.UNLIMITED) : t);
        }
        return shown;
    }

    /** A figure over the column's non-null values, fed one by one. */
    private abstract static class Figure extends Check {
        private final int position;
        long nonNull;

        Figure(Expectation e, int position) {
            super(e);
            this.position = position;
        }

        @Override
        boolean accept(GenericRecord record) {
            Object v = record.get(position);
            if (v != null) {
                nonNull++;
                value(v);
            }
            return false;
        }

        abstract void value(Object v);
    }

    /** The column's numbers spooled for order statistics. */
    private abstract static class Ordered extends Figure {
        final SpilledDoubles values;

        Ordered(Expectation e, int position, SuiteRun.Context context) {
            super(e, position);
            this.values = context.spill(new SpilledDoubles(context.spoolDir()));
        }

        @Override
        void value(Object v) {
            values.add(number(v));
        }

        @Override
        ExpectationResult result(long rows) {
            return values.count() == 0 ? observed(false, rows, null) : result(rows, values.count());
        }

        /** The result over {@code n} values, at least one. */
        abstract ExpectationResult result(long rows, long n);
    }

    /** The column's values spooled as text for their distinct values and counts. */
    private abstract static class Distinct extends Figure {
        private final SpilledTexts texts;
        private final boolean dates;
        private final SuiteRun.Context context;

        Distinct(Expectation e, int position, SuiteRun.Context context, boolean dates) {
            super(e, position);
            this.context = context;
            this.texts = context.spill(new SpilledTexts(context.spoolDir()));
            this.dates = dates;
        }

        @Override
        void value(Object v) {
            if (dates) {
                texts.add(SuiteRun.text(LenientDates.parse(v.toString()).orElseThrow(() -> context.refuse(expectation,
                        "column " + expectation.column() + " holds '" + v + "', which is not a date"))));
            } else {
                texts.add(SuiteRun.text(v));
            }
        }

        void forEachDistinct(java.util.function.ObjLongConsumer<String> each) {
            texts.forEachDistinct(each);
        }
    }
}
