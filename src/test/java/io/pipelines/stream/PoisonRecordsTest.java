package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The records of a batch the warehouse refuses, found by loading halves, each with the reason. */
class PoisonRecordsTest {

    @Test
    void eachRefusedRecordIsFoundAloneWithItsReasonAndNoOtherIs() {
        MicroBatch batch = batch(1000, 0, 417, 418, 999);
        AtomicInteger trials = new AtomicInteger();

        Map<MicroBatch.Entry, String> refused = new PoisonRecords(records -> {
            trials.incrementAndGet();
            return trial(records);
        }).find(batch);

        assertThat(refused.keySet()).extracting(MicroBatch.Entry::offset).containsExactlyInAnyOrder(0L, 417L, 418L, 999L);
        assertThat(refused.values()).containsOnly("refused by the warehouse: poison (SQLSTATE 23514)");
        assertThat(trials.get()).as("a few halvings per refused record, not one trial per record").isLessThan(100);
    }

    @Test
    void recordsRejectedByTheParserAreNotTriedAgain() {
        List<MicroBatch.Entry> entries = new ArrayList<>(batch(4, 1).entries());
        entries.set(2, new MicroBatch.Entry(entries.get(2).record(), null, "not valid JSON"));
        List<MicroBatch> tried = new ArrayList<>();

        Map<MicroBatch.Entry, String> refused = new PoisonRecords(records -> {
            tried.add(records);
            return trial(records);
        }).find(new MicroBatch("orders_stream", "t", entries));

        assertThat(refused.keySet()).extracting(MicroBatch.Entry::offset).containsExactly(1L);
        assertThat(tried).allSatisfy(b -> assertThat(b.rejected()).isEmpty());
    }

    @Test
    void onlyARefusalOfTheDataCounts() {
        assertThat(PoisonRecords.refusedData(new IllegalStateException("x", new SQLException("bad", "22021")))).isTrue();
        assertThat(PoisonRecords.refusedData(new SQLException("check", "23514"))).isTrue();
        assertThat(PoisonRecords.refusedData(new SQLException("index row too big", "54000"))).isTrue();
        assertThat(PoisonRecords.refusedData(new SQLException("refused", "08001"))).isFalse();
        assertThat(PoisonRecords.refusedData(new SQLException("no state"))).isFalse();
        assertThat(PoisonRecords.refusedData(new IllegalStateException("lake down"))).isFalse();
        assertThat(PoisonRecords.reason(new IllegalStateException("x", new SQLException("ERROR: bad\n  Where: here", "22021"))))
                .isEqualTo("refused by the warehouse: ERROR: bad (SQLSTATE 22021)");
    }

    /** What a trial load gives: a refusal when a record of customer 666 is among them. */
    static String trial(MicroBatch records) {
        return records.valid().stream().anyMatch(PoisonRecordsTest::poison)
                ? PoisonRecords.reason(new SQLException("poison", "23514")) : null;
    }

    static boolean poison(MicroBatch.Entry e) {
        return e.event() != null && e.event().get("customer_id").equals(666L);
    }

    /** A batch of valid events on partition 0, offsets 0.., those of the given offsets of customer 666. */
    static MicroBatch batch(int size, long... poison) {
        List<MicroBatch.Entry> entries = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long offset = i;
            long customer = Arrays.stream(poison).anyMatch(p -> p == offset) ? 666 : 1;
            entries.add(new MicroBatch.Entry(new ConsumerRecord<>("t", 0, offset, new byte[0], new byte[0]),
                    OrdersDeclaration.event("e" + i, i, customer, "books", BigDecimal.ONE, "USD", Instant.EPOCH), null));
        }
        return new MicroBatch("orders_stream", "t", entries);
    }
}
