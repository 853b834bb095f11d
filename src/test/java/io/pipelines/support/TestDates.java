package io.pipelines.support;

import java.time.LocalDate;
import java.util.List;

/**
 * Every logical date the tests use, fixed, one block per test class: no two classes (and no two
 * tests) share a date, so that no test finds another's runs, rows or lake objects, and nothing
 * depends on the day the suite runs (a run across midnight UTC sees the same dates).
 * {@code TestDatesTest} fails when a date is given twice.
 *
 * <p>The shared test context pins the demo data (pipelines.local.demo.today) to {@link #DEMO_TODAY}:
 * the {@link #demoDay demo days} 1 to 30 before it have demo orders; the other dates have none
 * until a test adds its own.
 */
public final class TestDates {

    /** The day the local profile's demo data counts back from, in the tests (pipelines.local.demo.today). */
    public static final String DEMO_TODAY_TEXT = "2026-04-01";
    public static final LocalDate DEMO_TODAY = LocalDate.parse(DEMO_TODAY_TEXT);
    /** Days of demo orders before {@link #DEMO_TODAY} (pipelines.local.demo.days). */
    public static final int DEMO_DAYS = 30;

    private TestDates() {
    }

    /** The day {@code daysBack} days before {@link #DEMO_TODAY}, one of the days with demo orders (1 to 30). */
    public static LocalDate demoDay(int daysBack) {
        if (daysBack < 1 || daysBack > DEMO_DAYS) {
            throw new IllegalArgumentException("demo orders are on the " + DEMO_DAYS + " days before " + DEMO_TODAY
                    + ", not " + daysBack + " days back");
        }
        return DEMO_TODAY.minusDays(daysBack);
    }

    private static List<LocalDate> days(String from, String to) {
        return LocalDate.parse(from).datesUntil(LocalDate.parse(to).plusDays(1)).toList();
    }

    /** io.pipelines.DailySalesEtlTest. */
    public static final class DailySalesEtl {
        public static final LocalDate ONE_RUN = demoDay(2);
        public static final LocalDate TWICE = demoDay(3);
        public static final List<LocalDate> BACKFILL = List.of(demoDay(12), demoDay(11), demoDay(10), demoDay(9),
                demoDay(8), demoDay(7), demoDay(6));
        public static final List<LocalDate> SECOND_RUN_REFUSED = List.of(demoDay(13), demoDay(15), demoDay(16));
        public static final LocalDate BACKFILL_REFUSED = demoDay(17);
        public static final LocalDate SCHEDULED = demoDay(20);
        public static final LocalDate RETRIED = demoDay(22);
        public static final LocalDate RETRIES_SPENT = demoDay(23);
        public static final LocalDate RESUMED = demoDay(24);
        public static final LocalDate SINGLE_AND_TWO_PASS = demoDay(25);
        public static final LocalDate S3_OUTAGE = demoDay(26);
        public static final LocalDate STOPPED_DURING_RUN = demoDay(27);
        public static final LocalDate NO_ORDERS = LocalDate.parse("2025-01-01");
        public static final LocalDate NEGATIVE_TOTAL = LocalDate.parse("2025-01-02");
        public static final LocalDate DUPLICATE_ORDER = LocalDate.parse("2025-01-03");
        public static final LocalDate SPECIAL_TEXT = LocalDate.parse("2025-01-04");
        public static final LocalDate EMPTIED = LocalDate.parse("2025-01-05");
        public static final LocalDate SHRUNK = LocalDate.parse("2025-01-06");
        public static final LocalDate UNUSUAL_TOTAL = LocalDate.parse("2025-01-07");

        private DailySalesEtl() {
        }
    }

    /** io.pipelines.ControlApiTest. */
    public static final class ControlApi {
        public static final LocalDate REPORTED = demoDay(4);
        public static final LocalDate JMX = demoDay(5);
        public static final LocalDate REFUSED = demoDay(1);
        public static final LocalDate REFUSED_FROM = LocalDate.parse("2025-02-01");
        public static final LocalDate REFUSED_TO = LocalDate.parse("2025-02-02");
        public static final LocalDate FAILED_TASK = LocalDate.parse("2025-02-03");
        /** Four days: loaded, failed, missing, failed then loaded (their runs written by the test). */
        public static final List<LocalDate> BACKFILL_MODES = days("2025-02-10", "2025-02-13");

        private ControlApi() {
        }
    }

    /** io.pipelines.DeadLettersTest. */
    public static final class DeadLetters {
        public static final LocalDate FAILED_FOR_GOOD = demoDay(21);
        public static final LocalDate SPOOLED = LocalDate.parse("2025-03-01");

        private DeadLetters() {
        }
    }

    /** io.pipelines.RunRecoveryTest. */
    public static final class RunRecovery {
        public static final LocalDate ORPHANED_IN_EXTRACT = demoDay(28);
        public static final LocalDate ORPHANED_TOO_OFTEN = demoDay(29);
        public static final LocalDate ORPHANED_IN_TRANSFORM = demoDay(30);
        public static final LocalDate FENCED = LocalDate.parse("2025-04-01");

        private RunRecovery() {
        }
    }

    /** io.pipelines.CrashSafetyTest. */
    public static final class CrashSafety {
        public static final List<LocalDate> BACKFILL = days("2024-02-01", "2024-02-04");

        private CrashSafety() {
        }
    }

    /** io.pipelines.ClusterTest. */
    public static final class Cluster {
        public static final List<LocalDate> TAKEN_OVER = days("2024-03-01", "2024-03-02");
        public static final List<LocalDate> HANDED_OVER_ON_SIGTERM = days("2024-03-10", "2024-03-13");

        private Cluster() {
        }
    }

    /** io.pipelines.OutageTest. */
    public static final class Outage {
        public static final LocalDate WAREHOUSE = LocalDate.parse("2024-04-01");
        public static final LocalDate SOURCE = LocalDate.parse("2024-04-02");
        public static final LocalDate STALLED = LocalDate.parse("2024-04-03");

        private Outage() {
        }
    }

    /** io.pipelines.task.InPassLoaderTest. */
    public static final class InPassLoader {
        public static final LocalDate COMMITTED = LocalDate.parse("2023-01-02");
        public static final LocalDate FAILED_EXPECTATION = LocalDate.parse("2023-01-03");
        public static final LocalDate COUNT_MISMATCH = LocalDate.parse("2023-01-04");
        public static final LocalDate TAKEN_OVER = LocalDate.parse("2023-01-05");

        private InPassLoader() {
        }
    }

    /** io.pipelines.lake.PartUploadFenceTest. */
    public static final class PartUploadFence {
        public static final LocalDate TAKEN_OVER = LocalDate.parse("2023-02-01");

        private PartUploadFence() {
        }
    }

    /** The logical dates of source runs (a label there: sources read by watermark), one per test class. */
    public static final class Sources {
        public static final LocalDate JDBC = LocalDate.parse("2025-06-01");
        public static final LocalDate HTTP = LocalDate.parse("2025-06-02");
        public static final LocalDate DEMO = LocalDate.parse("2025-06-03");
        public static final LocalDate SCHEMA_EVOLUTION = LocalDate.parse("2025-06-04");
        public static final List<LocalDate> ONE_AT_A_TIME = days("2025-06-05", "2025-06-06");

        private Sources() {
        }
    }

    /** io.pipelines.DailySignupsTest (pipeline daily_signups: the demo customers are on the 30 days before DEMO_TODAY). */
    public static final class DailySignups {
        public static final LocalDate ONE_RUN = demoDay(14);
        public static final List<LocalDate> BACKFILL = List.of(demoDay(19), demoDay(18));
        /** No customers signed up that day. */
        public static final LocalDate RESUMED = LocalDate.parse("2026-02-20");
        /** No customers signed up that day (after the demo days); loaded after {@link #ONE_RUN} and {@link #BACKFILL}. */
        public static final LocalDate QUIET = DEMO_TODAY.plusDays(9);

        private DailySignups() {
        }
    }

    /** io.pipelines.QuarantineTest (pipeline files of the test's own, orders it adds itself). */
    public static final class Quarantine {
        /** 3 bad rows of 400, in the extract's pass; then the source fixed and the date run again. */
        public static final LocalDate IN_PASS = LocalDate.parse("2024-08-01");
        /** 8 of 400 beyond a mostly of 0.99: the run fails, nothing loaded. */
        public static final LocalDate BEYOND_MOSTLY = LocalDate.parse("2024-08-02");
        /** 3 bad rows of 400 through the check and load steps. */
        public static final LocalDate TWO_PASS = LocalDate.parse("2024-08-03");

        private Quarantine() {
        }
    }

    /** io.pipelines.AutoPauseTest (a pipeline of the test's own that reads no data). */
    public static final class AutoPause {
        public static final List<LocalDate> DAYS = days("2024-09-01", "2024-09-05");

        private AutoPause() {
        }
    }

    /** io.pipelines.ConsoleTest (orders it adds itself). */
    public static final class Console {
        public static final LocalDate SUCCEEDED = LocalDate.parse("2024-10-01");
        /** One order of a negative total among 20. */
        public static final LocalDate FAILED_EXPECTATION = LocalDate.parse("2024-10-02");
        /** Dates without orders for the backfill's dry run (nothing queued). */
        public static final List<LocalDate> BACKFILL_DRY_RUN = days("2024-10-10", "2024-10-12");
        /** Two runs (no orders: they load none) for the grid's pages. */
        public static final List<LocalDate> GRID = days("2024-10-20", "2024-10-21");

        private Console() {
        }
    }

    /** io.pipelines.DeadlinesTest (pipeline daily_sales_etl, due 31 h after the start of the date; orders it adds itself). */
    public static final class Deadlines {
        /** A run the test records as loaded: dates are watched from a pipeline's first run on, whatever ran before. */
        public static final LocalDate WATCHED_FROM = LocalDate.parse("2024-12-01");
        /** Never run. */
        public static final LocalDate NOT_QUEUED = LocalDate.parse("2024-12-09");
        /** Failed at validate_data (a negative total), then fixed and loaded late. */
        public static final LocalDate FAILED_THEN_LATE = LocalDate.parse("2024-12-10");
        /** A run the test writes as running, its extract started at 06:00 the next day and never ending. */
        public static final LocalDate HANGING = LocalDate.parse("2024-12-20");

        private Deadlines() {
        }
    }

    /** io.pipelines.ConsoleTest's deadline miss (never run). */
    public static final class ConsoleDeadline {
        public static final LocalDate MISSED = LocalDate.parse("2024-12-30");

        private ConsoleDeadline() {
        }
    }

    /** io.pipelines.BackfillLimitsTest (days without orders: each run loads none, quickly). */
    public static final class BackfillLimits {
        public static final List<LocalDate> ONE_AT_A_TIME = days("2024-11-01", "2024-11-04");
        public static final List<LocalDate> YIELDED_THEN_CANCELLED = days("2024-11-10", "2024-11-12");
        /** A run the test writes as queued, not a backfill's: the backfill waits for it. */
        public static final LocalDate WAITING = LocalDate.parse("2024-11-20");

        private BackfillLimits() {
        }
    }

    /**
     * io.pipelines.CatchUpTest (pipeline daily_signups, catchup all, at most 7 dates; no customers signed up then, and
     * after DailySignups' dates, whose volume checks would count these empty loads): its last fire before the outage
     * stood for the first date, the fire after it for the last.
     */
    public static final class CatchUp {
        public static final LocalDate BEFORE_OUTAGE = LocalDate.parse("2026-05-01");
        public static final LocalDate AFTER_OUTAGE = LocalDate.parse("2026-05-12");
        /** Loaded before the catch-up: not run again. */
        public static final LocalDate LOADED = LocalDate.parse("2026-05-08");

        private CatchUp() {
        }
    }

    /** io.pipelines.VersionsTest (no orders: the run loads none). */
    public static final class Versions {
        public static final LocalDate ONE_RUN = LocalDate.parse("2024-11-25");

        private Versions() {
        }
    }

    /** io.pipelines.ExtraPipelineTest (a pipeline file of the test's own, orders it adds itself). */
    public static final class ExtraPipeline {
        public static final LocalDate ONE_RUN = LocalDate.parse("2024-05-01");

        private ExtraPipeline() {
        }
    }

    /** io.pipelines.CrossOriginTest. */
    public static final class CrossOrigin {
        public static final LocalDate FORM_POST = LocalDate.parse("2024-06-01");

        private CrossOrigin() {
        }
    }

    /** io.pipelines.RolesTest. */
    public static final class Roles {
        /** A viewer's trigger, refused: no run. */
        public static final LocalDate REFUSED = LocalDate.parse("2024-07-01");
        /** An operator's trigger. */
        public static final LocalDate TRIGGERED = LocalDate.parse("2024-07-02");
        /** A trigger with an identity provider's token. */
        public static final LocalDate BY_TOKEN = LocalDate.parse("2024-07-03");

        private Roles() {
        }
    }
}
