package io.pipelines.run;

import java.util.Locale;

/**
 * What a pipeline's schedule does with the fires it missed while every instance was down (the pipeline-runs
 * parameters catchup and catchupLimit): NONE runs none of them, LATEST runs the latest missed one (Quartz's single
 * late fire), ALL runs every missed date not loaded yet, oldest first, at most {@code limit} of the latest.
 */
public record CatchUp(Mode mode, int limit) {

    public enum Mode { NONE, LATEST, ALL }

    public static final CatchUp LATEST = new CatchUp(Mode.LATEST, 1);

    /** Reads the parameters of a pipeline-runs step; an error names the step and the parameter. */
    static CatchUp of(Step runs) {
        String text = runs.text("catchup").isEmpty() ? "latest" : runs.text("catchup");
        Mode mode;
        try {
            mode = Mode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw runs.wrong("catchup", "'" + text + "' is not one of none, latest, all");
        }
        int limit = runs.text("catchupLimit").isEmpty() ? 1 : Integer.parseInt(runs.text("catchupLimit"));
        if (limit < 1) {
            throw runs.wrong("catchupLimit", "'" + limit + "' must be at least 1");
        }
        return new CatchUp(mode, limit);
    }
}
