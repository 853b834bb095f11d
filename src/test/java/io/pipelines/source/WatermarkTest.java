package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A source's watermarks: cursor value first, then the key columns, each compared by its type. */
class WatermarkTest {

    @Test
    void marksCompareByCursorThenKeyEachByItsType() {
        var a = new Watermark("2026-01-01T11:00", List.of("9"));
        var b = new Watermark("2026-01-01T11:00", List.of("10"));
        var c = new Watermark("2026-01-01T11:00:01", List.of("1"));
        assertThat(Watermark.compare(a, b, "timestamp", List.of("bigint"))).isNegative();
        assertThat(Watermark.compare(b, c, "timestamp", List.of("bigint"))).isNegative();
        assertThat(Watermark.compare(a, a, "timestamp", List.of("bigint"))).isZero();
    }
}
