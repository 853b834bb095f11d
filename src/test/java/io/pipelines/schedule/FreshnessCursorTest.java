package io.pipelines.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** A source's watermark cursor as the time of its newest data, when it is a time. */
class FreshnessCursorTest {

    @Test
    void aCursorIsATimeWithOrWithoutAnOffsetOrADateOrNone() {
        assertThat(Freshness.time("2026-11-30T10:15:00+01:00")).contains(Instant.parse("2026-11-30T09:15:00Z"));
        assertThat(Freshness.time("2026-11-30 10:15:00.123456")).contains(Instant.parse("2026-11-30T10:15:00.123456Z"));
        assertThat(Freshness.time("2026-11-30")).contains(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(Freshness.time("12345")).as("a number").isEmpty();
        assertThat(Freshness.time(null)).isEmpty();
    }
}
