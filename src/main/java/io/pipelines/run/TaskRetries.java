package io.pipelines.run;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pipelines' error handler (routes/error-handling.camel.yaml, onRedeliveryRef) just before a
 * failed task is tried again, once Camel's redelivery policy has waited: the retry is counted in
 * pipeline_task_retries_total and in the task's attempts (with the error it follows), and logged
 * with the wait.
 */
@Component("taskRetries")
public class TaskRetries implements Processor {

    private static final Logger log = LoggerFactory.getLogger(TaskRetries.class);

    private final RunLedger ledger;
    private final PipelineMetrics metrics;

    public TaskRetries(RunLedger ledger, PipelineMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        RunLogContext.enter(exchange);
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        if (runId == null) {
            return;
        }
        String pipeline = exchange.getMessage().getHeader(RunHeaders.PIPELINE, String.class);
        String task = exchange.getProperty(RunRoutePolicies.CURRENT_TASK, String.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Long failedAt = exchange.getProperty(TaskFailures.FAILED_AT, Long.class);
        long waited = failedAt == null ? 0 : (System.nanoTime() - failedAt) / 1_000_000;
        log.info("{} run {}: task {} tried again (retry {}) after {} ms", pipeline, runId, task, retry, waited);
        metrics.taskRetried(pipeline, task);
        try {
            ledger.retrying(runId, task, error == null ? "" : RunRoutePolicies.describe(error));
        } catch (RuntimeException warehouseDown) {
            // The retry goes on: it is logged and counted above, only its record waits for the warehouse.
            log.warn("{} run {}: retry of task {} not recorded: {}", pipeline, runId, task, warehouseDown.getMessage());
        }
    }
}
