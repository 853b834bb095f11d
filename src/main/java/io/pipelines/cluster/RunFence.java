package io.pipelines.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Fences a warehouse transaction of a run: it locks the run's row (FOR SHARE) and goes on only if
 * this instance still owns the run. An instance that another one took for dead therefore cannot
 * commit a load over the new owner's (the take-over waits for the lock, and skips locked rows).
 */
@Component
public class RunFence {

    private final JdbcTemplate jdbc;
    private final InstanceLease lease;

    public RunFence(JdbcTemplate jdbc, InstanceLease lease) {
        this.jdbc = jdbc;
        this.lease = lease;
    }

    /** In the transaction of {@code connection}: the run is locked and ours, or this throws. */
    public void hold(Connection connection, long runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT owner FROM etl.pipeline_runs WHERE run_id = ? FOR SHARE")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("Run " + runId + " is not in etl.pipeline_runs");
                }
                String owner = rs.getString(1);
                if (!lease.id().equals(owner)) {
                    throw new RunTakenOverException(runId, owner, lease.id());
                }
            }
        }
    }

    /**
     * Without a lock, outside a transaction: throws when another instance owns the run now. For
     * writes that no transaction covers (a manifest in the lake), just before them.
     */
    public void check(long runId) {
        String owner = jdbc.queryForList("SELECT owner FROM etl.pipeline_runs WHERE run_id = ?", String.class, runId)
                .stream().findFirst().orElse(null);
        if (!lease.id().equals(owner)) {
            throw new RunTakenOverException(runId, owner, lease.id());
        }
    }

    /** The same in the Spring transaction of the calling thread. */
    public void hold(long runId) {
        jdbc.execute((ConnectionCallback<Void>) c -> {
            hold(c, runId);
            return null;
        });
    }
}
