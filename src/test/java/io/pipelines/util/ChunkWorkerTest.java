package io.pipelines.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class ChunkWorkerTest {

    @Test
    void handlesEveryChunkInOrderOnItsOwnThread() throws Exception {
        List<Integer> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        try (ChunkWorker<Integer> worker = new ChunkWorker<>("test-worker", chunk -> {
            seen.addAll(chunk);
            threads.add(Thread.currentThread().getName());
        })) {
            for (int i = 0; i < 100; i++) {
                worker.submit(List.of(2 * i, 2 * i + 1));
            }
            worker.finish();
        }
        assertThat(seen).hasSize(200).isSorted();
        assertThat(threads).containsOnly("test-worker");
    }

    @Test
    void theWorkersFailureReachesTheCaller() throws Exception {
        try (ChunkWorker<Integer> worker = new ChunkWorker<>("failing-worker", chunk -> {
            throw new IOException("disk full at chunk " + chunk);
        })) {
            // Handing over (once the worker failed) or finishing, whichever comes first, throws its failure.
            assertThatThrownBy(() -> {
                worker.submit(List.of(1));
                worker.finish();
            }).isInstanceOf(IOException.class).hasMessage("disk full at chunk [1]");
        }
    }

    @Test
    void aWorkerThatTakesNothingMoreForTheStallTimeIsGivenUpAndStopped() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ChunkWorker<Integer> worker = new ChunkWorker<>("stuck-worker", chunk -> never.await());
        Duration stall = Duration.ofMillis(300);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                worker.submit(List.of(i), stall);
            }
        }).isInstanceOf(ChunkWorker.StalledException.class).hasMessageContaining("stuck-worker took no rows for PT0.3S");
        assertThatThrownBy(() -> worker.finish(stall)).isInstanceOf(ChunkWorker.StalledException.class);
        worker.close();
        assertThat(worker.isAlive()).as("stopped by close (its wait was interruptible)").isFalse();
    }
}
