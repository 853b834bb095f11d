-- What defined each pipeline (run/PipelineVersions): its route file, its schedule's and steps' parameters as
-- resolved (settings included), and the files they name (SQL, suites), hashed into a version. Each instance records
-- the versions it starts with; a run records the version of the instance that runs it (last attempt).
CREATE TABLE etl.pipeline_versions (
    pipeline      text        NOT NULL,
    version       text        NOT NULL,
    definition    jsonb       NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, version)
);
ALTER TABLE etl.pipeline_runs ADD COLUMN version text;
