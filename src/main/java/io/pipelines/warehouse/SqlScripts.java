package io.pipelines.warehouse;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.pipelines.config.ProjectFiles;

/**
 * Runs a SQL file of sql/ against the warehouse in one transaction, each statement with named bind
 * parameters (never values pasted into the text).
 */
@Component
public class SqlScripts {

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public SqlScripts(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Runs every statement of the file; returns the row count of the last one. */
    public long run(String file, Map<String, ?> parameters) {
        List<String> statements = SqlStatements.split(ProjectFiles.read(file));
        if (statements.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no SQL statement");
        }
        Integer last = tx.execute(status -> {
            int count = 0;
            for (String statement : statements) {
                count = jdbc.update(statement, parameters);
            }
            return count;
        });
        return last == null ? 0 : last;
    }
}
