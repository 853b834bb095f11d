package io.pipelines.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * Demo data of the local MariaDB: {@code crm.customers} (id, name, email, country, created_at,
 * updated_at), created once with a fixed seed: the same customers on every machine, created over
 * the last 30 days, about a third of them updated since.
 */
final class DemoCustomers {

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen", "Dijkstra"};
    private static final String[] COUNTRIES = {"CH", "DE", "FR", "IT", "GB", "US", "NL", "SE"};

    private DemoCustomers() {
    }

    /** Creates the table when absent and fills it when empty; returns the customers generated. */
    static int ensure(String jdbcUrl, LocalDate today, int count, long seed) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS customers (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
                    + "email VARCHAR(200) NOT NULL, country CHAR(2) NOT NULL, created_at DATETIME(6) NOT NULL, "
                    + "updated_at DATETIME(6) NOT NULL, KEY customers_updated (updated_at, id))");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM customers")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return 0;
                }
            }
            Random random = new Random(seed);
            LocalDateTime start = today.minusDays(30).atStartOfDay();
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO customers (id, name, email, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= count; id++) {
                    String first = FIRST[random.nextInt(FIRST.length)];
                    String last = LAST[random.nextInt(LAST.length)];
                    LocalDateTime created = start.plusSeconds(random.nextInt(30 * 24 * 3600));
                    LocalDateTime changed = created.plusSeconds(random.nextInt(3 * 24 * 3600));
                    LocalDateTime updated = random.nextInt(3) == 0 && changed.isBefore(today.atStartOfDay()) ? changed : created;
                    insert.setLong(1, id);
                    insert.setString(2, first + " " + last);
                    insert.setString(3, (first + "." + last + id + "@example.com").toLowerCase(java.util.Locale.ROOT));
                    insert.setString(4, COUNTRIES[random.nextInt(COUNTRIES.length)]);
                    insert.setObject(5, created);
                    insert.setObject(6, updated);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
            return count;
        }
    }
}
