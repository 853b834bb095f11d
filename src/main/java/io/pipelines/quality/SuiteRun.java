package io.pipelines.quality;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * One check of a suite over a stream of records: fed record by record, so the data is read once
 * and never held in memory (what needs every value, uniqueness, distinct values, medians and
 * quantiles, is spooled to disk and worked out there in bounded memory). Semantics follow Great
 * Expectations: expectations on values skip nulls, {@code mostly} is the share of the values judged
 * that must pass, and an expectation over no values passes; a figure of a column over no values
 * fails. A suite that cannot apply to the data (a numeric bound on a text column, a length of
 * numbers) is refused when the check starts, naming the expectation.
 */
public class SuiteRun implements AutoCloseable {

    /** What the checks of a run share: the suite, the data's schema, where they spool, the loads before. */
    record Context(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history, List<AutoCloseable> spills) {

        Schema.Field field(String column) {
            return column == null ? null : schema.getField(column);
        }

        <T extends AutoCloseable> T spill(T spilled) {
            spills.add(spilled);
            return spilled;
        }

        QualitySuiteException refuse(Expectation e, String message) {
            return new QualitySuiteException(suite.file(), e.line(), "expectations[" + e.index() + "]: " + message);
        }
    }

    /**
     * The column an expectation is on: its field, the kind of its values, and whether its texts are
     * read as dates (parse_strings_as_datetimes on a text column).
     */
    record Column(Schema.Field field, ColumnKind kind, boolean dates) {
    }

    private final List<Check> checks = new ArrayList<>();
    private final List<Check> perRow = new ArrayList<>();
    /** The labels of the checks that may hold a row back, by the check. */
    private final java.util.Map<Check, String> holding = new java.util.IdentityHashMap<>();
    private final Context context;
    private long rows;

    /** {@code spoolDir}: where the checks keep the values they need all of. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir) {
        this(suite, schema, spoolDir, VolumeHistory.NONE);
    }

    /** The same, volume checks compared with {@code history}. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history) {
        this(suite, schema, spoolDir, history, false);
    }

    /**
     * The rules a quarantine holds rows back by: the suite's expectations of severity error that judge
     * each row on its own (on values or rows, but uniqueness and order); {@link #accept} names those a
     * row broke. Expectations on the table, on a figure of a column, of severity warning, on
     * uniqueness or order never hold a row back.
     */
    public static SuiteRun rowRules(QualitySuite suite, Schema schema, Path spoolDir) {
        return new SuiteRun(suite, schema, spoolDir, VolumeHistory.NONE, true);
    }

    private SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history, boolean rowRulesOnly) {
        this.context = new Context(suite, schema, spoolDir, history, new ArrayList<>());
        try {
            for (Expectation e : suite.expectations()) {
                Schema.Field field = context.field(e.column());
                Column column = field == null ? null : new Column(field, ColumnKind.of(field),
                        ColumnKind.of(field) == ColumnKind.TEXT && Boolean.TRUE.equals(e.kwargs().get("parse_strings_as_datetimes")));
                Check check = switch (e.type().family()) {
                    case TABLE -> TableChecks.of(context, e);
                    case COLUMN_VALUES -> column == null ? Check.missingColumn(e, e.column()) : ValueChecks.of(context, e, column);
                    case COLUMN_STATISTIC -> column == null ? Check.missingColumn(e, e.column()) : StatisticChecks.of(context, e, column);
                    case ROWS -> RowChecks.of(context, e);
                };
                boolean holds = check.rowLocal() && !Expectation.WARNING.equals(e.severity());
                if (rowRulesOnly && !holds) {
                    continue;
                }
                checks.add(check);
                if (holds) {
                    holding.put(check, e.label());
                }
                if (e.type().family() != ExpectationType.Family.TABLE) {
                    perRow.add(check);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Takes a row; returns the labels of the expectations of severity error it broke on its own (those
     * a quarantine holds it back for; most often none).
     */
    public List<String> accept(GenericRecord record) {
        rows++;
        List<String> broken = List.of();
        for (Check check : perRow) {
            if (check.accept(record)) {
                if (broken.isEmpty()) {
                    broken = new ArrayList<>(2);
                }
                String label = holding.get(check);
                if (label != null) {
                    broken.add(label);
                }
            }
        }
        return broken;
    }

    public List<ExpectationResult> results() {
        return checks.stream().map(c -> c.result(rows)).toList();
    }

    /** Deletes what the checks spooled to disk. */
    @Override
    public void close() {
        for (AutoCloseable spilled : context.spills()) {
            try {
                spilled.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot delete a quality check's spooled values: " + e.getMessage(), e);
            }
        }
        context.spills().clear();
    }

    /** The value_set of an expectation as texts (with parse_strings_as_datetimes, dates as they are shown). */
    static Set<String> valueSet(Expectation e, boolean dates) {
        Set<String> set = new HashSet<>();
        for (Object v : (List<?>) e.kwargs().get("value_set")) {
            if (v == null) {
                continue; // nulls are never judged
            }
            set.add(dates && v instanceof String s ? LenientDates.parse(s).map(SuiteRun::text).orElse(s) : text(v));
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
}
