package io.pipelines.stream;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.quality.Expectation;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.SuiteRun;

/**
 * A stream's quality suite (quality.suite of its declaration), checked on each record on its own once
 * it is parsed: a record that breaks an expectation of severity error becomes a dead letter naming the
 * expectations, as a record that does not parse; one that breaks only warnings is loaded and counted
 * in pipeline_quality_warnings_total{pipeline,suite} (again when its batch is read again). A suite
 * of expectations that need more than one record (on the table, a figure of a column, uniqueness,
 * order) is refused when the service starts.
 */
final class StreamQuality implements AutoCloseable {

    private final SuiteRun rules;
    private final String suite;
    private final Counter warnings;

    StreamQuality(StreamDeclaration declaration, QualitySuite suite, Schema schema, Path spoolDir, MeterRegistry registry) {
        this.rules = SuiteRun.rowRules(suite, schema, spoolDir);
        this.suite = suite.name();
        List<Expectation> kept = rules.expectations();
        List<String> others = suite.expectations().stream().filter(e -> !kept.contains(e))
                .map(e -> "expectations[" + e.index() + "] " + e.label()).toList();
        if (!others.isEmpty()) {
            rules.close();
            throw new StreamDeclarationException(declaration.file(), 0, "quality.suite: " + suite.file() + " holds "
                    + String.join(", ", others) + ", which a stream cannot check: each record is checked on its own, so "
                    + "only expectations on its values or columns (not on the table, a figure of a column, uniqueness "
                    + "or order) can be");
        }
        this.warnings = registry.counter("pipeline.quality.warnings", "pipeline", declaration.name(), "suite", suite.name());
    }

    /** The batch with each parsed record that breaks an expectation of severity error turned into a rejection. */
    MicroBatch check(MicroBatch batch, Function<MicroBatch.Entry, GenericRecord> record) {
        List<MicroBatch.Entry> checked = new ArrayList<>(batch.entries().size());
        long warned = 0;
        synchronized (rules) { // the stream's consumers share the rules; their counts are not thread-safe
            for (MicroBatch.Entry e : batch.entries()) {
                if (e.event() == null) {
                    checked.add(e);
                    continue;
                }
                List<Expectation> broken = rules.accept(record.apply(e));
                List<String> errors = broken.stream().filter(x -> !Expectation.WARNING.equals(x.severity()))
                        .map(Expectation::label).toList();
                if (!errors.isEmpty()) {
                    checked.add(new MicroBatch.Entry(e.record(), null, "quality suite " + suite + ": "
                            + String.join(", ", errors) + " not met"));
                } else {
                    warned += broken.isEmpty() ? 0 : 1;
                    checked.add(e);
                }
            }
        }
        warnings.increment(warned);
        return batch.with(checked);
    }

    @Override
    public void close() {
        rules.close();
    }
}
