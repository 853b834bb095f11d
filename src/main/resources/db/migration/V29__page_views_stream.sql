-- The stream page_views (declared in streams/local/page-views.yaml; run by the local profile's route).

-- Every distinct valid page view, once (keyed by view_id), with where it came from.
CREATE TABLE staging.page_views (
    view_id          text          PRIMARY KEY,
    page             text          NOT NULL,
    user_id          text,
    referrer         text,
    duration_ms      integer       NOT NULL,
    viewed_at        timestamptz   NOT NULL,
    kafka_partition  integer       NOT NULL,
    kafka_offset     bigint        NOT NULL,
    lake_key         text          NOT NULL,
    loaded_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX page_views_time ON staging.page_views (viewed_at);

-- Views per page and minute of event time (one-minute tumbling windows), with the time spent on the page.
CREATE TABLE analytics.page_views_per_minute (
    page              text          NOT NULL,
    minute            timestamptz   NOT NULL,
    views             bigint        NOT NULL,
    total_duration_ms bigint        NOT NULL,
    corrections       bigint        NOT NULL DEFAULT 0,
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (page, minute)
);
