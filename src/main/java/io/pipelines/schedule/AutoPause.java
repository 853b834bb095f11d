package io.pipelines.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.deadletter.Alerts;
import io.pipelines.run.RunEnded;
import io.pipelines.run.RunStatus;

/**
 * Suspends a pipeline's schedule after pipelines.runs.auto-pause-after consecutive failed runs (0: never),
 * on every instance, with an alert through the alert channels and a record in etl.auto_pauses that the
 * pipeline listing shows, until an operator resumes it. Runs triggered by hand are still accepted.
 */
@Component
public class AutoPause implements RunEnded {

    private static final Logger log = LoggerFactory.getLogger(AutoPause.class);

    private final JdbcTemplate jdbc;
    private final PipelineSchedules schedules;
    private final Alerts alerts;
    private final int after;

    public AutoPause(JdbcTemplate jdbc, PipelineSchedules schedules, Alerts alerts, PipelinesProperties properties) {
        this.jdbc = jdbc;
        this.schedules = schedules;
        this.alerts = alerts;
        this.after = properties.getRuns().getAutoPauseAfter();
    }

    /**
     * Why the pipeline's schedule is suspended, when the service suspended it and it is still suspended: the
     * failures and the run that tipped it (a record left from before a resume says nothing).
     */
    public Optional<Map<String, Object>> pause(String pipeline) {
        if (!schedules.state(pipeline).equals("suspended")) {
            return Optional.empty();
        }
        return jdbc.queryForList("SELECT failures, run_id AS \"runId\", paused_at AS \"pausedAt\" FROM etl.auto_pauses "
                + "WHERE pipeline = ?", pipeline).stream().findFirst();
    }

    @Override
    public void ended(String pipeline, long runId, RunStatus status) {
        if (after <= 0 || status != RunStatus.FAILED) {
            return;
        }
        List<String> latest = jdbc.queryForList("SELECT status FROM etl.pipeline_runs WHERE pipeline = ? "
                + "AND status IN ('SUCCEEDED', 'FAILED') ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT ?",
                String.class, pipeline, after);
        if (latest.size() < after || latest.stream().anyMatch(s -> !s.equals("FAILED"))
                || !schedules.state(pipeline).equals("started")) {
            return;
        }
        try {
            schedules.suspend(pipeline);
        } catch (Exception e) {
            log.error("{}: {} consecutive failed runs, but its schedule could not be suspended: {}", pipeline, after,
                    e.toString());
            return;
        }
        jdbc.update("INSERT INTO etl.auto_pauses (pipeline, failures, run_id) VALUES (?, ?, ?) ON CONFLICT (pipeline) "
                + "DO UPDATE SET failures = EXCLUDED.failures, run_id = EXCLUDED.run_id, paused_at = now()",
                pipeline, after, runId);
        log.error("ALERT {}: its last {} runs failed (the last run {}); its schedule is suspended on every instance "
                + "until it is resumed (POST /api/pipelines/{}/resume)", pipeline, after, runId, pipeline);
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("type", "pipeline_auto_paused");
        alert.put("pipeline", pipeline);
        alert.put("consecutiveFailures", after);
        alert.put("runId", runId);
        alert.put("run", alerts.runLink(runId));
        alert.put("message", pipeline + ": its last " + after + " runs failed; its schedule is suspended until resumed");
        alerts.send(pipeline, alert);
    }
}
