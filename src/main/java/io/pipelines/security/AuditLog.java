package io.pipelines.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** etl.audit_log: the actions of the logins, written once answered, read by admins (GET /api/audit). */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** The most of a request's body kept as its arguments. */
    static final int MAX_ARGUMENTS = 4_000;

    /** One action: when, who, from which address, what, with which arguments, and the answer's status. */
    public record Entry(long id, Instant at, String user, String address, String action, String arguments, int status) {
    }

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an action; when the warehouse cannot take it, the log says so with the entry (and the action stands). */
    void record(String user, String address, String action, String arguments, int status) {
        String kept = arguments == null || arguments.isEmpty() ? null
                : arguments.length() <= MAX_ARGUMENTS ? arguments : arguments.substring(0, MAX_ARGUMENTS) + "...";
        try {
            jdbc.update("INSERT INTO etl.audit_log (username, address, action, arguments, status) VALUES (?, ?, ?, ?, ?)",
                    user, address, action, kept, status);
        } catch (DataAccessException e) {
            log.warn("Audit entry not written ({}): {} from {}: {} -> {}", e.getMostSpecificCause().getMessage(), user,
                    address, action, status);
        }
    }

    /** The latest entries, newest first; of one user when {@code user} is not null. */
    public List<Entry> latest(String user, int limit) {
        List<Object> args = new ArrayList<>();
        String where = "";
        if (user != null) {
            where = " WHERE username = ?";
            args.add(user);
        }
        args.add(limit);
        return jdbc.query("SELECT id, at, username, address, action, arguments, status FROM etl.audit_log" + where
                + " ORDER BY id DESC LIMIT ?", (rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7)), args.toArray());
    }

}
