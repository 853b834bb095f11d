-- The service's own state (etl), the loaded raw data (staging) and the transformed tables (analytics).
-- Flyway creates the three schemas (spring.flyway.schemas) before this script runs.

-- One row per run of a pipeline for a logical date.
CREATE TABLE etl.pipeline_runs (
    run_id        bigserial   PRIMARY KEY,
    pipeline      text        NOT NULL,
    logical_date  date        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    triggered_by  text        NOT NULL,
    queued_at     timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    error         text
);
-- At most one queued or running run per pipeline and date: two would replace each other's data.
CREATE UNIQUE INDEX pipeline_runs_one_active ON etl.pipeline_runs (pipeline, logical_date)
    WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX pipeline_runs_latest ON etl.pipeline_runs (pipeline, run_id DESC);

-- One row per task of a run (the last attempt; attempts counts them).
CREATE TABLE etl.task_runs (
    run_id       bigint      NOT NULL REFERENCES etl.pipeline_runs (run_id),
    task         text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    attempts     integer     NOT NULL DEFAULT 1,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    rows_in      bigint,
    rows_out     bigint,
    duration_ms  bigint,
    lake_keys    text[]      NOT NULL DEFAULT '{}',
    error        text,
    PRIMARY KEY (run_id, task)
);

-- One row per expectation checked by a run's quality suite.
CREATE TABLE etl.quality_results (
    id                 bigserial        PRIMARY KEY,
    run_id             bigint           NOT NULL REFERENCES etl.pipeline_runs (run_id),
    suite              text             NOT NULL,
    expectation_index  integer          NOT NULL,
    expectation_type   text             NOT NULL,
    kwargs             jsonb            NOT NULL,
    success            boolean          NOT NULL,
    element_count      bigint           NOT NULL,
    unexpected_count   bigint           NOT NULL,
    unexpected_percent double precision,
    partial_unexpected jsonb            NOT NULL DEFAULT '[]',
    checked_at         timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX quality_results_run ON etl.quality_results (run_id);

-- Orders as extracted from the source, one logical date at a time (replaced as a whole per date).
CREATE TABLE staging.orders (
    logical_date     date          NOT NULL,
    run_id           bigint        NOT NULL,
    order_id         bigint,
    customer_id      bigint,
    product_category text,
    total            numeric(12,2),
    currency         text,
    status           text,
    created_at       timestamptz,
    updated_at       timestamptz,
    loaded_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX staging_orders_date ON staging.orders (logical_date);

-- Cleaned orders, by order date.
CREATE TABLE analytics.orders (
    order_date       date          NOT NULL,
    order_id         bigint        NOT NULL,
    customer_id      bigint,
    product_category text          NOT NULL,
    total            numeric(12,2) NOT NULL,
    currency         text          NOT NULL,
    status           text,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz,
    run_id           bigint        NOT NULL,
    PRIMARY KEY (order_date, order_id)
);

-- Sales per day and product category.
CREATE TABLE analytics.daily_sales (
    sale_date        date          NOT NULL,
    product_category text          NOT NULL,
    order_count      bigint        NOT NULL,
    revenue          numeric(18,2) NOT NULL,
    run_id           bigint        NOT NULL,
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (sale_date, product_category)
);
