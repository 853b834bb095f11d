-- Backfills that limit their runs at once (schedule/Backfills): their dates are queued a few at a time, oldest
-- first, only while no other run of the pipeline waits (scheduled and manual runs go first), until done or
-- cancelled. A backfill without a limit queues every date at once and is not recorded here.
CREATE TABLE etl.backfills (
    backfill_id  bigserial   PRIMARY KEY,
    pipeline     text        NOT NULL,
    from_date    date        NOT NULL,
    to_date      date        NOT NULL,
    mode         text        NOT NULL,
    force        boolean     NOT NULL DEFAULT false,
    max_active   integer     NOT NULL CHECK (max_active > 0),
    status       text        NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'CANCELLED')),
    requested_by text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX backfills_running ON etl.backfills (pipeline) WHERE status = 'RUNNING';

-- Each date of such a backfill: PENDING until queued (then its run), SKIPPED when another run of the date was
-- already queued or running, CANCELLED with its backfill.
CREATE TABLE etl.backfill_dates (
    backfill_id  bigint NOT NULL REFERENCES etl.backfills (backfill_id),
    logical_date date   NOT NULL,
    state        text   NOT NULL CHECK (state IN ('PENDING', 'QUEUED', 'SKIPPED', 'CANCELLED')),
    run_id       bigint,
    PRIMARY KEY (backfill_id, logical_date)
);
