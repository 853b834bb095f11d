package io.pipelines.run;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunTakenOverException;

/**
 * Records runs and tasks as their routes execute, so that routes only say what happens in what
 * order. A route in group {@code pipelines} runs a whole pipeline: entering it marks the run
 * RUNNING, leaving it SUCCEEDED or FAILED. A step of a pipeline, the route of
 * {@code kamelet:<block>/<pipeline>.<task>} called from its route, is one task: its start, rows, lake
 * keys (from the {@link TaskResult} it ends with), duration and error go to the ledger, the log and
 * the metrics.
 */
@Component
public class RunRoutePolicies implements RoutePolicyFactory {

    public static final String PIPELINES_GROUP = "pipelines";
    /** Exchange property: the task that failed the run. */
    public static final String FAILED_TASK = "pipelinesFailedTask";
    /** Exchange property: the task running now. */
    public static final String CURRENT_TASK = "pipelinesCurrentTask";
    private static final String TASK_STARTED = "pipelinesTaskStarted.";
    private static final String RUN_STARTED = "pipelinesRunStarted";
    /** When this exchange's attempt of the run started (RunLedger.markRunning): it ends that attempt only. */
    private static final String RUN_ATTEMPT = "pipelinesRunAttempt";
    private static final int MAX_ERROR = 8000;

    private static final Logger log = LoggerFactory.getLogger(RunRoutePolicies.class);

    private final RunLedger ledger;
    private final ObjectProvider<RunEnded> ended;
    /** Looked up when a run starts: it needs the pipelines, read once the routes this factory serves are. */
    private final ObjectProvider<PipelineVersions> versions;
    private final PipelineMetrics metrics;

    public RunRoutePolicies(RunLedger ledger, PipelineMetrics metrics, ObjectProvider<RunEnded> ended,
                            ObjectProvider<PipelineVersions> versions) {
        this.ledger = ledger;
        this.versions = versions;
        this.metrics = metrics;
        this.ended = ended;
    }

    /** Tells the RunEnded beans (looked up when a run ends: they may need the routes this factory serves). */
    private void ended(RunContext run, RunStatus status) {
        ended.orderedStream().forEach(listener -> {
            try {
                listener.ended(run.pipeline(), run.runId(), status);
            } catch (RuntimeException e) {
                log.warn("{} run {}: {} failed on the run's end: {}", run.pipeline(), run.runId(),
                        listener.getClass().getSimpleName(), e.toString());
            }
        });
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        String group = route instanceof RouteDefinition definition ? definition.getGroup() : null;
        if (PIPELINES_GROUP.equals(group)) {
            return new RunPolicy();
        }
        if (route instanceof RouteDefinition definition && Boolean.TRUE.equals(definition.isKamelet())
                && definition.getTemplateParameters() != null) {
            // A step of a batch pipeline: kamelet:<block>/<pipeline>.<task>, called from the pipeline's route.
            Object parent = definition.getTemplateParameters().get("parentRouteId");
            String prefix = parent + ".";
            return parent != null && routeId.startsWith(prefix) && routeId.length() > prefix.length()
                    ? new TaskPolicy(routeId.substring(prefix.length())) : null;
        }
        return null;
    }

    /** Marks the run RUNNING when it enters its pipeline route, and SUCCEEDED or FAILED when it leaves. */
    private final class RunPolicy extends RoutePolicySupport {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            RunContext run = RunContext.of(exchange);
            RunLogContext.enter(run.runId(), "");
            exchange.setProperty(RUN_STARTED, System.nanoTime());
            Timestamp attempt = ledger.markRunning(run.runId());
            exchange.setProperty(RUN_ATTEMPT, attempt);
            if (attempt != null) {
                String version = versions.getObject().of(run.pipeline());
                ledger.recordVersion(run.runId(), version);
                log.info("{} run {} for {}: started (version {})", run.pipeline(), run.runId(), run.logicalDate(), version);
            } else {
                log.warn("{} run {} for {}: owned by another instance now; not run here", run.pipeline(), run.runId(),
                        run.logicalDate());
            }
            // Camel does not call onExchangeDone while it is stopping; a run drained by a graceful
            // stop is recorded when its unit of work completes instead.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (done.getContext().isStopping() || done.getContext().isStopped()) {
                        recordDrained(run, done);
                    }
                }
            });
        }

        private void recordDrained(RunContext run, Exchange exchange) {
            Exception error = failure(exchange);
            String note = "finished while the service was stopping: rows and durations of tasks that ended then were not recorded";
            ledger.closeOpenTasks(run.runId(), error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED,
                    error == null ? note : describe(error));
            ledger.finish(run.runId(), error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED,
                    error == null ? null : runError(exchange, error), exchange.getProperty(RUN_ATTEMPT, Timestamp.class));
            log.info("{} run {} for {}: {} while the service was stopping", run.pipeline(), run.runId(), run.logicalDate(),
                    error == null ? "SUCCEEDED" : "FAILED");
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            RunContext run = RunContext.of(exchange);
            RunLogContext.enter(run.runId(), "");
            try {
                recordEnd(run, exchange);
            } finally {
                RunLogContext.leave();
            }
        }

        private void recordEnd(RunContext run, Exchange exchange) {
            long ms = elapsed(exchange.getProperty(RUN_STARTED, Long.class)).toMillis();
            Exception error = failure(exchange);
            if (unwrap(error) instanceof RunTakenOverException) {
                log.warn("{} run {} for {}: left to the instance that took it over: {}", run.pipeline(), run.runId(),
                        run.logicalDate(), error.getMessage());
            } else if (error == null) {
                boolean recorded = ledger.finish(run.runId(), RunStatus.SUCCEEDED, null,
                        exchange.getProperty(RUN_ATTEMPT, Timestamp.class));
                log.info("{} run {} for {}: SUCCEEDED in {} ms", run.pipeline(), run.runId(), run.logicalDate(), ms);
                if (recorded) {
                    ended(run, RunStatus.SUCCEEDED);
                }
            } else {
                String message = runError(exchange, error);
                boolean recorded = ledger.finish(run.runId(), RunStatus.FAILED, message,
                        exchange.getProperty(RUN_ATTEMPT, Timestamp.class));
                log.error("{} run {} for {}: FAILED after {} ms: {}", run.pipeline(), run.runId(), run.logicalDate(),
                        ms, message);
                if (recorded) {
                    ended(run, RunStatus.FAILED);
                }
            }
        }
    }

    /** Records one task of a run: start, then rows, lake keys, duration, or the error. */
    private final class TaskPolicy extends RoutePolicySupport {
        private final String task;

        TaskPolicy(String task) {
            this.task = task;
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            RunContext run = RunContext.of(exchange);
            // Each task has its own retries: the count of the task before does not carry over.
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_COUNTER);
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_MAX_COUNTER);
            exchange.setProperty(TASK_STARTED + task, System.nanoTime());
            exchange.setProperty(CURRENT_TASK, task);
            RunLogContext.enter(run.runId(), task);
            ledger.startTask(run.runId(), task);
            log.info("{} run {} for {}: task {} started", run.pipeline(), run.runId(), run.logicalDate(), task);
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            RunContext run = RunContext.of(exchange);
            RunLogContext.enter(run.runId(), task);
            try {
                recordEnd(run, exchange);
            } finally {
                RunLogContext.leaveTask();
            }
        }

        private void recordEnd(RunContext run, Exchange exchange) {
            Duration duration = elapsed(exchange.getProperty(TASK_STARTED + task, Long.class));
            Exception error = failure(exchange);
            if (error == null) {
                TaskResult result = exchange.getMessage().getBody(TaskResult.class);
                if (result == null) {
                    result = new TaskResult(null, null, null);
                }
                ledger.finishTask(run.runId(), task, result, duration.toMillis());
                metrics.taskSucceeded(run.pipeline(), task, duration, result);
                log.info("{} run {} for {}: task {} SUCCEEDED in {} ms, rows in {}, rows out {}, {} lake object(s)",
                        run.pipeline(), run.runId(), run.logicalDate(), task, duration.toMillis(), result.rowsIn(),
                        result.rowsOut(), result.lakeKeys().size());
                for (TaskResult.Folded folded : result.folded()) {
                    // Recorded by the task itself, in the transaction of its load (RunLedger.finishInPass).
                    metrics.taskSucceeded(run.pipeline(), folded.task(), Duration.ofMillis(folded.durationMs()), folded.result());
                    log.info("{} run {} for {}: task {} SUCCEEDED within task {} in {} ms, rows in {}, rows out {}",
                            run.pipeline(), run.runId(), run.logicalDate(), folded.task(), task, folded.durationMs(),
                            folded.result().rowsIn(), folded.result().rowsOut());
                }
            } else {
                exchange.setProperty(FAILED_TASK, task);
                ledger.failTask(run.runId(), task, describe(error), duration.toMillis());
                metrics.taskFailed(run.pipeline(), task, duration, unwrap(error));
                log.warn("{} run {} for {}: task {} FAILED after {} ms: {}", run.pipeline(), run.runId(),
                        run.logicalDate(), task, duration.toMillis(), describe(error));
            }
        }
    }

    /** The run an exchange carries, from its headers. */
    private record RunContext(String pipeline, long runId, LocalDate logicalDate) {
        static RunContext of(Exchange exchange) {
            var message = exchange.getMessage();
            Long runId = message.getHeader(RunHeaders.RUN_ID, Long.class);
            if (runId == null) {
                throw new IllegalStateException("Exchange " + exchange.getExchangeId() + " entered a pipeline route "
                        + "without the header " + RunHeaders.RUN_ID + ": start runs through the run launcher");
            }
            return new RunContext(message.getHeader(RunHeaders.PIPELINE, String.class), runId,
                    message.getHeader(RunHeaders.LOGICAL_DATE, LocalDate.class));
        }
    }

    /**
     * What failed the exchange: its exception, or, when the tasks' dead letter channel has taken a
     * task that failed for good (and stopped the run), the error it caught.
     */
    static Exception failure(Exchange exchange) {
        if (exchange.getException() != null) {
            return exchange.getException();
        }
        var extension = exchange.getExchangeExtension();
        boolean deadLettered = extension.isErrorHandlerHandledSet() && extension.isErrorHandlerHandled();
        return deadLettered ? exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class) : null;
    }

    private static Duration elapsed(Long startedNanos) {
        return startedNanos == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The error of a failed run: which task failed, and why. */
    private static String runError(Exchange exchange, Exception error) {
        String task = exchange.getProperty(FAILED_TASK, String.class);
        return (task == null ? "" : "task " + task + " failed: ") + describe(error);
    }

    /** What a task threw: Camel wraps some errors (an OutOfMemoryError, say) in an exception that says nothing. */
    public static Throwable unwrap(Throwable error) {
        while (error instanceof CamelExecutionException && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    public static String describe(Throwable error) {
        error = unwrap(error);
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
    }
}
