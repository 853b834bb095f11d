package io.pipelines.local;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import javax.sql.DataSource;

import org.postgresql.PGConnection;

/**
 * Demo source of the local profile: {@code sales.public.orders} with orders for each of the last
 * days. A date's rows come from a generator seeded by the seed and the date, so they are the same
 * on every machine and every start; a date that already has orders is left as it is.
 */
final class DemoOrders {

    private static final List<String> CATEGORIES =
            List.of("books", "electronics", "garden", "grocery", "home", "sports", "toys");
    private static final List<String> STATUSES = List.of("completed", "completed", "completed", "shipped", "pending", "cancelled");

    private DemoOrders() {
    }

    /** Fills the days that have no orders yet; returns the number of orders generated. */
    static int ensure(DataSource sales, LocalDate today, LocalServersProperties.Demo demo)
            throws SQLException, IOException {
        try (Connection c = sales.getConnection()) {
            try (Statement ddl = c.createStatement()) {
                ddl.execute("""
                        CREATE TABLE IF NOT EXISTS public.orders (
                            order_id         bigint,
                            customer_id      bigint,
                            product_category text,
                            total            numeric(12,2),
                            currency         text,
                            status           text,
                            created_at       timestamptz,
                            updated_at       timestamptz
                        )""");
                ddl.execute("CREATE INDEX IF NOT EXISTS orders_created_at ON public.orders (created_at)");
            }
            int generated = 0;
            for (int back = demo.getDays(); back >= 1; back--) {
                LocalDate date = today.minusDays(back);
                if (!hasOrders(c, date)) {
                    generated += generate(c, date, demo);
                }
            }
            return generated;
        }
    }

    private static boolean hasOrders(Connection c, LocalDate date) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM public.orders WHERE created_at >= ? AND created_at < ?)")) {
            q.setObject(1, date.atStartOfDay().atOffset(ZoneOffset.UTC));
            q.setObject(2, date.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static int generate(Connection c, LocalDate date, LocalServersProperties.Demo demo)
            throws SQLException, IOException {
        Random random = new Random(demo.getSeed() * 1_000_003L + date.toEpochDay());
        int count = (int) Math.round(demo.getOrdersPerDay() * (0.8 + 0.4 * random.nextDouble()));
        StringBuilder rows = new StringBuilder(count * 96);
        OffsetDateTime midnight = date.atStartOfDay().atOffset(ZoneOffset.UTC);
        for (int i = 0; i < count; i++) {
            long orderId = date.toEpochDay() * 1_000_000L + i;
            OffsetDateTime created = midnight.plusSeconds(random.nextInt(86_400));
            OffsetDateTime updated = created.plusMinutes(random.nextInt(600));
            BigDecimal total = BigDecimal.valueOf(500 + random.nextInt(49_500), 2);
            rows.append(orderId).append('\t')
                    .append(1 + random.nextInt(5_000)).append('\t')
                    .append(CATEGORIES.get(random.nextInt(CATEGORIES.size()))).append('\t')
                    .append(total.toPlainString()).append('\t')
                    .append("USD").append('\t')
                    .append(STATUSES.get(random.nextInt(STATUSES.size()))).append('\t')
                    .append(created).append('\t')
                    .append(updated).append('\n');
        }
        long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY public.orders (order_id, customer_id, product_category, total, currency, status, created_at, updated_at) FROM STDIN",
                new StringReader(rows.toString()));
        return (int) copied;
    }
}
