package io.pipelines.run;

import io.pipelines.util.NotRetried;

/** No pipeline of that name is configured. */
public class UnknownPipelineException extends RuntimeException implements NotRetried {

    public UnknownPipelineException(String name) {
        super("No pipeline named '" + name + "'");
    }
}
