package io.pipelines.run;

/** States of a run (etl.pipeline_runs.status); tasks use RUNNING, SUCCEEDED and FAILED. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED
}
