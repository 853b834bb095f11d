package io.pipelines.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lines two texts do not share, in order. */
class LineDiffTest {

    @Test
    void theLinesRemovedAndAddedAreGivenInOrder() {
        assertThat(LineDiff.of("a\nb\nc\nd", "a\nc\nx\nd")).containsExactly("- b", "+ x");
        assertThat(LineDiff.of("p\nold\nq", "p\nnew\nq")).as("a line replaced").containsExactly("- old", "+ new");
        assertThat(LineDiff.of("same", "same")).isEmpty();
        assertThat(LineDiff.of(null, "new")).containsExactly("+ new");
        assertThat(LineDiff.of("old\nkept", "kept")).containsExactly("- old");
    }
}
