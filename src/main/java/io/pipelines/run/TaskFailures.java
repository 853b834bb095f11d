package io.pipelines.run;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.quality.QualityCheckFailedException;
import io.pipelines.quality.QualitySuiteException;
import io.pipelines.source.SourceRejectedException;

/**
 * The pipelines' error handler (routes/error-handling.camel.yaml, onExceptionOccurredRef) when an
 * attempt of a task fails: an error that no wait can cure (bad data, a bad setting, a run taken
 * over by another instance) ends the task's retries at once; the failure is logged at WARN with
 * the attempt and what follows. When and how often a task is tried again is Camel's redelivery
 * policy.
 */
@Component("taskFailed")
public class TaskFailures implements Processor {

    /** Exchange property: when the task's last attempt failed (System.nanoTime). */
    static final String FAILED_AT = "pipelinesTaskFailedAt";
    private static final Logger log = LoggerFactory.getLogger(TaskFailures.class);
    private static final List<Class<? extends Throwable>> NOT_RETRIED = List.of(QualityCheckFailedException.class,
            QualitySuiteException.class, IllegalArgumentException.class, UnknownPipelineException.class,
            RunTakenOverException.class, SourceRejectedException.class);

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(FAILED_AT, System.nanoTime());
        Throwable error = RunRoutePolicies.unwrap(exchange.getException());
        if (error == null) {
            return;
        }
        boolean retried = NOT_RETRIED.stream().noneMatch(type -> type.isInstance(error));
        if (!retried) {
            exchange.getExchangeExtension().setRedeliveryExhausted(true);
        }
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        if (runId == null || error instanceof RunTakenOverException) {
            return;
        }
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        String next = !retried ? "not retried" : retries != null && attempt > retries ? "its retries are spent"
                : "retry " + attempt + (retries == null ? "" : " of " + retries) + " follows";
        log.warn("{} run {}: task {} failed on attempt {}, {}: {}", exchange.getMessage().getHeader(RunHeaders.PIPELINE),
                runId, exchange.getProperty(RunRoutePolicies.CURRENT_TASK), attempt, next, RunRoutePolicies.describe(error));
    }
}
