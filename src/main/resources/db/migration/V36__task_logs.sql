-- The log lines of runs (TaskLogs): what the service logged while it worked on a run's task (task is '' for
-- the run's own lines: started, succeeded, failed), INFO and above, from every instance that worked on the run.
-- Lines older than pipelines.runs.log-retention are deleted.
CREATE TABLE etl.task_logs (
    id        bigserial   PRIMARY KEY,
    run_id    bigint      NOT NULL,
    task      text        NOT NULL,
    logged_at timestamptz NOT NULL,
    level     text        NOT NULL,
    logger    text        NOT NULL,
    instance  text        NOT NULL,
    message   text        NOT NULL
);
CREATE INDEX task_logs_run ON etl.task_logs (run_id, id);
CREATE INDEX task_logs_age ON etl.task_logs (logged_at);
