package io.pipelines.quality;

import java.util.List;

/**
 * The row counts of a pipeline's earlier loads, for the volume check
 * ({@code expect_table_row_count_to_be_within_history}): the check step's rows of the latest
 * succeeded run of each logical date before this run's, newest first.
 */
@FunctionalInterface
public interface VolumeHistory {

    /** No history (a check that has none passes, saying so). */
    VolumeHistory NONE = (lookback, sameWeekday) -> List.of();

    /** At most {@code lookback} row counts; with {@code sameWeekday}, of dates of this run's weekday only. */
    List<Long> rowCounts(int lookback, boolean sameWeekday);
}
