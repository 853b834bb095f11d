-- Tasks that failed for good (after their retries): everything needed to understand and replay them.
CREATE TABLE etl.dead_letters (
    id              bigserial    PRIMARY KEY,
    pipeline        text         NOT NULL,
    task            text,
    run_id          bigint,
    logical_date    date,
    error_class     text         NOT NULL,
    message         text,
    stack_trace     text,
    attempts        integer      NOT NULL,
    failed_at       timestamptz  NOT NULL,
    -- Where the data of the failed work lies (the run's lake folder and keys).
    payload         jsonb        NOT NULL DEFAULT '{}',
    status          text         NOT NULL DEFAULT 'NEW' CHECK (status IN ('NEW', 'REPLAYED')),
    replayed_at     timestamptz,
    recorded_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_pipeline ON etl.dead_letters (pipeline, status, id DESC);
