package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Landing and loading a batch run at the same time, and the batch is done only when both are. */
class StreamStoreTest {

    private static final MicroBatch BATCH = new MicroBatch("orders_stream", "t", List.of());
    private static final StreamStore.Refusals NONE_REFUSED = b -> {
        throw new AssertionError("no refusal to look for");
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamMetrics metrics = new StreamMetrics(registry, "orders_stream");
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
        store = new StreamStore(b -> meet(landing, loading), b -> meet(loading, landing), NONE_REFUSED, metrics, "p");

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
        }, NONE_REFUSED, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).isInstanceOf(IllegalStateException.class)
                .hasMessage("warehouse down");
        assertThat(landed).as("the lake step was over before the failure was reported").isTrue();
    }

    @Test
    void aFailedLandFailsTheBatchAfterTheLoadHasFinished() {
        AtomicBoolean loaded = new AtomicBoolean();
        store = new StreamStore(b -> {
            throw new IOException("lake down");
        }, b -> loaded.set(true), NONE_REFUSED, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).isInstanceOf(IOException.class).hasMessage("lake down");
        assertThat(loaded).isTrue();
    }

    @Test
    void whenBothFailTheLoadsFailureCarriesTheLakesOne() {
        store = new StreamStore(b -> {
            throw new IOException("lake down");
        }, b -> {
            throw new IllegalStateException("warehouse down");
        }, NONE_REFUSED, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(BATCH)).hasMessage("warehouse down")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().hasFieldOrPropertyWithValue("message", "lake down"));
    }

    @Test
    void recordsTheWarehouseRefusesLeaveTheBatchMarkedAndTheRestIsLandedAndLoadedAgainWithoutThem() throws Exception {
        MicroBatch batch = PoisonRecordsTest.batch(10, 3, 7);
        List<MicroBatch> landed = new CopyOnWriteArrayList<>();
        List<MicroBatch> loaded = new CopyOnWriteArrayList<>();
        store = new StreamStore(landed::add, b -> {
            loaded.add(b);
            if (b.valid().stream().anyMatch(PoisonRecordsTest::poison)) {
                throw new IllegalStateException("load failed", new SQLException("ERROR: check", "23514"));
            }
        }, new PoisonRecords(PoisonRecordsTest::trial)::find, metrics, "p");

        MicroBatch result = store.landAndLoad(batch);

        assertThat(result.rejected()).extracting(MicroBatch.Entry::offset).containsExactly(3L, 7L);
        assertThat(result.rejected()).allSatisfy(e -> {
            assertThat(e.stage()).isEqualTo(MicroBatch.Stage.LOAD);
            assertThat(e.rejection()).isEqualTo("refused by the warehouse: poison (SQLSTATE 23514)");
        });
        assertThat(result.valid()).hasSize(8);
        assertThat(landed).hasSize(2).last().isSameAs(result);
        assertThat(loaded).hasSize(2).last().isSameAs(result);
    }

    @Test
    void aWarehouseThatDoesNotAnswerIsNoRefusalAndTheBatchFailsWhole() {
        MicroBatch batch = PoisonRecordsTest.batch(10, 3);
        store = new StreamStore(b -> { }, b -> {
            throw new IllegalStateException("load failed", new SQLException("Connection refused", "08001"));
        }, NONE_REFUSED, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(batch)).hasMessage("load failed");
    }

    @Test
    void aRefusalNoSingleRecordCausesFailsTheBatchWhole() {
        MicroBatch batch = PoisonRecordsTest.batch(10);
        store = new StreamStore(b -> { }, b -> {
            throw new IllegalStateException("load failed", new SQLException("ERROR: numeric field overflow", "22003"));
        }, new PoisonRecords(records -> null)::find, metrics, "p");

        assertThatThrownBy(() -> store.landAndLoad(batch)).hasMessage("load failed");
    }

    /** Says this step has begun, then waits for the other one to begin. */
    private static void meet(CountDownLatch mine, CountDownLatch other) throws InterruptedException {
        mine.countDown();
        if (!other.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other step never began: the steps ran one after the other");
        }
    }
}
