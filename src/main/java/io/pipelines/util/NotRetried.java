package io.pipelines.util;

/**
 * An error that no wait cures (bad data, a bad setting, a source's refusal, a run another instance
 * took over): a task that throws one is not tried again, its run fails at once (see
 * routes/error-handling.camel.yaml). IllegalArgumentException is taken the same way.
 */
public interface NotRetried {
}
