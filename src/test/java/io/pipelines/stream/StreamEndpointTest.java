package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipelines.config.PipelinesProperties;

/** The stream's endpoint: its batching from the URI, the settings' by default, and clear errors. */
class StreamEndpointTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final Streams streams;

    StreamEndpointTest() {
        PipelinesProperties properties = new PipelinesProperties();
        // Only orders_stream's parts that the endpoint uses: nothing here reaches a server.
        streams = new Streams(new StreamDeclarations(List.of("streams"), List.of(OrdersDeclaration.ORDERS)), properties,
                new SimpleMeterRegistry(), null, null, null, null, null, null);
        camel.addComponent(StreamComponent.SCHEME, new StreamComponent(properties, streams));
    }

    @AfterEach
    void stop() {
        camel.stop();
        streams.destroy();
    }

    @Test
    void theBatchingComesFromTheUriAndOtherwiseFromTheSettings() {
        StreamEndpoint given = (StreamEndpoint) camel.getEndpoint(
                "pipelines-stream:orders_stream?batchSize=500&batchInterval=300ms&consumers=2");
        StreamEndpoint defaults = (StreamEndpoint) camel.getEndpoint("pipelines-stream:orders_stream");

        assertThat(given.getBatchSize()).isEqualTo(500);
        assertThat(given.getBatchInterval()).isEqualTo(Duration.ofMillis(300).toString());
        assertThat(given.getConsumers()).isEqualTo(2);
        assertThat(defaults.getBatchSize()).isEqualTo(10_000);
        assertThat(defaults.getBatchInterval()).isEqualTo(Duration.ofSeconds(5).toString());
        assertThat(defaults.getConsumers()).isEqualTo(1);
        assertThatThrownBy(defaults::createProducer).hasMessageContaining("only starts a route");
    }

    @Test
    void aWrongStreamOrParameterIsRefusedNamingTheEndpoint() {
        assertThatThrownBy(() -> camel.getEndpoint("pipelines-stream:clicks"))
                .rootCause().hasMessage("Endpoint pipelines-stream://clicks: no stream named 'clicks' is declared in "
                        + "streams/*.yaml (declared: orders_stream)");
        assertThatThrownBy(() -> camel.getEndpoint("pipelines-stream:orders_stream?batchInterval=soon"))
                .hasStackTraceContaining("Endpoint pipelines-stream://orders_stream?batchInterval=soon: batchInterval 'soon' "
                        + "is not a duration such as 5s, 300ms or PT5S");
        assertThatThrownBy(() -> camel.getEndpoint("pipelines-stream:orders_stream?batchSize=0"))
                .rootCause().hasMessageContaining("batchSize and consumers must be at least 1");
        assertThatThrownBy(() -> camel.getEndpoint("pipelines-stream:orders_stream?batchSise=10"))
                .hasMessageContaining("batchSise");
    }
}
