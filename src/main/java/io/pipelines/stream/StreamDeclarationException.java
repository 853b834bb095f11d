package io.pipelines.stream;

import io.pipelines.util.NotRetried;

/** A stream declaration that cannot be used; the message names the file, the line and what is wrong. */
public class StreamDeclarationException extends RuntimeException implements NotRetried {

    public StreamDeclarationException(String file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
