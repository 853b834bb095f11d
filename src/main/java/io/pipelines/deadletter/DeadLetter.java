package io.pipelines.deadletter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * A task that failed for good: what failed, where, why, after how many attempts, and where its
 * data lies ({@code payload}: the run's lake folder and keys).
 */
public record DeadLetter(Long id, String pipeline, String task, Long runId, LocalDate logicalDate, String errorClass,
                         String message, String stackTrace, int attempts, Instant failedAt, Map<String, Object> payload,
                         String status, Instant replayedAt) {

    public DeadLetter withId(long newId) {
        return new DeadLetter(newId, pipeline, task, runId, logicalDate, errorClass, message, stackTrace, attempts,
                failedAt, payload, status, replayedAt);
    }
}
