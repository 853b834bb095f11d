package io.pipelines.cluster;

import io.pipelines.util.NotRetried;

/** The run is owned by another instance now (this one was taken for dead): this one must not touch its data. */
public class RunTakenOverException extends RuntimeException implements NotRetried {

    public RunTakenOverException(long runId, String owner, String me) {
        super("Run " + runId + " is now owned by instance " + (owner == null ? "(none)" : owner) + ", not by " + me
                + ": this instance lost its lease and stops working on it");
    }
}
