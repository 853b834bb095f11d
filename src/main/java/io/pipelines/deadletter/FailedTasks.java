package io.pipelines.deadletter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.RunTakenOverException;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.lake.Lake;
import io.pipelines.lake.LakeKeys;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.run.RunHeaders;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunRoutePolicies;
import io.pipelines.run.TaskFailures;

/**
 * What happens when a task has failed for good (its retries spent): a dead letter with everything
 * needed to replay it, then an alert with what an on-call engineer needs: logged at ERROR, posted
 * to the webhook and sent to the alerts topic when they are configured. Called by the route
 * task-dead-letter, the dead letter channel of the pipelines' tasks; the run then ends FAILED.
 */
@Component("failedTasks")
public class FailedTasks {

    private static final Logger log = LoggerFactory.getLogger(FailedTasks.class);
    private static final int MAX_STACK = 16_000;

    private final DeadLetterStore store;
    private final KafkaNotices kafka;
    private final RunLedger ledger;
    private final PipelineCatalog catalog;
    private final Lake lake;
    private final PipelinesProperties.DeadLetters deadLetters;
    private final Alerts alerts;

    public FailedTasks(DeadLetterStore store, KafkaNotices kafka, RunLedger ledger, PipelineCatalog catalog, Lake lake,
                       PipelinesProperties properties, Alerts alerts) {
        this.store = store;
        this.kafka = kafka;
        this.ledger = ledger;
        this.catalog = catalog;
        this.lake = lake;
        this.deadLetters = properties.getDeadLetters();
        this.alerts = alerts;
    }

    /**
     * The dead letter and the alert of a task whose retries are spent (the route task-dead-letter).
     * Never throws: what cannot be recorded is logged, and the run still ends FAILED.
     */
    public void record(Exchange exchange) {
        try {
            recordFailure(exchange);
        } catch (RuntimeException e) {
            log.error("The dead letter of run {} (task {}) could not be recorded: {}",
                    exchange.getMessage().getHeader(RunHeaders.RUN_ID), exchange.getProperty(RunRoutePolicies.CURRENT_TASK),
                    e.toString(), e);
        }
    }

    private void recordFailure(Exchange exchange) {
        Throwable error = RunRoutePolicies.unwrap(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String pipeline = exchange.getMessage().getHeader(RunHeaders.PIPELINE, String.class);
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        LocalDate date = exchange.getMessage().getHeader(RunHeaders.LOGICAL_DATE, LocalDate.class);
        String task = exchange.getProperty(RunRoutePolicies.CURRENT_TASK, String.class);
        if (error == null || pipeline == null || runId == null) {
            return;
        }
        if (error instanceof RunTakenOverException) {
            return; // not a failure of the task: the instance that took the run over goes on with it
        }
        DeadLetter letter = new DeadLetter(null, pipeline, task, runId, date, error.getClass().getName(), error.getMessage(),
                stackTrace(error), attempts(runId, task, exchange), Instant.now(), payload(pipeline, runId, date), "NEW", null);
        DeadLetter stored = store.store(letter);
        kafka.publish(deadLetters.getTopic(), stored.pipeline(), stored);
        alert(stored);
    }

    /**
     * The task's attempts as its record counts them (over every dispatch of the run, a resumed one
     * included); while the warehouse is down, the attempts of this dispatch: the first and its retries.
     */
    private int attempts(long runId, String task, Exchange exchange) {
        try {
            return ledger.find(runId).map(RunRecord::tasks).orElse(List.of()).stream()
                    .filter(t -> t.task().equals(task)).mapToInt(RunRecord.Task::attempts).findFirst().orElse(1);
        } catch (RuntimeException warehouseDown) {
            return exchange.getProperty(TaskFailures.FAILED_ATTEMPT, 1, Integer.class);
        }
    }

    /** Where the run's data lies: its lake folder and the objects in it. */
    private Map<String, Object> payload(String pipeline, long runId, LocalDate date) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (date != null && catalog.exists(pipeline) && catalog.lakePrefix(pipeline) != null) {
            String folder = LakeKeys.runFolder(catalog.lakePrefix(pipeline), date, runId);
            payload.put("lakeFolder", lake.uri(folder));
            try {
                payload.put("lakeKeys", lake.list(folder));
            } catch (RuntimeException lakeDown) {
                payload.put("lakeKeys", "not listed: " + lakeDown.getMessage());
            }
        }
        return payload;
    }

    private void alert(DeadLetter letter) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("pipeline", letter.pipeline());
        alert.put("task", letter.task());
        alert.put("logicalDate", letter.logicalDate());
        alert.put("runId", letter.runId());
        alert.put("error", letter.errorClass() + ": " + letter.message());
        alert.put("attempts", letter.attempts());
        alert.put("deadLetterId", letter.id());
        alert.put("run", alerts.runLink(letter.runId()));
        alert.put("failedAt", letter.failedAt());
        log.error("ALERT {} task {} for {} failed for good after {} attempt(s): {} (dead letter {}, run {})",
                letter.pipeline(), letter.task(), letter.logicalDate(), letter.attempts(), alert.get("error"),
                letter.id() == null ? "spooled to disk" : letter.id(), alert.get("run"));
        alerts.send(letter.pipeline(), alert);
    }

    private static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        String s = text.toString();
        return s.length() <= MAX_STACK ? s : s.substring(0, MAX_STACK) + "...";
    }
}
