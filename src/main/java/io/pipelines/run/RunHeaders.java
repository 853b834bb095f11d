package io.pipelines.run;

/** Headers that carry a run through a pipeline's routes. */
public final class RunHeaders {

    /** Name of the pipeline (String). */
    public static final String PIPELINE = "pipeline";
    /** Id of the run in etl.pipeline_runs (Long). */
    public static final String RUN_ID = "runId";
    /** Logical date of the run (LocalDate). */
    public static final String LOGICAL_DATE = "logicalDate";
    /** Whether the run may replace a date's loaded rows with far fewer (Boolean; see the block warehouse-load's minReplaceShare). */
    public static final String FORCE = "force";

    private RunHeaders() {
    }
}
