package io.pipelines.stream;

/**
 * One declared stream with the parts that run it in this instance, each made for it alone (see
 * {@link Streams}): its parser, lake, warehouse load, the store that runs both, the finder of records
 * the warehouse refuses, its metrics, late events, dead letter records and Kafka consumers.
 */
public record DeclaredStream(StreamDeclaration declaration, RecordParser parser, StreamQuality quality, StreamMetrics metrics,
                             StreamLake lake, StreamWarehouse warehouse, StreamStore store, LateEvents lateEvents,
                             DeadLetters deadLetters, StreamConsumers consumers) {

    public String name() {
        return declaration.name();
    }
}
