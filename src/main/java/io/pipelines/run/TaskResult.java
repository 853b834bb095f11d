package io.pipelines.run;

import java.util.List;

/**
 * What a task reports when it succeeds; the task's route ends with it as the body, and the run
 * ledger records it.
 *
 * @param rowsIn   rows the task read (null when it does not read rows)
 * @param rowsOut  rows the task wrote or passed on
 * @param lakeKeys lake objects the task wrote or read
 */
public record TaskResult(Long rowsIn, Long rowsOut, List<String> lakeKeys) {

    public TaskResult {
        lakeKeys = lakeKeys == null ? List.of() : List.copyOf(lakeKeys);
    }
}
