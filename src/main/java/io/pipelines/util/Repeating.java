package io.pipelines.util;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A background task repeated on a daemon thread of its own, a fixed delay apart; a failed round is told, not fatal. */
public final class Repeating {

    private Repeating() {
    }

    /** Starts {@code task} after {@code every}, then every {@code every} after each round ends; shut it down to stop. */
    public static ScheduledExecutorService every(String thread, Duration every, Runnable task, Consumer<RuntimeException> failed) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }
}
