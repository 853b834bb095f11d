package io.pipelines.quality;

import java.util.List;

/**
 * The figures of a pipeline's earlier loads, for the checks against history: the check step's rows
 * ({@code expect_table_row_count_to_be_within_history}) and the sums its suite observed
 * ({@code expect_column_sum_to_be_within_history}) in the latest succeeded run of each logical date
 * before this run's, newest first.
 */
@FunctionalInterface
public interface VolumeHistory {

    /** No history (a check that has none passes, saying so). */
    VolumeHistory NONE = (lookback, sameWeekday) -> List.of();

    /** At most {@code lookback} row counts; with {@code sameWeekday}, of dates of this run's weekday only. */
    List<Long> rowCounts(int lookback, boolean sameWeekday);

    /** At most {@code lookback} sums of {@code column} that the same check observed; none by default. */
    default List<Double> columnSums(String column, int lookback, boolean sameWeekday) {
        return List.of();
    }
}
