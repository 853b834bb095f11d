package io.pipelines.task;

import org.slf4j.Logger;

/** Logs a long task's progress (rows, rows/s) every few seconds; counting a row costs a comparison. */
public final class ProgressLog {

    private static final long EVERY_NANOS = 5_000_000_000L;

    private final Logger log;
    private final String what;
    private final long started = System.nanoTime();
    private long next = started + EVERY_NANOS;
    private long rows;

    public ProgressLog(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void row() {
        rows++;
        if ((rows & 1023) == 0) {
            long now = System.nanoTime();
            if (now >= next) {
                next = now + EVERY_NANOS;
                log.info("{}: {} rows so far, {} rows/s", what, rows, rows * 1_000_000_000L / Math.max(1, now - started));
            }
        }
    }

    public long rows() {
        return rows;
    }
}
