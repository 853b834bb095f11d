-- Deadline misses (schedule/Deadlines): a date not loaded by its pipeline's deadline (task ''), or a task of a run
-- running longer than its limit (task named, with its run). Each is recorded once across the instances (the
-- unique indexes): the instance whose insert succeeds sends the alert. met_at: when the date was loaded after all
-- (a late success, reported once).
CREATE TABLE etl.deadline_misses (
    id           bigserial   PRIMARY KEY,
    pipeline     text        NOT NULL,
    logical_date date        NOT NULL,
    task         text        NOT NULL DEFAULT '',
    run_id       bigint,
    due_at       timestamptz NOT NULL,
    detected_at  timestamptz NOT NULL,
    blocking     text        NOT NULL,
    met_at       timestamptz,
    met_run_id   bigint
);
CREATE UNIQUE INDEX deadline_misses_date ON etl.deadline_misses (pipeline, logical_date) WHERE task = '';
CREATE UNIQUE INDEX deadline_misses_task ON etl.deadline_misses (run_id, task) WHERE task <> '';
CREATE INDEX deadline_misses_recent ON etl.deadline_misses (pipeline, detected_at DESC);
