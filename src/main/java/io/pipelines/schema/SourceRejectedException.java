package io.pipelines.schema;

import io.pipelines.util.NotRetried;

/**
 * A source refused what a run asked of it, or sent what cannot be loaded, in a way no wait cures:
 * a 401/403 of an API, a column type that cannot be widened, a watermark moved by another run.
 * Not retried (see TaskRetries): the run fails at once with this message.
 */
public class SourceRejectedException extends RuntimeException implements NotRetried {

    public SourceRejectedException(String message) {
        super(message);
    }
}
