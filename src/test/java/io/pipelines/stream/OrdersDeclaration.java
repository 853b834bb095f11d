package io.pipelines.stream;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.core.env.StandardEnvironment;

import io.pipelines.config.ProjectFiles;

/** The project's declaration of orders_stream (streams/orders-stream.yaml), for the unit tests. */
public final class OrdersDeclaration {

    public static final StreamDeclaration ORDERS = StreamDeclarationReader.read("streams/orders-stream.yaml",
            ProjectFiles.read("streams/orders-stream.yaml"), new StandardEnvironment()::resolveRequiredPlaceholders);

    private OrdersDeclaration() {
    }

    /** An order event with these values, in the declaration's order. */
    public static StreamEvent event(String eventId, long orderId, long customerId, String category, BigDecimal total,
                                    String currency, Instant eventTime) {
        return new StreamEvent(ORDERS.record(), eventId, orderId, customerId, category, total, currency, eventTime);
    }

    /** A parser of order events with the default skew (5 minutes) and this clock. */
    public static RecordParser parser(ObjectMapper json, Clock clock) {
        return new RecordParser(ORDERS.record(), json, Duration.ofMinutes(5), clock);
    }

    public static RecordParser parser(ObjectMapper json) {
        return parser(json, Clock.systemUTC());
    }
}
