package io.pipelines.run;

/** No pipeline of that name is configured. */
public class UnknownPipelineException extends RuntimeException {

    public UnknownPipelineException(String name) {
        super("No pipeline named '" + name + "'");
    }
}
