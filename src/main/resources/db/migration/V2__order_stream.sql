-- The event-driven pipeline orders_stream.

-- Every distinct valid order event, once (keyed by event_id), with where it came from.
CREATE TABLE staging.order_events (
    event_id         text          PRIMARY KEY,
    order_id         bigint        NOT NULL,
    customer_id      bigint        NOT NULL,
    product_category text          NOT NULL,
    total            numeric(12,2) NOT NULL,
    currency         text          NOT NULL,
    event_time       timestamptz   NOT NULL,
    kafka_partition  integer       NOT NULL,
    kafka_offset     bigint        NOT NULL,
    lake_key         text          NOT NULL,
    loaded_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX order_events_time ON staging.order_events (event_time);

-- Sales per product category and hour of event time (one-hour tumbling windows), without late events.
CREATE TABLE analytics.hourly_sales (
    product_category text          NOT NULL,
    hour             timestamptz   NOT NULL,
    order_count      bigint        NOT NULL,
    revenue          numeric(18,2) NOT NULL,
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (product_category, hour)
);

-- Event-time progress of each partition of a stream: the largest event time seen. The partition's
-- watermark is that minus the bounded out-of-orderness. Updated in the same transaction as the load.
CREATE TABLE etl.stream_watermarks (
    stream           text          NOT NULL,
    kafka_partition  integer       NOT NULL,
    max_event_time   timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, kafka_partition)
);

-- Events that arrived after their window was final: kept here (and in staging), not added to the window.
CREATE TABLE etl.late_events (
    event_id         text          PRIMARY KEY,
    stream           text          NOT NULL,
    kafka_partition  integer       NOT NULL,
    kafka_offset     bigint        NOT NULL,
    event_time       timestamptz   NOT NULL,
    window_start     timestamptz   NOT NULL,
    watermark        timestamptz   NOT NULL,
    delay_ms         bigint        NOT NULL,
    recorded_at      timestamptz   NOT NULL DEFAULT now()
);
