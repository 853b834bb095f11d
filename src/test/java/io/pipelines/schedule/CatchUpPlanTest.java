package io.pipelines.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pipelines.run.CatchUp;

/** What a schedule's fire runs after every instance was down, by the pipeline's catchup. */
class CatchUpPlanTest {

    private static final String DAILY = "0 30 5 * * ?";
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void theMissedSlotsBetweenTwoFiresAreTheLatestOnesUpToTheLimit() {
        Instant previous = Instant.parse("2025-09-01T05:30:00Z");
        Instant now = Instant.parse("2025-09-05T05:30:00Z");
        assertThat(ScheduleSlots.between(DAILY, UTC, previous, now, 10)).containsExactly(
                Instant.parse("2025-09-02T05:30:00Z"), Instant.parse("2025-09-03T05:30:00Z"),
                Instant.parse("2025-09-04T05:30:00Z"));
        assertThat(ScheduleSlots.between(DAILY, UTC, previous, now, 2)).containsExactly(
                Instant.parse("2025-09-03T05:30:00Z"), Instant.parse("2025-09-04T05:30:00Z"));
        assertThat(ScheduleSlots.between(DAILY, UTC, previous, previous.plusSeconds(86_400), 10)).as("none missed").isEmpty();
        assertThat(ScheduleSlots.between(DAILY, ZoneId.of("Europe/Paris"), previous, now, 10)).as("in the pipeline's zone")
                .first().isEqualTo(Instant.parse("2025-09-01T03:30:00Z").plusSeconds(86_400));
    }

    @Test
    void aDateIsRunByTheScheduleWhenItFiresTheDayAfter() {
        String weekdays = "0 0 6 ? * MON-FRI";
        assertThat(ScheduleSlots.runs(weekdays, UTC, java.time.LocalDate.parse("2026-11-30"))).as("Monday, run on Tuesday").isTrue();
        assertThat(ScheduleSlots.runs(weekdays, UTC, java.time.LocalDate.parse("2026-11-28"))).as("Saturday: Sunday has no fire")
                .isFalse();
        assertThat(ScheduleSlots.runs(DAILY, UTC, java.time.LocalDate.parse("2026-11-28"))).isTrue();
    }

    @Test
    void noneRunsNoMissedFireLatestItsOwnAllEveryMissedOneUpToTheLimit() {
        List<Instant> missed = List.of(Instant.parse("2025-09-03T05:30:00Z"), Instant.parse("2025-09-04T05:30:00Z"));
        assertThat(ScheduledRuns.plan(new CatchUp(CatchUp.Mode.NONE, 1), List.of(), true))
                .isEqualTo(new ScheduledRuns.Plan(List.of(), false));
        assertThat(ScheduledRuns.plan(new CatchUp(CatchUp.Mode.NONE, 1), List.of(), false)).as("a fire on time runs")
                .isEqualTo(new ScheduledRuns.Plan(List.of(), true));
        assertThat(ScheduledRuns.plan(CatchUp.LATEST, List.of(), true)).isEqualTo(new ScheduledRuns.Plan(List.of(), true));
        assertThat(ScheduledRuns.plan(new CatchUp(CatchUp.Mode.ALL, 3), missed, true))
                .isEqualTo(new ScheduledRuns.Plan(missed, true));
        assertThat(ScheduledRuns.plan(new CatchUp(CatchUp.Mode.ALL, 2), missed, true)).as("the latest within the limit")
                .isEqualTo(new ScheduledRuns.Plan(missed.subList(1, 2), true));
    }
}
