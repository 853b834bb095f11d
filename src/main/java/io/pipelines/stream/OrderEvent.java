package io.pipelines.stream;

import java.math.BigDecimal;
import java.time.Instant;

/** One order event of the stream, as parsed and checked from its JSON. */
public record OrderEvent(String eventId, long orderId, long customerId, String productCategory, BigDecimal total,
                         String currency, Instant eventTime) {
}
