package io.pipelines.run;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.util.NotRetried;

/**
 * The pipelines' error handler (routes/error-handling.camel.yaml, onExceptionOccurredRef) when an
 * attempt of a task fails: an error that no wait can cure ({@link NotRetried}: bad data, a bad
 * setting, a run taken over by another instance; or an IllegalArgumentException) ends the task's
 * retries at once; the failure is logged at WARN with
 * the attempt and what follows. When and how often a task is tried again is Camel's redelivery
 * policy.
 */
@Component("taskFailed")
public class TaskFailures implements Processor {

    /** Exchange property: when the task's last attempt failed (System.nanoTime). */
    static final String FAILED_AT = "pipelinesTaskFailedAt";
    /** Exchange property: the number of the task's attempt that failed last (1 for the first). */
    public static final String FAILED_ATTEMPT = "pipelinesTaskFailedAttempt";
    private static final Logger log = LoggerFactory.getLogger(TaskFailures.class);

    @Override
    public void process(Exchange exchange) {
        RunLogContext.enter(exchange);
        exchange.setProperty(FAILED_AT, System.nanoTime());
        exchange.setProperty(FAILED_ATTEMPT, exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class));
        Throwable error = RunRoutePolicies.unwrap(exchange.getException());
        if (error == null) {
            return;
        }
        boolean retried = !(error instanceof NotRetried || error instanceof IllegalArgumentException);
        if (!retried) {
            exchange.getExchangeExtension().setRedeliveryExhausted(true);
        }
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        if (runId == null || error instanceof RunTakenOverException) {
            return;
        }
        int attempt = exchange.getProperty(FAILED_ATTEMPT, Integer.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        String next = !retried ? "not retried" : retries != null && attempt > retries ? "its retries are spent"
                : "retry " + attempt + (retries == null ? "" : " of " + retries) + " follows";
        log.warn("{} run {}: task {} failed on attempt {}, {}: {}", exchange.getMessage().getHeader(RunHeaders.PIPELINE),
                runId, exchange.getProperty(RunRoutePolicies.CURRENT_TASK), attempt, next, RunRoutePolicies.describe(error));
    }
}
