package io.pipelines.bench;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.postgresql.PGConnection;

import io.pipelines.config.SourceConnections;
import io.pipelines.run.RunLauncher;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.warehouse.SqlScripts;

/**
 * B1 (a full daily_sales_etl run over N orders of one date) against the database-alone limit (COPY
 * out of the source into staging, then the same transform and aggregate SQL) and the naive Camel
 * route (split per row, one INSERT per row through camel-sql); B3 is B1 in a JVM of -Xmx512m.
 */
public final class BatchBenchmark {

    private static final LocalDate DATE = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    private static final LocalDate BASELINE_DATE = DATE.minusDays(400);
    /** A date run once before the measured run, so that it is measured on a JVM that has run the pipeline before. */
    private static final LocalDate WARM_UP_DATE = DATE.minusDays(200);
    private static final int WARM_UP_ROWS = 200_000;
    private static final String COLUMNS = "order_id, customer_id, product_category, total, currency, status, created_at, updated_at";

    public static void main(String[] args) {
        try {
            String mode = args[0];
            int rows = Integer.parseInt(args[1]);
            Report report = new Report(Path.of(args[2]));
            if (mode.equals("b1")) {
                b1(rows, Integer.parseInt(args[3]), report);
            } else {
                b3(rows, report);
            }
        } catch (Throwable e) {
            e.printStackTrace();
            // The embedded servers' threads would keep the JVM alive.
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    private static void b1(int rows, int naiveRows, Report report) throws Exception {
        try (BenchService service = BenchService.start("target/bench-b1", "--pipelines.stream.enabled=false")) {
            generate(service, rows, DATE);
            generate(service, WARM_UP_ROWS, WARM_UP_DATE);
            RunRecord warmUp = runPipeline(service, WARM_UP_DATE);
            settle(service);
            Baseline before = baseline(service);
            settle(service);
            RunRecord run = runPipeline(service, DATE);
            settle(service);
            Baseline after = baseline(service);
            long naiveNanos = naive(service, naiveRows);

            long wall = Duration.between(run.startedAt(), run.finishedAt()).toNanos();
            long limit = Math.min(before.total(), after.total());
            report.line("### B1 batch: daily_sales_etl over " + String.format("%,d", rows) + " orders of one date");
            report.line("");
            report.line("| measure | time | rows/s |");
            report.line("| --- | --- | --- |");
            report.line("| **B1 full run** (extract, land Parquet in S3, validate, load, transform, aggregate) | "
                    + Report.seconds(wall) + " | " + Report.rate(rows, wall) + " |");
            for (RunRecord.Task t : run.tasks()) {
                if (t.task().equals("validate_data") || t.task().equals("load_to_staging")) {
                    // Done in the extract's pass: their times overlap it (from its start to their end).
                    report.line("| &nbsp;&nbsp;task " + t.task() + " (in extract_orders' pass, from its start) | "
                            + Report.seconds(t.durationMs() * 1_000_000) + " | |");
                    continue;
                }
                report.line("| &nbsp;&nbsp;task " + t.task() + " | " + Report.seconds(t.durationMs() * 1_000_000) + " | |");
            }
            long warm = Duration.between(warmUp.startedAt(), warmUp.finishedAt()).toNanos();
            report.line("| warm-up run before B1, not counted: " + String.format("%,d", WARM_UP_ROWS) + " orders of another date, "
                    + warmUp.status() + " | " + Report.seconds(warm) + " | " + Report.rate(WARM_UP_ROWS, warm) + " |");
            report.line("| database alone, before B1: copy + transform + aggregate | " + Report.seconds(before.total())
                    + " | " + Report.rate(rows, before.total()) + " |");
            report.line("| &nbsp;&nbsp;bare text COPY / binary COPY / transform / aggregate | "
                    + Report.seconds(before.copy) + " / " + Report.seconds(before.binaryCopy) + " / "
                    + Report.seconds(before.transform) + " / " + Report.seconds(before.aggregate) + " | |");
            report.line("| database alone, after B1: copy + transform + aggregate | " + Report.seconds(after.total())
                    + " | " + Report.rate(rows, after.total()) + " |");
            report.line("| &nbsp;&nbsp;bare text COPY / binary COPY / transform / aggregate | "
                    + Report.seconds(after.copy) + " / " + Report.seconds(after.binaryCopy) + " / "
                    + Report.seconds(after.transform) + " / " + Report.seconds(after.aggregate) + " | |");
            report.line("| naive Camel route (split, one INSERT per row) over " + String.format("%,d", naiveRows)
                    + " rows | " + Report.seconds(naiveNanos) + " | " + Report.rate(naiveRows, naiveNanos) + " |");
            report.line("");
            double ratio = (double) wall / limit;
            double speedup = (rows / (wall / 1e9)) / (naiveRows / (naiveNanos / 1e9));
            report.line(String.format("B1 / database alone (the better of the two): **%.2f x** (target at most 1.5 x: %s). "
                    + "B1 rows/s / naive rows/s: **%.1f x** (target at least 20 x: %s).", ratio,
                    ratio <= 1.5 ? "met" : "missed", speedup, speedup >= 20 ? "met" : "missed"));
            report.line("");
        }
    }

    private static void b3(int rows, Report report) throws Exception {
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakLive = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                // What the heap held right after the last collection: the live data, without garbage.
                peakLive.accumulateAndGet(ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
                        .mapToLong(p -> p.getCollectionUsage().getUsed()).sum(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        try (BenchService service = BenchService.start("target/bench-b3-" + rows, "--pipelines.stream.enabled=false")) {
            generate(service, rows, DATE);
            System.gc();
            peakHeap.set(0);
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            sampler.start();
            RunRecord run = runPipeline(service, DATE);
            sampler.interrupt();
            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long wall = Duration.between(run.startedAt(), run.finishedAt()).toNanos();
            report.line(String.format("| %,d | %s | %s | %s | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %s |", rows,
                    run.status(), Report.seconds(wall), Report.rate(rows, wall), peakLive.get() / 1048576.0,
                    peakHeap.get() / 1048576.0, poolPeaks / 1048576.0, vmHwmKb() / 1024.0,
                    run.status() == RunStatus.SUCCEEDED ? "" : String.valueOf(run.error())));
        }
    }

    /** N orders created on a date, generated by the source database itself. */
    static void generate(BenchService service, int rows, LocalDate date) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = service.sales(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO public.orders (order_id, customer_id, product_category, total, currency, status, created_at, updated_at)
                SELECT ? + i,
                       1 + (i * 7919) % 5000,
                       (ARRAY['books','electronics','garden','grocery','home','sports','toys'])[1 + i % 7],
                       ((i * 104729) % 49500 + 500) / 100.0,
                       'USD',
                       (ARRAY['completed','shipped','pending','cancelled'])[1 + i % 4],
                       ?::timestamptz + (i % 86400) * interval '1 second',
                       ?::timestamptz + (i % 86400) * interval '1 second' + interval '5 minutes'
                FROM generate_series(0::bigint, ? - 1) AS i""")) {
            String start = date.atStartOfDay().atOffset(ZoneOffset.UTC).toString();
            ps.setLong(1, 900_000_000_000L + date.toEpochDay() * 100_000_000L);
            ps.setString(2, start);
            ps.setString(3, start);
            ps.setInt(4, rows);
            ps.executeUpdate();
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE public.orders");
            }
        }
        System.out.printf("generated %,d orders in %s%n", rows, Report.seconds(System.nanoTime() - t0));
    }

    private static RunRecord runPipeline(BenchService service, LocalDate date) throws Exception {
        return runPipeline(service, "daily_sales_etl", date);
    }

    /** Queues a run of the pipeline for the date and waits until it has finished. */
    static RunRecord runPipeline(BenchService service, String pipeline, LocalDate date) throws Exception {
        long runId = service.bean(RunLauncher.class).launch(pipeline, date, "bench");
        RunLedger ledger = service.bean(RunLedger.class);
        while (true) {
            RunRecord run = ledger.find(runId).orElseThrow();
            if (run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.FAILED) {
                if (run.status() == RunStatus.FAILED) {
                    System.out.println("run failed: " + run.error());
                }
                return run;
            }
            Thread.sleep(100);
        }
    }

    private record Baseline(long copy, long binaryCopy, long transform, long aggregate) {
        long total() {
            return Math.min(copy, binaryCopy) + transform + aggregate;
        }
    }

    /**
     * Each measure starts from the same state of the database: dirty pages written out and the
     * tables vacuumed and analysed, so that no checkpoint or autovacuum left over from the step
     * before lands on the next one.
     */
    private static void settle(BenchService service) throws Exception {
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE staging.orders");
            st.execute("VACUUM ANALYZE analytics.orders");
            st.execute("VACUUM ANALYZE analytics.daily_sales");
            st.execute("CHECKPOINT");
        }
        try (Connection c = service.sales(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE public.orders");
        }
    }

    /** The same result made by the database alone: COPY out of the source into staging, then the SQL. */
    private static Baseline baseline(BenchService service) throws Exception {
        long binary = copy(service, true);
        long text = copy(service, false);
        SqlScripts sql = service.bean(SqlScripts.class);
        long t0 = System.nanoTime();
        sql.run("sql/transform_orders.sql", Map.of("logical_date", BASELINE_DATE));
        long t1 = System.nanoTime();
        sql.run("sql/update_sales_aggregates.sql", Map.of("logical_date", BASELINE_DATE));
        long t2 = System.nanoTime();
        return new Baseline(text, binary, t1 - t0, t2 - t1);
    }

    private static long copy(BenchService service, boolean binary) throws Exception {
        String format = binary ? " (FORMAT binary)" : "";
        String window = "created_at >= '" + DATE.atStartOfDay().atOffset(ZoneOffset.UTC) + "' AND created_at < '"
                + DATE.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC) + "'";
        try (Connection source = service.sales(); Connection target = service.warehouse()) {
            target.setAutoCommit(false);
            try (Statement st = target.createStatement()) {
                st.executeUpdate("DELETE FROM staging.orders WHERE logical_date = '" + BASELINE_DATE + "'");
            }
            target.commit();
            long t0 = System.nanoTime();
            PipedInputStream in = new PipedInputStream(1 << 20);
            PipedOutputStream out = new PipedOutputStream(in);
            AtomicReference<Exception> failed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try (out) {
                    source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT '" + BASELINE_DATE
                            + "'::date, 0::bigint, " + COLUMNS + " FROM public.orders WHERE " + window + ") TO STDOUT"
                            + format, out);
                } catch (Exception e) {
                    failed.set(e);
                }
            });
            reader.start();
            target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY staging.orders (logical_date, run_id, " + COLUMNS
                    + ") FROM STDIN" + format, in);
            reader.join();
            target.commit();
            if (failed.get() != null) {
                throw failed.get();
            }
            return System.nanoTime() - t0;
        }
    }

    /** What a user writes first: read the rows, split them, INSERT each through camel-sql. */
    private static long naive(BenchService service, int rows) throws Exception {
        try (Connection c = service.warehouse(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench_naive");
            st.execute("DROP TABLE IF EXISTS bench_naive.orders");
            st.execute("CREATE TABLE bench_naive.orders (LIKE staging.orders INCLUDING DEFAULTS)");
            st.execute("ALTER TABLE bench_naive.orders ALTER COLUMN logical_date DROP NOT NULL, ALTER COLUMN run_id DROP NOT NULL");
        }
        CamelContext camel = service.bean(CamelContext.class);
        DataSource sales = service.bean(SourceConnections.class).dataSource("sales");
        camel.getRegistry().bind("benchSales", sales);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:naive").routeId("bench-naive")
                        .to("sql:SELECT " + COLUMNS + " FROM public.orders WHERE created_at >= :#start LIMIT " + rows
                                + "?dataSource=#benchSales")
                        .split(body())
                        .to("sql:INSERT INTO bench_naive.orders (" + COLUMNS + ") VALUES (:#order_id, :#customer_id, "
                                + ":#product_category, :#total, :#currency, :#status, :#created_at, :#updated_at)"
                                + "?dataSource=#dataSource");
            }
        });
        ProducerTemplate producer = camel.createProducerTemplate();
        long t0 = System.nanoTime();
        producer.requestBodyAndHeader("direct:naive", null, "start", java.sql.Timestamp.from(DATE.atStartOfDay()
                .toInstant(ZoneOffset.UTC)));
        long elapsed = System.nanoTime() - t0;
        try (Connection c = service.warehouse(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM bench_naive.orders")) {
            rs.next();
            if (rs.getLong(1) != rows) {
                throw new IllegalStateException("naive route inserted " + rs.getLong(1) + " rows, not " + rows);
            }
        }
        return elapsed;
    }

    private static long vmHwmKb() throws Exception {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        return status.stream().filter(l -> l.startsWith("VmHWM:")).map(l -> l.replaceAll("\\D", ""))
                .mapToLong(Long::parseLong).findFirst().orElse(-1);
    }
}
