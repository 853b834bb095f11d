package io.pipelines.run;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;

/**
 * How old the newest data of a pipeline's tables may grow (the pipeline-runs parameters freshnessWarn and
 * freshnessError): the newest data is the end of its latest loaded logical date, or for a source the cursor of its
 * watermark (when it is a time; else its latest load). Null: no such level.
 */
public record FreshnessRules(Duration warn, Duration error) {

    public static final FreshnessRules NONE = new FreshnessRules(null, null);

    public boolean any() {
        return warn != null || error != null;
    }

    /** OK, WARN or ERROR for data of that age. */
    public String level(Duration age) {
        return error != null && age.compareTo(error) > 0 ? "ERROR" : warn != null && age.compareTo(warn) > 0 ? "WARN" : "OK";
    }

    static FreshnessRules of(Step runs) {
        Duration warn = duration(runs, "freshnessWarn");
        Duration error = duration(runs, "freshnessError");
        if (warn != null && error != null && warn.compareTo(error) >= 0) {
            throw runs.wrong("freshnessWarn", "'" + runs.text("freshnessWarn") + "' must be shorter than freshnessError ("
                    + runs.text("freshnessError") + ")");
        }
        return new FreshnessRules(warn, error);
    }

    private static Duration duration(Step runs, String parameter) {
        if (runs.text(parameter).isEmpty()) {
            return null;
        }
        Duration d = DurationStyle.detectAndParse(runs.text(parameter));
        if (d.isNegative() || d.isZero()) {
            throw runs.wrong(parameter, "'" + runs.text(parameter) + "' must be positive");
        }
        return d;
    }
}
