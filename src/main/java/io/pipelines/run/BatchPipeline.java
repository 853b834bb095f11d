package io.pipelines.run;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * A batch pipeline as its route file declares it: a route whose id is the pipeline's name, that
 * starts from the block pipeline-runs (its schedule) and calls its steps in order.
 *
 * @param where the file and line of the route, for messages
 * @param file      the route file it is read from (a source's is made in memory: no such file)
 * @param runs      its pipeline-runs step, every parameter resolved (what its schedule is)
 * @param freshness how old its tables' newest data may grow (the pipeline-runs step's freshnessWarn, freshnessError)
 * @param catchUp   what its schedule does with the fires it missed (the pipeline-runs step's catchup, catchupLimit)
 * @param deadlines by when a date is due and how long its tasks may run (the pipeline-runs step's deadline, taskLimits)
 */
public record BatchPipeline(String name, String description, String where, String cron, ZoneId zone,
                            List<Step> steps, DeadlineRules deadlines, CatchUp catchUp, FreshnessRules freshness,
                            String file, Step runs) {

    /** The step of this pipeline with that task name. */
    public Optional<Step> step(String task) {
        return steps.stream().filter(s -> s.task().equals(task)).findFirst();
    }
}
