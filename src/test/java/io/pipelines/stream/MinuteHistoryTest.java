package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The stream's last hour a minute at a time: counts per minute, the p99 latency within a factor of the square root of 2. */
class MinuteHistoryTest {

    private static final long T = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();

    @Test
    void eachMinuteHasItsEventsAndItsNinetyNinthPercentile() {
        MinuteHistory history = new MinuteHistory();
        long[] latencies = new long[100];
        for (int i = 0; i < 100; i++) {
            latencies[i] = i < 99 ? 1_000 : 60_000; // the slowest 1% at a minute
        }
        history.add(T + 5_000, latencies, 100);
        history.add(T + 50_000, new long[] {2_000, 2_000}, 2);
        history.add(T + 60_000 * 3 + 1, new long[] {10_000}, 1);

        List<MinuteHistory.Minute> hour = history.lastHour(T + 60_000 * 3 + 2);
        assertThat(hour).hasSize(60);
        assertThat(hour.get(59).minute()).isEqualTo(Instant.ofEpochMilli(T + 60_000 * 3));
        assertThat(hour.get(59).events()).isEqualTo(1);
        assertThat(hour.get(59).latencyP99Ms()).isBetween(10_000L, 14_143L);
        MinuteHistory.Minute first = hour.get(56);
        assertThat(first.minute()).isEqualTo(Instant.ofEpochMilli(T));
        assertThat(first.events()).isEqualTo(102);
        // 102 events: the 101st of them (99%) is a 2 s one.
        assertThat(first.latencyP99Ms()).isBetween(2_000L, 2_829L);
        assertThat(hour.get(57).events()).as("a minute without a batch").isZero();
    }

    @Test
    void aMinuteAnHourOldIsForgottenWhenItsSlotComesAgain() {
        MinuteHistory history = new MinuteHistory();
        history.add(T, new long[] {5}, 1);
        history.add(T + 3_600_000, new long[] {5, 5}, 2);
        List<MinuteHistory.Minute> hour = history.lastHour(T + 3_600_000);
        assertThat(hour.get(59).events()).isEqualTo(2);
        assertThat(hour.stream().mapToLong(MinuteHistory.Minute::events).sum()).isEqualTo(2);
        assertThat(history.lastHour(T + 2 * 3_600_000).stream().mapToLong(MinuteHistory.Minute::events).sum())
                .as("an hour later").isZero();
    }
}
