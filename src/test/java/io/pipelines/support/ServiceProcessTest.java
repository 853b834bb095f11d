package io.pipelines.support;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.stream.StreamConsumers;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;

/**
 * Tests that run the service as processes of their own ({@link ServiceProcess}) beside the test's
 * service, which they can keep out of the way: it stops taking over runs of dead instances, or
 * stops consuming the stream, for the time of a test.
 */
public abstract class ServiceProcessTest extends PipelinesIntegrationTest {

    @Autowired
    protected Environment environment;
    @Autowired
    protected JdbcTemplate jdbc;
    /** The consumers of orders_stream in the test's service. */
    protected StreamConsumers consumers;
    /** The declaration of orders_stream. */
    protected StreamDeclaration orders;
    @Autowired
    protected CamelContext camel;

    @Autowired
    void ordersStream(Streams streams) {
        consumers = streams.get("orders_stream").consumers();
        orders = streams.get("orders_stream").declaration();
    }

    /** Only the processes take over the runs of dead instances (their own included). */
    protected void testServiceTakesNoRunsOver() throws Exception {
        camel.getRouteController().stopRoute("run-recovery");
    }

    @AfterEach
    void theTestServiceWorksAsBefore() throws Exception {
        camel.getRouteController().startRoute("run-recovery");
        if (consumers.consumers().isEmpty()) {
            consumers.start();
        }
    }
}
