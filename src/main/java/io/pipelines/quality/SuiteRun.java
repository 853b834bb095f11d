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
    record Context(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history, List<AutoCloseable> spills,
                   Cursor cursor, int maxUnexpectedRows, java.util.concurrent.atomic.AtomicReference<BatchQueries> queries) {

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

    /** The row being checked and its place in the data, from 1 (for the failing rows a result format COMPLETE keeps). */
    static final class Cursor {
        private long row;
        private GenericRecord record;

        long row() {
            return row;
        }

        GenericRecord record() {
            return record;
        }
    }

    /** The failing rows an expectation of result format COMPLETE keeps at most, by default (pipelines.quality.max-unexpected-rows). */
    public static final int MAX_UNEXPECTED_ROWS = 10_000;

    /**
     * The column an expectation is on: its field, the kind of its values, and whether its texts are
     * read as dates (parse_strings_as_datetimes on a text column).
     */
    record Column(Schema.Field field, ColumnKind kind, boolean dates) {
    }

    private final List<Check> checks = new ArrayList<>();
    private final List<Check> perRow = new ArrayList<>();
    /** The expectations judged row by row, by their check. */
    private final java.util.Map<Check, Expectation> rowLocal = new java.util.IdentityHashMap<>();
    private final Context context;
    private long rows;
    private long brokenOnTheirOwn;

    /** {@code spoolDir}: where the checks keep the values they need all of. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir) {
        this(suite, schema, spoolDir, VolumeHistory.NONE);
    }

    /** The same, volume checks compared with {@code history}. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history) {
        this(suite, schema, spoolDir, history, MAX_UNEXPECTED_ROWS, false);
    }

    /** The same, an expectation of result format COMPLETE keeping at most {@code maxUnexpectedRows} failing rows. */
    public SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history, int maxUnexpectedRows) {
        this(suite, schema, spoolDir, history, maxUnexpectedRows, false);
    }

    /**
     * The suite's expectations that judge each row on its own (on values or rows, but uniqueness and
     * order), by which a quarantine holds rows back (those of severity error) and a stream checks each
     * record; {@link #accept} gives those a row broke. The others (on the table, on a figure of a
     * column, on uniqueness or order) are left out: {@link #expectations} says which are kept.
     */
    public static SuiteRun rowRules(QualitySuite suite, Schema schema, Path spoolDir) {
        return new SuiteRun(suite, schema, spoolDir, VolumeHistory.NONE, 0, true);
    }

    private SuiteRun(QualitySuite suite, Schema schema, Path spoolDir, VolumeHistory history, int maxUnexpectedRows,
                     boolean rowRulesOnly) {
        this.context = new Context(suite, schema, spoolDir, history, new ArrayList<>(), new Cursor(), maxUnexpectedRows,
                new java.util.concurrent.atomic.AtomicReference<>(BatchQueries.NONE));
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
                if (rowRulesOnly && !check.rowLocal()) {
                    continue;
                }
                check.prepare(context);
                checks.add(check);
                if (check.rowLocal()) {
                    rowLocal.put(check, e);
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

    /** Takes a row; returns the expectations judged row by row that it broke (most often none). */
    public List<Expectation> accept(GenericRecord record) {
        rows++;
        context.cursor().row = rows;
        context.cursor().record = record;
        List<Expectation> broken = List.of();
        for (Check check : perRow) {
            if (check.accept(record)) {
                if (broken.isEmpty()) {
                    broken = new ArrayList<>(2);
                }
                broken.add(rowLocal.get(check));
            }
        }
        if (!broken.isEmpty() && broken.stream().anyMatch(e -> !Expectation.WARNING.equals(e.severity()))) {
            brokenOnTheirOwn++;
        }
        return broken;
    }

    /** The rows that broke an expectation of severity error on their own: those a quarantine holds back. */
    public long rowsBrokenOnTheirOwn() {
        return brokenOnTheirOwn;
    }

    /** The rows taken so far. */
    public long rows() {
        return rows;
    }

    /** The failing rows kept by the expectations of result format COMPLETE, by the expectation's index (after the rows). */
    public java.util.Map<Integer, List<UnexpectedRow>> unexpectedRows() {
        java.util.Map<Integer, List<UnexpectedRow>> kept = new java.util.LinkedHashMap<>();
        for (Check check : checks) {
            if (!check.unexpectedRows().isEmpty()) {
                kept.put(check.expectation.index(), List.copyOf(check.unexpectedRows()));
            }
        }
        return kept;
    }

    /** The expectations this run checks. */
    public List<Expectation> expectations() {
        return checks.stream().map(c -> c.expectation).toList();
    }

    /** Where the SQL checks (unexpected_rows_expectation) read the rows, once they are all taken. */
    public void queryRowsWith(BatchQueries queries) {
        context.queries().set(queries);
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
