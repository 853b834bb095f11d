package io.pipelines.stream;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;

/**
 * The Camel component {@code pipelines-stream}: a route that starts {@code from: pipelines-stream:<stream>}
 * (a stream declared under streams/, see {@link Streams}) receives its micro-batches ({@link MicroBatch})
 * from the consumers of its Kafka group, and each batch is committed once the route has processed it. Parameters: {@code batchSize} (records,
 * also the consumers' max.poll.records), {@code batchInterval} (5s, 300ms, PT5S) and {@code consumers}
 * (in this instance); by default those of pipelines.stream. See {@link StreamEndpoint}.
 */
@Component(StreamComponent.SCHEME)
public class StreamComponent extends DefaultComponent {

    public static final String SCHEME = "pipelines-stream";

    private final PipelinesProperties.Stream settings;
    private final Streams streams;

    public StreamComponent(PipelinesProperties properties, Streams streams) {
        this.settings = properties.getStream();
        this.streams = streams;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!streams.has(remaining)) {
            throw new IllegalArgumentException("Endpoint " + uri + ": " + streams.notDeclared(remaining));
        }
        StreamEndpoint endpoint = new StreamEndpoint(uri, this, streams.get(remaining).consumers(), settings);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }
}
