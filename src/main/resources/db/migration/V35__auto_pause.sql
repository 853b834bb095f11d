-- Schedules suspended by the service itself after pipelines.runs.auto-pause-after consecutive failed runs
-- (AutoPause), with the run that tipped it; the row goes when the schedule is resumed.
CREATE TABLE etl.auto_pauses (
    pipeline  text        PRIMARY KEY,
    failures  integer     NOT NULL,
    run_id    bigint      NOT NULL,
    paused_at timestamptz NOT NULL DEFAULT now()
);
