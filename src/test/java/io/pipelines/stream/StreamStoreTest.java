package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelines.config.PipelinesProperties;

/** Landing and loading a batch run at the same time, and the batch is done only when both are. */
class StreamStoreTest {

    private static final MicroBatch BATCH = new MicroBatch("t", List.of());

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMetrics metrics = new StreamMetrics(registry, new PipelinesProperties());
    private StreamStore store;

    @AfterEach
    void stop() {
        store.destroy();
    }

    @Test
    void theLakeIsWrittenWhileTheWarehouseLoadsAndBothAreTimed() throws Exception {
        CountDownLatch landing = new CountDownLatch(1);
        CountDownLatch loading = new CountDownLatch(1);
        // Each step waits until the other has begun: done one after the other, the first would give up.
        store = new StreamStore(b -> meet(landing, loading), b -> meet(loading, landing), metrics, "p");

        store.landAndLoad(BATCH);

        assertThat(registry.get("pipeline.stream.batch.step.duration").tag("step", "land").timer().count()).isEqualTo(1);
        assertThat(registry.get("pipeline.stream.batch.step.duration").tag("step", "load").timer().count()).isEqualTo(1);
    }

    @Test
    void aFailedLoadIsReportedOnlyOnceTheLakeStepHasFinished() {
        AtomicBoolean landed = new AtomicBoolean();
        CountDownLatch loadFailed = new CountDownLatch(1);
        store = new StreamStore(b -> {
            loadFailed.await(10, TimeUnit.SECONDS);
            landed.set(true);
        }, b -> {
            loadFailed.countDown();
            throw new IllegalStateException("warehouse down");
        }, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).isInstanceOf(IllegalStateException.class)
                .hasMessage("warehouse down");
        assertThat(landed).as("the lake step was over before the failure was reported").isTrue();
    }

    @Test
    void aFailedLandFailsTheBatchAfterTheLoadHasFinished() {
        AtomicBoolean loaded = new AtomicBoolean();
        store = new StreamStore(b -> {
            throw new IOException("lake down");
        }, b -> loaded.set(true), metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).isInstanceOf(IOException.class).hasMessage("lake down");
        assertThat(loaded).isTrue();
    }

    @Test
    void whenBothFailTheLoadsFailureCarriesTheLakesOne() {
        store = new StreamStore(b -> {
            throw new IOException("lake down");
        }, b -> {
            throw new IllegalStateException("warehouse down");
        }, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).hasMessage("warehouse down")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().hasFieldOrPropertyWithValue("message", "lake down"));
    }

    /** Says this step has begun, then waits for the other one to begin. */
    private static void meet(CountDownLatch mine, CountDownLatch other) throws InterruptedException {
        mine.countDown();
        if (!other.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other step never began: the steps ran one after the other");
        }
    }
}
