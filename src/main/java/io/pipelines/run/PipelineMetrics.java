package io.pipelines.run;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The pipelines' own meters (Prometheus names): pipeline_task_duration_seconds,
 * pipeline_rows_processed_total, pipeline_task_failures_total and pipeline_task_retries_total,
 * tagged pipeline and task.
 */
@Component
public class PipelineMetrics {

    private final MeterRegistry registry;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void taskSucceeded(String pipeline, String task, Duration duration, TaskResult result) {
        taskDuration(pipeline, task, duration);
        if (result.rowsOut() != null) {
            Counter.builder("pipeline.rows.processed")
                    .description("Rows written or passed on by pipeline tasks")
                    .tag("pipeline", pipeline).tag("task", task)
                    .register(registry).increment(result.rowsOut());
        }
    }

    public void taskFailed(String pipeline, String task, Duration duration, Throwable error) {
        taskDuration(pipeline, task, duration);
        Counter.builder("pipeline.task.failures")
                .description("Pipeline task attempts that failed")
                .tag("pipeline", pipeline).tag("task", task).tag("error_type", error.getClass().getSimpleName())
                .register(registry).increment();
    }

    public void taskRetried(String pipeline, String task) {
        Counter.builder("pipeline.task.retries")
                .description("Failed pipeline task attempts that are tried again")
                .tag("pipeline", pipeline).tag("task", String.valueOf(task))
                .register(registry).increment();
    }

    /** A fire of a pipeline's schedule: queued (a run), skipped (one in progress) or duplicate (fired before). */
    public void scheduleFired(String pipeline, String outcome) {
        Counter.builder("pipeline.schedule.fires")
                .description("Fires of pipeline schedules, by outcome (duplicate: that scheduled time was handled already)")
                .tag("pipeline", pipeline).tag("outcome", outcome)
                .register(registry).increment();
    }

    /** Runs taken over from dead instances, and what became of them (resumed or failed). */
    public void runTakenOver(String pipeline, String outcome) {
        Counter.builder("pipeline.runs.taken.over")
                .description("Runs orphaned by a dead instance and taken over by this one, by outcome")
                .tag("pipeline", pipeline).tag("outcome", outcome)
                .register(registry).increment();
    }

    private void taskDuration(String pipeline, String task, Duration duration) {
        Timer.builder("pipeline.task.duration")
                .description("Duration of pipeline task attempts")
                .tag("pipeline", pipeline).tag("task", task)
                .register(registry).record(duration);
    }
}
