package io.pipelines.run;

import java.util.List;

/**
 * What a task reports when it succeeds; the task's route ends with it as the body, and the run
 * ledger records it.
 *
 * @param rowsIn   rows the task read (null when it does not read rows)
 * @param rowsOut  rows the task wrote or passed on
 * @param lakeKeys lake objects the task wrote or read
 * @param folded   later tasks of the run that this one did as well, in the same pass over the data,
 *                 already recorded as succeeded by the task (the run's route then skips them); their
 *                 metrics and log lines come with this task's
 */
public record TaskResult(Long rowsIn, Long rowsOut, List<String> lakeKeys, List<Folded> folded) {

    public TaskResult {
        lakeKeys = lakeKeys == null ? List.of() : List.copyOf(lakeKeys);
        folded = folded == null ? List.of() : List.copyOf(folded);
    }

    public TaskResult(Long rowsIn, Long rowsOut, List<String> lakeKeys) {
        this(rowsIn, rowsOut, lakeKeys, List.of());
    }

    /** A later task done within this one: its name, how long it took (from this task's start), its result. */
    public record Folded(String task, long durationMs, TaskResult result) {
    }
}
