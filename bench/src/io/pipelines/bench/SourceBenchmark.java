package io.pipelines.bench;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.postgresql.PGConnection;

import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;

/**
 * B4: the source pipeline postgres_orders (pipelines.sources, changed rows only) over N orders: its
 * first load, then an increment of N/10 changed rows, each against the database alone in the same
 * run, on a service that has run the pipeline before (as B1: the first load is measured a second time
 * after the source was made new again; the fresh service's first one is reported too). The database
 * alone: for the first load a binary COPY of the same rows into a table of the same columns plus
 * building its primary key; for the increment a COPY of the changed rows into a temporary table and
 * the same upsert done in SQL.
 */
public final class SourceBenchmark {

    private static final LocalDate DATE = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    private static final String COLUMNS = "order_id, customer_id, product_category, total, currency, status, created_at, updated_at";
    private static final String TABLE = "order_id bigint, customer_id bigint, product_category text, total numeric(12,2), "
            + "currency text, status text, created_at timestamptz, updated_at timestamptz";

    public static void main(String[] args) {
        try {
            int rows = Integer.parseInt(args[0]);
            b4(rows, new Report(Path.of(args[1])));
        } catch (Throwable e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    private static void b4(int rows, Report report) throws Exception {
        int changed = rows / 10;
        try (BenchService service = BenchService.start("target/bench-b4", "--pipelines.stream.enabled=false")) {
            BatchBenchmark.generate(service, rows, DATE);
            vacuum(service);
            // The fresh service's first work: its first load on a JVM that has not yet loaded or
            // compiled the pass's code. Reported; then the source is made new again and its first load
            // measured on a service that has run the pipeline once before, as B1 is.
            RunRecord fresh = run(service);
            forget(service);
            vacuum(service);
            long baseFirst = copyIntoNewTable(service);
            RunRecord first = run(service);
            // The increment: N/10 orders change after the first load's watermark.
            try (Connection c = service.sales(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE public.orders SET status = 'refunded', updated_at = now() + interval '1 day' "
                        + "WHERE order_id IN (SELECT order_id FROM public.orders ORDER BY order_id LIMIT " + changed + ")");
            }
            vacuum(service);
            long baseIncrement = upsertInSql(service, changed);
            RunRecord second = run(service);

            report.line("### B4 source: postgres_orders, a first load of " + String.format("%,d", rows)
                    + " orders, then " + String.format("%,d", changed) + " changed");
            report.line("");
            report.line("| measure | time | rows/s |");
            report.line("| --- | --- | --- |");
            line(report, "first load on a fresh service (its first work: the JVM loads and compiles the code as it goes)",
                    fresh, rows);
            line(report, "**first load** (extract to Parquet in S3, upsert into staging.postgres_orders) on a service that "
                    + "has run it before", first, rows);
            report.line("| database alone: binary COPY of the rows into a new table, then its primary key | "
                    + Report.seconds(baseFirst) + " | " + Report.rate(rows, baseFirst) + " |");
            line(report, "**increment** (the changed rows only)", second, changed);
            report.line("| database alone: COPY of the changed rows into a temporary table, then INSERT ... ON CONFLICT "
                    + "DO UPDATE | " + Report.seconds(baseIncrement) + " | " + Report.rate(changed, baseIncrement) + " |");
            report.line("");
            double r0 = (double) wall(fresh) / baseFirst;
            double r1 = (double) wall(first) / baseFirst;
            double r2 = (double) wall(second) / baseIncrement;
            report.line(String.format("B4 / database alone: first load **%.2f x**, increment **%.2f x** (target at most "
                    + "2.5 x each: %s, %s); the first load on a fresh service %.2f x.", r1, r2, r1 <= 2.5 ? "met" : "missed",
                    r2 <= 2.5 ? "met" : "missed", r0));
            report.line("");
        }
    }

    private static void line(Report report, String what, RunRecord run, int rows) {
        report.line("| " + what + ", " + run.status() + " | " + Report.seconds(wall(run)) + " | " + Report.rate(rows, wall(run))
                + " |");
        for (RunRecord.Task t : run.tasks()) {
            report.line("| &nbsp;&nbsp;task " + t.task() + " (rows in " + t.rowsIn() + ", out " + t.rowsOut() + ") | "
                    + Report.seconds(t.durationMs() * 1_000_000) + " | |");
        }
    }

    private static long wall(RunRecord run) {
        return Duration.between(run.startedAt(), run.finishedAt()).toNanos();
    }

    private static RunRecord run(BenchService service) throws Exception {
        RunRecord run = BatchBenchmark.runPipeline(service, "postgres_orders", DATE);
        if (run.status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException("run failed: " + run.error());
        }
        return run;
    }

    /** Makes the source new again: no staging table, no mark, no recorded schema (its next load is a first load). */
    private static void forget(BenchService service) throws Exception {
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE staging.postgres_orders");
            st.execute("DELETE FROM etl.watermarks WHERE source = 'postgres_orders'");
            st.execute("DELETE FROM etl.schema_versions WHERE source = 'postgres_orders'");
        }
    }

    private static void vacuum(BenchService service) throws Exception {
        try (Connection c = service.sales(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE public.orders");
        }
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    /** The first load done by the database alone: binary COPY into a new table, then its primary key. */
    private static long copyIntoNewTable(BenchService service) throws Exception {
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench_b4");
            st.execute("DROP TABLE IF EXISTS bench_b4.orders");
            st.execute("CREATE TABLE bench_b4.orders (" + TABLE + ")");
        }
        long t0 = System.nanoTime();
        pipe(service, "COPY (SELECT " + COLUMNS + " FROM public.orders) TO STDOUT (FORMAT binary)",
                "COPY bench_b4.orders (" + COLUMNS + ") FROM STDIN (FORMAT binary)", null);
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE bench_b4.orders ADD PRIMARY KEY (order_id)");
        }
        return System.nanoTime() - t0;
    }

    /** The increment done by the database alone: the changed rows into a temporary table, then the upsert. */
    private static long upsertInSql(BenchService service, int changed) throws Exception {
        long t0 = System.nanoTime();
        pipe(service, "COPY (SELECT " + COLUMNS + " FROM public.orders WHERE status = 'refunded') TO STDOUT (FORMAT binary)",
                "COPY bench_b4_changed (" + COLUMNS + ") FROM STDIN (FORMAT binary)",
                "INSERT INTO bench_b4.orders SELECT * FROM bench_b4_changed ON CONFLICT (order_id) DO UPDATE SET "
                        + "customer_id = EXCLUDED.customer_id, product_category = EXCLUDED.product_category, "
                        + "total = EXCLUDED.total, currency = EXCLUDED.currency, status = EXCLUDED.status, "
                        + "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at");
        return System.nanoTime() - t0;
    }

    /** A COPY out of the source piped into a COPY into the warehouse (in a temporary table first when {@code then} is given). */
    private static void pipe(BenchService service, String out, String in, String then) throws Exception {
        try (Connection source = service.sales(); Connection target = service.warehouse()) {
            target.setAutoCommit(false);
            if (then != null) {
                try (Statement st = target.createStatement()) {
                    st.execute("CREATE TEMPORARY TABLE bench_b4_changed (" + TABLE + ") ON COMMIT DROP");
                }
            }
            PipedInputStream pipeIn = new PipedInputStream(1 << 20);
            PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try (pipeOut) {
                    source.unwrap(PGConnection.class).getCopyAPI().copyOut(out, pipeOut);
                } catch (Exception e) {
                    failed.set(e);
                }
            });
            reader.start();
            long copied = target.unwrap(PGConnection.class).getCopyAPI().copyIn(in, pipeIn);
            reader.join();
            if (failed.get() != null) {
                throw failed.get();
            }
            if (then != null) {
                try (Statement st = target.createStatement()) {
                    st.executeUpdate(then);
                }
            }
            target.commit();
            System.out.printf("database alone: %,d rows copied%n", copied);
        }
    }
}
