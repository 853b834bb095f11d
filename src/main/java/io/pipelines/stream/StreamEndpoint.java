package io.pipelines.stream;

import java.time.Duration;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.springframework.boot.convert.DurationStyle;

import io.pipelines.config.PipelinesProperties;

/**
 * {@code pipelines-stream:<pipeline>?batchSize=...&batchInterval=...&consumers=...}: the start of a
 * stream's route (consumer only). Its consumer runs the stream's Kafka consumers ({@link StreamConsumers})
 * while the route runs: suspending the route pauses them (each commits its batch in flight, then fetches
 * nothing while staying in the group), resuming goes on, stopping makes them leave the group after their
 * batch in flight. Each micro-batch is one exchange, its body a {@link MicroBatch}; the route's last body
 * is what gets committed (with the records it rejected as dead letters), and an exception leaves the
 * batch uncommitted, to be tried again.
 */
public class StreamEndpoint extends DefaultEndpoint {

    private final StreamConsumers consumers;
    private int batchSize;
    private Duration batchInterval;
    private int consumerCount;

    StreamEndpoint(String uri, StreamComponent component, StreamConsumers consumers, PipelinesProperties.Stream settings) {
        super(uri, component);
        this.consumers = consumers;
        this.batchSize = settings.getBatchSize();
        this.batchInterval = settings.getBatchInterval();
        this.consumerCount = settings.getConsumers();
    }

    void check() {
        if (batchSize < 1 || batchInterval.isNegative() || batchInterval.isZero() || consumerCount < 1) {
            throw new IllegalArgumentException("Endpoint " + getEndpointUri() + ": batchSize and consumers must be at "
                    + "least 1 and batchInterval positive (batchSize=" + batchSize + ", batchInterval=" + batchInterval
                    + ", consumers=" + consumerCount + ")");
        }
    }

    /** A micro-batch closes at this many records (also the consumers' max.poll.records). */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** A micro-batch closes this long after its first record (5s, 300ms, PT5S), or at batchSize records. */
    public void setBatchInterval(String batchInterval) {
        try {
            this.batchInterval = DurationStyle.detectAndParse(batchInterval);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Endpoint " + getEndpointUri() + ": batchInterval '" + batchInterval
                    + "' is not a duration such as 5s, 300ms or PT5S", e);
        }
    }

    public String getBatchInterval() {
        return batchInterval.toString();
    }

    /** Consumers of the group in this instance (each takes a share of the partitions). */
    public void setConsumers(int consumers) {
        this.consumerCount = consumers;
    }

    public int getConsumers() {
        return consumerCount;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(getEndpointUri() + " only starts a route: a stream's records come "
                + "from its Kafka topic");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RouteConsumer consumer = new RouteConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** Runs the stream's consumers with the route; suspended and resumed with it. */
    static final class RouteConsumer extends DefaultConsumer implements Suspendable {

        private final StreamEndpoint endpoint;

        RouteConsumer(StreamEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
            this.endpoint = endpoint;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            endpoint.consumers.start(new StreamConsumers.Plan(endpoint.batchSize, endpoint.batchInterval,
                    endpoint.consumerCount, this::process));
        }

        @Override
        protected void doStop() throws Exception {
            endpoint.consumers.stop();
            super.doStop();
        }

        @Override
        protected void doSuspend() throws Exception {
            endpoint.consumers.suspend();
        }

        @Override
        protected void doResume() throws Exception {
            endpoint.consumers.resume();
        }

        /** One micro-batch through the route: the route's last body, or what failed it. */
        private MicroBatch process(MicroBatch batch) throws Exception {
            Exchange exchange = createExchange(false);
            try {
                exchange.getIn().setBody(batch);
                getProcessor().process(exchange);
                if (exchange.getException() != null) {
                    throw exchange.getException();
                }
                return exchange.getMessage().getBody(MicroBatch.class);
            } finally {
                releaseExchange(exchange, false);
            }
        }
    }
}
