package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Locale;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import io.pipelines.warehouse.SqlStatements;

/**
 * The tables of Quartz's JDBC job store (schedules shared by the instances), in schema etl with
 * the prefix qrtz_ (spring.quartz.properties.org.quartz.jobStore.tablePrefix = etl.qrtz_). Made
 * from the PostgreSQL script that ships in the Quartz jar, so the tables always match the Quartz
 * version on the classpath; its DROP statements and its COMMIT are left out (Flyway owns the
 * transaction, and nothing may be dropped).
 */
public class V5__quartz_tables extends BaseJavaMigration {

    static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : SqlStatements.split(script())) {
                String upper = sql.strip().toUpperCase(Locale.ROOT);
                if (upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                    continue;
                }
                // QRTZ_TRIGGERS -> etl.qrtz_TRIGGERS; index names (IDX_QRTZ_...) keep theirs.
                statement.execute(sql.replaceAll("\\bQRTZ_", "etl.qrtz_"));
            }
        }
    }

    private static String script() throws IOException {
        try (InputStream in = V5__quartz_tables.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("Quartz's " + SCRIPT + " is not on the classpath: is org.quartz-scheduler:quartz missing?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
