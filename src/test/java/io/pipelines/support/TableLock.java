package io.pipelines.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A table locked by a transaction of the test's own (ACCESS EXCLUSIVE: every read and write of it
 * waits) until closed: it holds a run inside the task that needs the table, so that a test knows
 * which task the run is in when it kills, cuts or asks something.
 */
public final class TableLock implements AutoCloseable {

    private final Connection connection;
    private final String table;

    private TableLock(Connection connection, String table) {
        this.connection = connection;
        this.table = table;
    }

    /** Locks {@code table} (schema.table, a name of the tests' own) on the given connection, which it then owns. */
    public static TableLock on(Connection connection, String table) throws SQLException {
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            return new TableLock(connection, table);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Releases the lock (the transaction is rolled back: the test changed nothing). */
    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "lock on " + table;
    }
}
