package io.pipelines.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;


import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Meters of the stream (Prometheus names): pipeline_stream_consumer_lag{partition},
 * pipeline_stream_batch_size, pipeline_stream_batch_load_duration_seconds,
 * pipeline_stream_batch_step_duration_seconds{step=land|load} (the two run at the same time),
 * pipeline_stream_event_latency_seconds (event time to commit), pipeline_dlq_records_total,
 * pipeline_late_events_total, pipeline_stream_duplicates_total, pipeline_stream_batch_failures_total;
 * all tagged with the pipeline.
 */
public class StreamMetrics {

    private final MeterRegistry registry;
    private final String pipeline;
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, Timer> steps = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Timer loadDuration;
    private final Timer latency;
    private final Counter deadLetters;
    private final Counter late;
    private final Counter corrections;
    private final Counter duplicates;
    private final Counter failures;
    private final MinuteHistory history = new MinuteHistory();

    public StreamMetrics(MeterRegistry registry, String stream) {
        this.registry = registry;
        this.pipeline = stream;
        this.batchSize = DistributionSummary.builder("pipeline.stream.batch.size").description("Records per micro-batch")
                .tag("pipeline", pipeline).publishPercentiles(0.5, 0.99).register(registry);
        this.loadDuration = Timer.builder("pipeline.stream.batch.load.duration")
                .description("Time from the close of a micro-batch to the commit of its offsets")
                .tag("pipeline", pipeline).publishPercentiles(0.5, 0.99).register(registry);
        this.latency = Timer.builder("pipeline.stream.event.latency")
                .description("Time from an event's event_time to the commit of its batch")
                .tag("pipeline", pipeline).publishPercentiles(0.5, 0.99).register(registry);
        this.deadLetters = Counter.builder("pipeline.dlq.records").description("Records sent to the dead letter topic")
                .tag("pipeline", pipeline).register(registry);
        this.late = Counter.builder("pipeline.late.events").description("Events that came after their window was final")
                .tag("pipeline", pipeline).register(registry);
        this.corrections = Counter.builder("pipeline.stream.corrections")
                .description("Events added to their window after it had ended, within the allowed lateness, or folded "
                        + "into it from etl.late_events by a replay")
                .tag("pipeline", pipeline).register(registry);
        this.duplicates = Counter.builder("pipeline.stream.duplicates").description("Events whose event_id was already loaded")
                .tag("pipeline", pipeline).register(registry);
        this.failures = Counter.builder("pipeline.stream.batch.failures").description("Micro-batch attempts that failed")
                .tag("pipeline", pipeline).register(registry);
    }

    public void loaded(StreamWarehouse.Outcome outcome) {
        late.increment(outcome.late());
        corrections.increment(outcome.corrections());
        duplicates.increment(outcome.duplicates());
    }

    /** How long one step of a batch took: land (Parquet objects in the lake) or load (the warehouse transaction). */
    void stepDone(String step, Duration took) {
        steps.computeIfAbsent(step, s -> Timer.builder("pipeline.stream.batch.step.duration")
                .description("Time of one step of a micro-batch: land in the lake, load into the warehouse")
                .tag("pipeline", pipeline).tag("step", s).register(registry)).record(took);
    }

    /** Late events folded into their windows by a replay. */
    public void folded(int events) {
        corrections.increment(events);
    }

    void deadLettered(int records) {
        deadLetters.increment(records);
    }

    void batchFailed() {
        failures.increment();
    }

    void committed(MicroBatch batch, Duration load, Instant now) {
        batchSize.record(batch.size());
        loadDuration.record(load);
        List<MicroBatch.Entry> valid = batch.valid();
        long[] latenciesMs = new long[valid.size()];
        long nowMs = now.toEpochMilli();
        int i = 0;
        for (MicroBatch.Entry e : valid) {
            long tookMs = Math.abs(nowMs - e.event().eventTime().toEpochMilli());
            latency.record(tookMs, TimeUnit.MILLISECONDS);
            latenciesMs[i++] = tookMs;
        }
        history.add(nowMs, latenciesMs, i);
    }

    /** The last hour on this instance, a minute at a time (events committed, p99 latency), oldest first. */
    public List<Map<String, Object>> lastHour(Instant now) {
        return history.lastHour(now.toEpochMilli()).stream().map(m -> Map.<String, Object>of("minute", m.minute(),
                "events", m.events(), "latencyP99Ms", m.latencyP99Ms())).toList();
    }

    /** The records of each partition this instance consumes that it has not consumed yet (as last seen). */
    public Map<Integer, Long> lag() {
        Map<Integer, Long> now = new java.util.TreeMap<>();
        lag.forEach((partition, value) -> now.put(partition, value.get()));
        return now;
    }

    void lag(int partition, long records) {
        lag.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("pipeline.stream.consumer.lag", value, AtomicLong::get)
                    .description("Records of the partition not consumed yet")
                    .tag("pipeline", pipeline).tag("partition", Integer.toString(p)).register(registry);
            return value;
        }).set(records);
    }
}
