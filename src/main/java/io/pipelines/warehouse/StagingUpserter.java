package io.pipelines.warehouse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.pipelines.config.SqlIdentifiers;
import io.pipelines.lake.LandedRuns;
import io.pipelines.lake.Manifest;

/**
 * Upserts a landed run into a source's staging table by key, inside the caller's transaction: COPY
 * the run's records into a temporary copy of the table, then INSERT ... ON CONFLICT (key) DO UPDATE
 * every column. Columns the records lack (gone from the source) become NULL in the rows written.
 * Into an empty table (a source's first load) the records are copied straight in, which is twice as
 * fast (bench/README.md, B4); when two of them share a key that copy is undone and the upsert does it.
 */
@Component
public class StagingUpserter {

    private static final String UNIQUE_VIOLATION = "23505";

    private final LandedRuns landed;

    public StagingUpserter(LandedRuns landed) {
        this.landed = landed;
    }

    /** Returns the rows inserted or updated. */
    public long upsert(Connection c, String stagingTable, List<String> tableColumns, List<String> keys, long runId,
                       Manifest manifest) throws Exception {
        String table = SqlIdentifiers.qualified(stagingTable, "warehouse-table");
        if (isEmpty(c, table)) {
            Savepoint before = c.setSavepoint();
            try {
                long copied = LandedCopy.copy(c, landed, stagingTable, List.of("_run_id"), manifest, stagingTable, runId);
                c.releaseSavepoint(before);
                return copied;
            } catch (Exception e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                // Two records of one key (an API that paged a record twice): the upsert keeps the last one.
                c.rollback(before);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMPORARY TABLE pipelines_upsert (LIKE " + table + " INCLUDING DEFAULTS) ON COMMIT DROP");
        }
        LandedCopy.copy(c, landed, "pipelines_upsert", List.of("_run_id"), manifest, stagingTable, runId);
        String all = tableColumns.stream().map(StagingSchema::quote).collect(Collectors.joining(", "));
        String key = keys.stream().map(StagingSchema::quote).collect(Collectors.joining(", "));
        Set<String> keySet = Set.copyOf(keys);
        List<String> updates = new ArrayList<>();
        for (String column : tableColumns) {
            if (!keySet.contains(column)) {
                updates.add(StagingSchema.quote(column) + " = EXCLUDED." + StagingSchema.quote(column));
            }
        }
        try (Statement st = c.createStatement()) {
            // One row per key (an API may page the same record twice): the last one copied wins.
            return st.executeUpdate("INSERT INTO " + table + " (" + all + ") SELECT " + all + " FROM (SELECT DISTINCT ON ("
                    + key + ") * FROM (SELECT *, row_number() OVER () AS pipelines_seq FROM pipelines_upsert) numbered ORDER BY "
                    + key + ", pipelines_seq DESC) latest ON CONFLICT (" + key + ") DO UPDATE SET " + String.join(", ", updates));
        } catch (SQLException e) {
            throw new SQLException("Upsert into " + stagingTable + " failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmpty(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
