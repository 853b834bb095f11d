package io.pipelines.task;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.deadletter.Alerts;
import io.pipelines.quality.ExpectationResult;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;

/**
 * Reports the expectations of severity warning that a run's data did not meet (the run goes on):
 * logged at WARN, counted in pipeline_quality_warnings_total{pipeline,suite}, and alerted through the
 * alert channels with the pipeline, date, run, suite and each expectation's numbers. Their results
 * are in etl.quality_results and the run's failedExpectations, with severity warning.
 */
@Component
public class QualityWarnings {

    private static final Logger log = LoggerFactory.getLogger(QualityWarnings.class);

    private final MeterRegistry registry;
    private final Alerts alerts;
    private final RunLedger ledger;

    public QualityWarnings(MeterRegistry registry, Alerts alerts, RunLedger ledger) {
        this.registry = registry;
        this.alerts = alerts;
        this.ledger = ledger;
    }

    /**
     * Reports the warnings among a check's results, if any. Never throws: it is called once the check
     * and the load are committed, and a report that cannot be made must not undo them.
     */
    public void report(String pipeline, long runId, String task, String suite, List<ExpectationResult> results) {
        List<ExpectationResult> warnings = results.stream().filter(ExpectationResult::warning).toList();
        if (warnings.isEmpty()) {
            return;
        }
        try {
            send(pipeline, runId, task, suite, warnings);
        } catch (RuntimeException e) {
            log.warn("{} run {}: the quality warnings of {} could not be reported ({}); they are in etl.quality_results",
                    pipeline, runId, suite, e.toString());
        }
    }

    private void send(String pipeline, long runId, String task, String suite, List<ExpectationResult> warnings) {
        LocalDate date = ledger.find(runId).map(RunRecord::logicalDate).orElse(null);
        List<String> summaries = warnings.stream().map(ExpectationResult::summary).toList();
        log.warn("QUALITY WARNING {} run {} for {}: task {}: {} expectation(s) of {} not met, the run goes on: {}",
                pipeline, runId, date, task, warnings.size(), suite, summaries);
        registry.counter("pipeline.quality.warnings", "pipeline", pipeline, "suite", suite).increment(warnings.size());
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("kind", "quality-warning");
        alert.put("pipeline", pipeline);
        alert.put("task", task);
        alert.put("logicalDate", date);
        alert.put("runId", runId);
        alert.put("suite", suite);
        alert.put("expectations", summaries);
        alert.put("run", alerts.runLink(runId));
        alerts.send(pipeline, alert);
    }
}
