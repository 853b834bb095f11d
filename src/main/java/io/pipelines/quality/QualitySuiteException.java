package io.pipelines.quality;

import io.pipelines.util.NotRetried;

/** A suite file that cannot be used; the message names the file, the line and what is wrong. */
public class QualitySuiteException extends RuntimeException implements NotRetried {

    public QualitySuiteException(String file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }

    public QualitySuiteException(String file, int line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
    }
}
