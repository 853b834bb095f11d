package io.pipelines.run;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import io.pipelines.quality.ExpectationResult;

/**
 * A run as the ledger holds it, with its tasks and the expectations its quality suite failed;
 * {@code owner} is the instance that queued or runs it (or took it over: {@code recoveries} counts
 * the take-overs from dead instances); {@code force}: the run may replace a date's loaded rows with far
 * fewer (the block warehouse-load's minReplaceShare); {@code version}: of the pipeline's definition that ran it
 * (PipelineVersions), null before it started.
 */
public record RunRecord(long runId, String pipeline, LocalDate logicalDate, RunStatus status, String triggeredBy,
                        Instant queuedAt, Instant startedAt, Instant finishedAt, String error, String owner,
                        int recoveries, boolean force, String version, List<Task> tasks,
                        List<ExpectationResult> failedExpectations) {

    /** One task of the run (its last attempt). */
    public record Task(String task, RunStatus status, int attempts, Instant startedAt, Instant finishedAt,
                       Long rowsIn, Long rowsOut, Long durationMs, List<String> lakeKeys, String error) {
    }

    public RunRecord withDetails(List<Task> tasks, List<ExpectationResult> failed) {
        return new RunRecord(runId, pipeline, logicalDate, status, triggeredBy, queuedAt, startedAt, finishedAt,
                error, owner, recoveries, force, version, tasks, failed);
    }
}
