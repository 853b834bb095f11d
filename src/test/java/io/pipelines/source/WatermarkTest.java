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

    @Test
    void textsThatAreTimestampsWithAnOffsetCompareAsInstants() {
        // As text, 10:30Z sorts before 11:00:01+01:00; as instants it is half an hour after it.
        var earlier = new Watermark("2026-11-01T11:00:01+01:00", List.of("1"));
        var later = new Watermark("2026-11-01T10:30:00Z", List.of("3"));
        assertThat(Watermark.compare(later, earlier, "text", List.of("bigint"))).isPositive();
        assertThat(Watermark.compare(later, earlier, "timestamptz", List.of("bigint"))).isPositive();
        // The same instant written with two offsets: the key decides.
        assertThat(Watermark.compare(new Watermark("2026-11-01T10:00:01Z", List.of("2")), earlier, "text", List.of("bigint")))
                .isPositive();
        // Text that is no timestamp still compares as text.
        assertThat(Watermark.compare(new Watermark("b", List.of("1")), new Watermark("a", List.of("1")), "text",
                List.of("bigint"))).isPositive();
    }
}
