package io.pipelines.quality;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * One check of a suite over a stream of records: fed record by record, so the data is read once
 * and never held in memory (the values of columns that must be unique are spooled to disk and
 * checked there in bounded memory: whole numbers as such, any other value as its exact text).
 * Semantics follow Great Expectations: column-value expectations skip nulls, {@code mostly} is the
 * share of non-null values that must pass, and an expectation over no values passes.
 */
public class SuiteRun implements AutoCloseable {

    private static final int SAMPLES = 10;

    private final List<Check> checks = new ArrayList<>();
    private final List<AutoCloseable> spills = new ArrayList<>();
    private final Path spoolDir;
    private final VolumeHistory history;
    private long rows;

    /** {@code spoolDir}: where uniqueness checks keep the values they are given. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir) {
        this(suite, schema, spoolDir, VolumeHistory.NONE);
    }

    /** The same, volume checks compared with {@code history}. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history) {
        this.spoolDir = spoolDir;
        this.history = history;
        for (Expectation e : suite.expectations()) {
            checks.add(check(suite, e, schema));
        }
    }

    public void accept(GenericRecord record) {
        rows++;
        for (Check check : checks) {
            check.accept(record);
        }
    }

    public List<ExpectationResult> results() {
        return checks.stream().map(c -> c.result(rows)).toList();
    }

    /** Deletes what the checks spooled to disk. */
    @Override
    public void close() {
        for (AutoCloseable spilled : spills) {
            try {
                spilled.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot delete a uniqueness check's spooled values: " + e.getMessage(), e);
            }
        }
        spills.clear();
    }

    private <T extends AutoCloseable> T spill(T spilled) {
        spills.add(spilled);
        return spilled;
    }

    private Check check(QualitySuite suite, Expectation e, Schema schema) {
        Schema.Field field = e.column() == null ? null : schema.getField(e.column());
        int position = field == null ? -1 : field.pos();
        return switch (e.type()) {
            case EXPECT_COLUMN_TO_EXIST -> new Check(e) {
                @Override
                ExpectationResult result(long rows) {
                    return outcome(position >= 0, rows, position >= 0 ? 0 : rows, List.of());
                }
            };
            case EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN -> new Check(e) {
                @Override
                ExpectationResult result(long rows) {
                    Bounds bounds = new Bounds(suite, e);
                    boolean ok = bounds.contains(rows);
                    return outcome(ok, rows, ok ? 0 : rows, ok ? List.of() : List.of(Long.toString(rows)));
                }
            };
            case EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY -> new Check(e) {
                @Override
                ExpectationResult result(long rows) {
                    Volume volume = Volume.of(e, history);
                    boolean ok = volume.allows(rows);
                    return outcome(ok, rows, ok ? 0 : rows, List.of(volume.describe(rows)));
                }
            };
            case EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL -> new ColumnCheck(e, position) {
                @Override
                void acceptNull() {
                    unexpected(null);
                }

                @Override
                boolean expected(Object value) {
                    return true;
                }

                @Override
                long denominator(long rows) {
                    return rows;
                }
            };
            case EXPECT_COLUMN_VALUES_TO_BE_UNIQUE -> new ColumnCheck(e, position) {
                // Every value goes to disk and is judged at the end, in bounded memory, with every
                // occurrence of a repeated value: whole numbers (ids, the usual case) as longs, any
                // other value as its text (exact: a text as it is, a number or time as it is shown).
                private SpilledLongs longs;
                private SpilledTexts texts;

                @Override
                boolean expected(Object value) {
                    if (value instanceof Long || value instanceof Integer) {
                        if (longs == null) {
                            longs = spill(new SpilledLongs(spoolDir));
                        }
                        longs.add(((Number) value).longValue());
                    } else {
                        if (texts == null) {
                            texts = spill(new SpilledTexts(spoolDir));
                        }
                        texts.add(value instanceof CharSequence c ? c.toString() : text(value));
                    }
                    return true;
                }

                @Override
                ExpectationResult result(long rows) {
                    if (longs != null) {
                        longs.forEachRepeated(this::unexpected);
                    }
                    if (texts != null) {
                        SpilledTexts.Repeated repeated = texts.repeated(SAMPLES);
                        repeated.first().forEach(this::unexpected);
                        unexpectedBeyondSamples(repeated.count() - repeated.first().size());
                    }
                    return super.result(rows);
                }
            };
            case EXPECT_COLUMN_VALUES_TO_BE_BETWEEN -> new ColumnCheck(e, position) {
                private final Bounds bounds = new Bounds(suite, e);

                @Override
                boolean expected(Object value) {
                    return bounds.contains(value);
                }
            };
            case EXPECT_COLUMN_VALUES_TO_BE_IN_SET -> new ColumnCheck(e, position) {
                private final Set<String> allowed = valueSet(e);

                @Override
                boolean expected(Object value) {
                    return allowed.contains(text(value));
                }
            };
        };
    }

    private static Set<String> valueSet(Expectation e) {
        Set<String> set = new HashSet<>();
        for (Object v : (List<?>) e.kwargs().get("value_set")) {
            set.add(v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros().toPlainString() : String.valueOf(v));
        }
        return set;
    }

    /** A value as the suite writes it: numbers in plain notation, everything else as text. */
    static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private abstract static class Check {
        final Expectation expectation;

        Check(Expectation expectation) {
            this.expectation = expectation;
        }

        void accept(GenericRecord record) {
        }

        abstract ExpectationResult result(long rows);

        ExpectationResult outcome(boolean success, long elementCount, long unexpected, List<String> samples) {
            Double percent = elementCount == 0 ? null : 100.0 * unexpected / elementCount;
            return new ExpectationResult(expectation.index(), expectation.type().fileName(), expectation.kwargs(),
                    success, elementCount, unexpected, percent, samples, expectation.severity());
        }
    }

    /** An expectation on each value of a column. */
    private abstract static class ColumnCheck extends Check {
        private final int position;
        private long nonNull;
        private long unexpected;
        private final List<String> samples = new ArrayList<>();

        ColumnCheck(Expectation expectation, int position) {
            super(expectation);
            this.position = position;
        }

        @Override
        void accept(GenericRecord record) {
            if (position < 0) {
                return;
            }
            Object value = record.get(position);
            if (value == null) {
                acceptNull();
                return;
            }
            nonNull++;
            if (!expected(value)) {
                unexpected(value);
            }
        }

        void acceptNull() {
        }

        abstract boolean expected(Object value);

        /** Counts unexpected values that are not to be shown (the samples are full or were given already). */
        void unexpectedBeyondSamples(long count) {
            unexpected += count;
        }

        void unexpected(Object value) {
            unexpected++;
            if (samples.size() < SAMPLES) {
                samples.add(value == null ? "null" : text(value));
            }
        }

        /** The values the share is taken over: the non-null ones. */
        long denominator(long rows) {
            return nonNull;
        }

        @Override
        ExpectationResult result(long rows) {
            if (position < 0) {
                return new ExpectationResult(expectation.index(), expectation.type().fileName(), expectation.kwargs(),
                        false, rows, rows, rows == 0 ? null : 100.0, List.of("column '" + expectation.column() + "' is missing"),
                        expectation.severity());
            }
            long over = denominator(rows);
            boolean success = over == 0 || (double) (over - unexpected) / over >= expectation.mostly();
            Double percent = over == 0 ? null : 100.0 * unexpected / over;
            return new ExpectationResult(expectation.index(), expectation.type().fileName(), expectation.kwargs(),
                    success, rows, unexpected, percent, List.copyOf(samples), expectation.severity());
        }
    }

    /** min_value / max_value (and strict_min / strict_max) of a between-expectation, in the values' own type. */
    private static final class Bounds {
        private final QualitySuite suite;
        private final Expectation e;
        private final Object min;
        private final Object max;
        private final boolean strictMin;
        private final boolean strictMax;

        Bounds(QualitySuite suite, Expectation e) {
            this.suite = suite;
            this.e = e;
            this.min = e.kwargs().get("min_value");
            this.max = e.kwargs().get("max_value");
            this.strictMin = Boolean.TRUE.equals(e.kwargs().get("strict_min"));
            this.strictMax = Boolean.TRUE.equals(e.kwargs().get("strict_max"));
        }

        private Comparable<Object> minTyped;
        private Comparable<Object> maxTyped;

        boolean contains(Object raw) {
            Comparable<Object> value = comparable(raw);
            if (min != null) {
                if (minTyped == null) {
                    minTyped = typed(raw, min);
                }
                int c = value.compareTo(minTyped);
                if (c < 0 || (strictMin && c == 0)) {
                    return false;
                }
            }
            if (max != null) {
                if (maxTyped == null) {
                    maxTyped = typed(raw, max);
                }
                int c = value.compareTo(maxTyped);
                return c < 0 || (!strictMax && c == 0);
            }
            return true;
        }

        /** The bound parsed into the type of the column's values (parsed once, on the first value). */
        @SuppressWarnings("unchecked")
        private Comparable<Object> typed(Object sample, Object bound) {
            try {
                Object parsed;
                if (sample instanceof Number) {
                    parsed = new BigDecimal(bound.toString());
                } else if (sample instanceof Instant) {
                    parsed = Instant.parse(bound.toString());
                } else if (sample instanceof LocalDate) {
                    parsed = LocalDate.parse(bound.toString());
                } else if (sample instanceof LocalDateTime) {
                    parsed = LocalDateTime.parse(bound.toString());
                } else {
                    parsed = bound.toString();
                }
                return (Comparable<Object>) parsed;
            } catch (RuntimeException ex) {
                throw new QualitySuiteException(suite.file(), e.line(), "expectations[" + e.index() + "]: bound '"
                        + bound + "' cannot be compared with the values of column " + e.column() + " (" + sample + ")", ex);
            }
        }

        @SuppressWarnings("unchecked")
        private static Comparable<Object> comparable(Object value) {
            if (value instanceof BigDecimal d) {
                return (Comparable<Object>) (Object) d;
            }
            if (value instanceof Number n) {
                return (Comparable<Object>) (Object) new BigDecimal(n.toString());
            }
            if (value instanceof Comparable<?> c && !(value instanceof CharSequence)) {
                return (Comparable<Object>) c;
            }
            return (Comparable<Object>) (Object) value.toString();
        }
    }
}
