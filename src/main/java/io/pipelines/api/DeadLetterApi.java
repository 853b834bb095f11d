package io.pipelines.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.pipelines.deadletter.DeadLetter;
import io.pipelines.deadletter.DeadLetterStore;
import io.pipelines.deadletter.StreamDeadLetters;
import io.pipelines.run.RunLauncher;
import io.pipelines.run.RunLedger;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;

/** GET /api/dead-letters and POST /api/dead-letters/{id}/replay (routes/rest-api.camel.yaml). */
@Component("deadLetterApi")
public class DeadLetterApi {

    private static final List<String> STATUSES = List.of("NEW", "REPLAYED");

    private final DeadLetterStore store;
    private final RunLedger ledger;
    private final RunLauncher launcher;
    private final StreamDeadLetters streamLetters;

    public DeadLetterApi(DeadLetterStore store, RunLedger ledger, RunLauncher launcher, StreamDeadLetters streamLetters) {
        this.store = store;
        this.ledger = ledger;
        this.launcher = launcher;
        this.streamLetters = streamLetters;
    }

    public List<DeadLetter> list(String pipeline, String status, String limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.badRequest("status", "status must be one of " + STATUSES);
        }
        return store.list(ListParameters.filter(pipeline), status, ListParameters.limit(limit));
    }

    /**
     * Runs the failed task again: the dead letter's run is resumed from the task that failed. A run
     * that is no longer FAILED (replayed before, or run again) is left alone: replaying twice does no harm.
     * A stream record's dead letter is sent to its topic again, once.
     */
    public Map<String, Object> replay(String id) {
        long n = ControlApi.idNumber("id", id);
        DeadLetter letter = store.find(n).orElseThrow(() -> ApiProblem.notFound("No dead letter with id " + n));
        if (StreamDeadLetters.isStreamRecord(letter)) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deadLetterId", n);
            answer.put("replayed", replayRecord(letter));
            answer.put("topic", letter.payload().get("topic"));
            return answer;
        }
        RunRecord run = ledger.find(letter.runId())
                .orElseThrow(() -> ApiProblem.notFound("Run " + letter.runId() + " of dead letter " + n + " is gone"));
        boolean resumed = run.status() == RunStatus.FAILED;
        if (resumed) {
            launcher.resume(run.runId());
        }
        store.markReplayed(n);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetterId", n);
        answer.put("runId", run.runId());
        answer.put("replayed", resumed);
        answer.put("runStatus", resumed ? RunStatus.QUEUED : run.status());
        return answer;
    }

    private boolean replayRecord(DeadLetter letter) {
        try {
            return streamLetters.replay(letter);
        } catch (StreamDeadLetters.ReplayNotSentException e) {
            throw new ApiProblem(503, "Service Unavailable", e.getMessage(), null);
        }
    }
}
