package io.pipelines.run;

/**
 * Told when a run of a batch or source pipeline ends on this instance, once its record is written
 * (beans implementing it are called in turn; one that throws is logged and the others still run).
 */
public interface RunEnded {

    void ended(String pipeline, long runId, RunStatus status);
}
