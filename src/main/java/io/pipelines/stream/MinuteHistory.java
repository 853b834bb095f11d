package io.pipelines.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last hour of a stream on this instance, a minute at a time: events committed and the latency from event
 * time to commit, kept as a histogram per minute (buckets a factor of the square root of 2 apart) so that its
 * 99th percentile can be read with that precision. Fixed memory: 60 minutes of 80 counters.
 */
final class MinuteHistory {

    static final int MINUTES = 60;
    private static final int BUCKETS = 80;

    /** One minute's figures for the console. */
    record Minute(Instant minute, long events, long latencyP99Ms) {
    }

    private final long[] minuteOf = new long[MINUTES];
    private final long[] events = new long[MINUTES];
    private final long[][] latency = new long[MINUTES][BUCKETS];

    /** Adds a committed batch: its events' latencies in milliseconds, at epoch milliseconds now. */
    synchronized void add(long nowMs, long[] latenciesMs, int count) {
        long minute = nowMs / 60_000;
        int slot = (int) (minute % MINUTES);
        if (minuteOf[slot] != minute) {
            minuteOf[slot] = minute;
            events[slot] = 0;
            java.util.Arrays.fill(latency[slot], 0);
        }
        events[slot] += count;
        for (int i = 0; i < count; i++) {
            latency[slot][bucket(latenciesMs[i])]++;
        }
    }

    /** The minutes of the last hour up to nowMs, oldest first; a minute without a batch counts 0. */
    synchronized List<Minute> lastHour(long nowMs) {
        long current = nowMs / 60_000;
        List<Minute> minutes = new ArrayList<>(MINUTES);
        for (long minute = current - MINUTES + 1; minute <= current; minute++) {
            int slot = (int) (minute % MINUTES);
            boolean kept = minuteOf[slot] == minute;
            minutes.add(new Minute(Instant.ofEpochMilli(minute * 60_000), kept ? events[slot] : 0,
                    kept ? percentile(latency[slot], events[slot], 0.99) : 0));
        }
        return minutes;
    }

    static int bucket(long ms) {
        if (ms <= 0) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, Math.floor(2 * Math.log(ms + 1.0) / Math.log(2)));
    }

    /** The upper bound of the bucket that holds the share of the counts. */
    private static long percentile(long[] buckets, long total, double share) {
        if (total == 0) {
            return 0;
        }
        long wanted = (long) Math.ceil(total * share);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += buckets[b];
            if (seen >= wanted) {
                return (long) Math.ceil(Math.pow(2, (b + 1) / 2.0) - 1);
            }
        }
        return Long.MAX_VALUE;
    }
}
