package io.pipelines.run;

import java.time.LocalDate;

/** A run of the pipeline for that date is already queued or running. */
public class RunAlreadyActiveException extends RuntimeException {

    private final long activeRunId;

    public RunAlreadyActiveException(String pipeline, LocalDate date, long activeRunId) {
        super("Pipeline '" + pipeline + "' already has run " + activeRunId + " queued or running for " + date);
        this.activeRunId = activeRunId;
    }

    public long activeRunId() {
        return activeRunId;
    }
}
