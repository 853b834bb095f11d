package io.pipelines.quality;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A minimum and a maximum (either may be missing), inclusive unless strict, compared in the type of
 * the values they bound: numbers as numbers, dates and times as such (a bound written as text is
 * read as one), text as text.
 */
final class Bounds {

    private final QualitySuite suite;
    private final Expectation e;
    private final Object min;
    private final Object max;
    private final boolean strictMin;
    private final boolean strictMax;
    private Comparable<Object> minTyped;
    private Comparable<Object> maxTyped;

    Bounds(QualitySuite suite, Expectation e, Object min, Object max, boolean strictMin, boolean strictMax) {
        this.suite = suite;
        this.e = e;
        this.min = min;
        this.max = max;
        this.strictMin = strictMin;
        this.strictMax = strictMax;
    }

    /** The expectation's own min_value and max_value (and strict_min, strict_max). */
    static Bounds of(QualitySuite suite, Expectation e) {
        return new Bounds(suite, e, e.kwargs().get("min_value"), e.kwargs().get("max_value"),
                Boolean.TRUE.equals(e.kwargs().get("strict_min")), Boolean.TRUE.equals(e.kwargs().get("strict_max")));
    }

    /**
     * Refuses bounds that cannot be compared with the values of a column of this kind (a number with
     * text, text with numbers, a date that does not read), before any row is read.
     */
    void refuseUnlike(ColumnKind kind, String column) {
        for (Object bound : new Object[] {min, max}) {
            if (bound == null) {
                continue;
            }
            boolean fits = switch (kind) {
                case NUMBER -> bound instanceof Number;
                case TEXT -> bound instanceof String;
                case TIME -> bound instanceof String s && LenientDates.parse(s).isPresent();
                default -> true; // compared value by value, as they come
            };
            if (!fits) {
                throw new QualitySuiteException(suite.file(), e.line(), "expectations[" + e.index() + "]: bound '" + bound
                        + "' cannot be compared with the values of column " + column + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
    }

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

    /** The bound parsed into the type of the values (parsed once, on the first value). */
    @SuppressWarnings("unchecked")
    private Comparable<Object> typed(Object sample, Object bound) {
        try {
            Object parsed;
            if (sample instanceof Number) {
                parsed = new BigDecimal(bound.toString());
            } else if (sample instanceof Instant) {
                parsed = dateTime(bound).toInstant(ZoneOffset.UTC);
            } else if (sample instanceof LocalDate) {
                parsed = dateTime(bound).toLocalDate();
            } else if (sample instanceof LocalDateTime) {
                parsed = dateTime(bound);
            } else {
                parsed = bound.toString();
            }
            return (Comparable<Object>) parsed;
        } catch (RuntimeException ex) {
            throw new QualitySuiteException(suite.file(), e.line(), "expectations[" + e.index() + "]: bound '"
                    + bound + "' cannot be compared with the values of column " + e.column() + " (" + sample + ")", ex);
        }
    }

    private static LocalDateTime dateTime(Object bound) {
        return LenientDates.parse(bound.toString()).orElseThrow(() -> new IllegalArgumentException("not a date"));
    }

    /** A value in a form that compares with others of its kind: numbers as BigDecimal, text as String. */
    @SuppressWarnings("unchecked")
    static Comparable<Object> comparable(Object value) {
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
