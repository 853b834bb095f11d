package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.Manifest;

/**
 * The mode replace-date of the block warehouse-load: the run's rows are copied in (each led by the
 * logical date and the run id), then the date's rows of other runs are deleted; a load that would
 * leave far fewer rows than the loads it replaces is refused ({@link ReplaceGuard}).
 */
public final class ReplaceDateLoad implements TableLoad {

    /** The columns the table has before the rows' own: the date and the run that loaded the row. */
    public static final List<String> LEADING_COLUMNS = List.of("logical_date", "run_id");

    private final String table;
    private final LocalDate date;
    private final long runId;
    private final ReplaceGuard guard;
    private boolean replaces;
    private CopyRows copy;
    private long copied;

    public ReplaceDateLoad(String table, LocalDate date, long runId, ReplaceGuard guard) {
        this.table = table;
        this.date = date;
        this.runId = runId;
        this.guard = guard;
    }

    @Override
    public String table() {
        return table;
    }

    @Override
    public void begin(Connection c, Schema schema) throws SQLException {
        // Rows of this run from an attempt whose commit answer was lost (its load task is run again).
        try (PreparedStatement own = c.prepareStatement("DELETE FROM " + quoted() + " WHERE logical_date = ? AND run_id = ?")) {
            own.setObject(1, date);
            own.setLong(2, runId);
            own.executeUpdate();
        }
        // Whether the date has rows of other runs to replace: only one run of a date is active at a time,
        // so none can appear meanwhile, and a first load of the date deletes nothing at its end.
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + quoted()
                + " WHERE logical_date = ? AND run_id <> ?)")) {
            ps.setObject(1, date);
            ps.setLong(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                replaces = rs.getBoolean(1);
            }
        }
        copy = CopyRows.open(c, table, LEADING_COLUMNS, schema, date, runId);
    }

    @Override
    public void row(GenericRecord record) throws SQLException {
        copy.row(record);
    }

    @Override
    public long endRows() throws SQLException {
        copied = copy.finish();
        return copied;
    }

    @Override
    public Optional<String> refusal(Connection c, long rows) throws SQLException {
        return replaces ? guard.refusal(c, table, date, runId, rows) : Optional.empty();
    }

    @Override
    public long complete(Connection c, Manifest manifest) throws SQLException {
        if (replaces) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + quoted()
                    + " WHERE logical_date = ? AND run_id <> ?")) {
                delete.setObject(1, date);
                delete.setLong(2, runId);
                delete.executeUpdate();
            }
        }
        return copied;
    }

    @Override
    public void close() throws SQLException {
        if (copy != null) {
            copy.close();
        }
    }

    private String quoted() {
        return SqlIdentifiers.qualified(table, "table");
    }
}
