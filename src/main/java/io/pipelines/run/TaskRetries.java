package io.pipelines.run;

import java.time.Duration;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.quality.QualityCheckFailedException;
import io.pipelines.quality.QualitySuiteException;
import io.pipelines.source.SourceRejectedException;

/**
 * Decides whether a failed task is tried again, and when: the retry policy of the shared route
 * configuration {@code pipeline-tasks} (routes/error-handling.camel.yaml) asks it before each
 * redelivery. Exponential backoff from pipelines.retry, overridden per pipeline; errors that no
 * wait can cure (bad data, bad settings) are not retried. Each retry is logged at WARN with the
 * attempt and the next delay, counted in pipeline_task_retries_total and in the task's attempts.
 */
@Component("taskRetries")
public class TaskRetries implements Predicate {

    private static final Logger log = LoggerFactory.getLogger(TaskRetries.class);
    private static final List<Class<? extends Throwable>> NOT_RETRIED = List.of(QualityCheckFailedException.class,
            QualitySuiteException.class, IllegalArgumentException.class, UnknownPipelineException.class,
            RunTakenOverException.class, SourceRejectedException.class);

    private final PipelineCatalog catalog;
    private final PipelinesProperties.Retry defaults;
    private final RunLedger ledger;
    private final PipelineMetrics metrics;

    public TaskRetries(PipelineCatalog catalog, PipelinesProperties properties, RunLedger ledger, PipelineMetrics metrics) {
        this.catalog = catalog;
        this.defaults = properties.getRetry().over(builtIn());
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** Retry policy of the task routes: true to try the failed task again (after the delay it sets). */
    public boolean retryAgain(Exchange exchange) {
        Throwable error = RunRoutePolicies.unwrap(exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String pipeline = exchange.getMessage().getHeader(RunHeaders.PIPELINE, String.class);
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        String task = exchange.getProperty(RunRoutePolicies.CURRENT_TASK, String.class);
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (error == null || pipeline == null || runId == null || !catalog.exists(pipeline)
                || NOT_RETRIED.stream().anyMatch(type -> type.isInstance(error))) {
            return false;
        }
        PipelinesProperties.Retry policy = policy(pipeline);
        if (retry > policy.getMaxRetries()) {
            return false;
        }
        Duration delay = delay(policy, retry);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis());
        log.warn("{} run {}: task {} failed on attempt {}, retry {} of {} in {} ms: {}", pipeline, runId, task, retry,
                retry, policy.getMaxRetries(), delay.toMillis(), RunRoutePolicies.describe(error));
        metrics.taskRetried(pipeline, task);
        try {
            ledger.retrying(runId, task, RunRoutePolicies.describe(error));
        } catch (RuntimeException warehouseDown) {
            // The retry goes on: the attempt is logged and counted above, only its record waits for the warehouse.
            log.warn("{} run {}: retry of task {} not recorded: {}", pipeline, runId, task, warehouseDown.getMessage());
        }
        return true;
    }

    /** The error handler's retry condition (retryWhileRef): {@link #retryAgain}. */
    @Override
    public boolean matches(Exchange exchange) {
        return retryAgain(exchange);
    }

    /** The pipeline's policy: its own settings, then pipelines.retry, then the built-in defaults. */
    public PipelinesProperties.Retry policy(String pipeline) {
        return catalog.retry(pipeline).over(defaults);
    }

    /** The wait before retry number {@code retry} (1 for the first): initial x multiplier^(retry-1), capped. */
    static Duration delay(PipelinesProperties.Retry policy, int retry) {
        double millis = policy.getInitialDelay().toMillis() * Math.pow(policy.getMultiplier(), retry - 1);
        return Duration.ofMillis((long) Math.min(millis, policy.getMaxDelay().toMillis()));
    }

    private static PipelinesProperties.Retry builtIn() {
        PipelinesProperties.Retry r = new PipelinesProperties.Retry();
        r.setMaxRetries(3);
        r.setInitialDelay(Duration.ofSeconds(4));
        r.setMultiplier(2.0);
        r.setMaxDelay(Duration.ofSeconds(60));
        return r;
    }
}
