-- Running as a cluster: instances hold leases, runs have an owner, schedule fires are recorded once.

-- One row per running instance of the service; heartbeat_at is renewed every few seconds. An
-- instance whose heartbeat is older than the lease (pipelines.cluster.lease) is taken for dead.
CREATE TABLE etl.instances (
    instance_id   text        PRIMARY KEY,
    host          text        NOT NULL,
    pid           bigint      NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- The instance that queued or runs the run; a QUEUED/RUNNING run whose owner holds no live lease
-- is orphaned, and the next instance to sweep takes it over (recoveries counts the take-overs).
ALTER TABLE etl.pipeline_runs
    ADD COLUMN owner       text,
    ADD COLUMN recoveries  integer NOT NULL DEFAULT 0;
CREATE INDEX pipeline_runs_active ON etl.pipeline_runs (status) WHERE status IN ('QUEUED', 'RUNNING');

-- Every fire of a schedule, once: Quartz fires each trigger on one instance of the cluster, and
-- this key makes a second fire of the same scheduled time (a misfire replayed twice, a clock
-- jump) do nothing.
CREATE TABLE etl.schedule_fires (
    pipeline      text        NOT NULL,
    scheduled_at  timestamptz NOT NULL,
    fired_at      timestamptz NOT NULL DEFAULT now(),
    instance_id   text        NOT NULL,
    logical_date  date        NOT NULL,
    run_id        bigint      REFERENCES etl.pipeline_runs (run_id),
    outcome       text        NOT NULL,
    PRIMARY KEY (pipeline, scheduled_at)
);
