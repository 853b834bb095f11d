package io.pipelines.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ScheduleSlotsTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void aRegularFireIsItsOwnSlot() {
        Instant fire = Instant.parse("2026-11-25T06:00:00Z");
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 6 * * ?", UTC, fire)).isEqualTo(fire);
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 6 * * ?", UTC, fire.plusMillis(100))).as("whole seconds").isEqualTo(fire);
    }

    @Test
    void aFireReplayedAfterMidnightStandsForTheMorningItMissed() {
        // Every instance down from before 06:00 on the 25th until 00:30 on the 26th: Quartz fires once, now.
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 6 * * ?", UTC, Instant.parse("2026-11-26T00:30:00Z")))
                .isEqualTo(Instant.parse("2026-11-25T06:00:00Z"));
        // Several mornings missed: the latest one (the earlier ones need a backfill).
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 6 * * ?", UTC, Instant.parse("2026-11-29T05:59:59Z")))
                .isEqualTo(Instant.parse("2026-11-28T06:00:00Z"));
    }

    @Test
    void theSlotIsTakenInTheSchedulesTimeZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 06:00 in Berlin is 05:00 UTC in November.
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 6 * * ?", berlin, Instant.parse("2026-11-25T04:59:00Z")))
                .isEqualTo(Instant.parse("2026-11-24T05:00:00Z"));
    }

    @Test
    void frequentAndRareSchedulesFindTheirLatestSlot() {
        assertThat(ScheduleSlots.slotAtOrBefore("*/2 * * * * ?", UTC, Instant.parse("2026-11-25T12:00:03Z")))
                .isEqualTo(Instant.parse("2026-11-25T12:00:02Z"));
        assertThat(ScheduleSlots.slotAtOrBefore("0 0 0 1 1 ?", UTC, Instant.parse("2026-11-25T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aBadExpressionIsNamed() {
        assertThatThrownBy(() -> ScheduleSlots.slotAtOrBefore("every day", UTC, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'every day'");
    }
}
