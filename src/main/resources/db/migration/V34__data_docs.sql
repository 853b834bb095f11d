-- The validation reports (Data Docs) written into the lake next to a run's manifest: one per run, the last
-- check's. GET /api/pipelines/{name}/data-docs lists them, GET /api/runs/{runId}/data-docs serves one.
CREATE TABLE etl.data_docs (
    run_id     bigint      PRIMARY KEY REFERENCES etl.pipeline_runs (run_id),
    pipeline   text        NOT NULL,
    suite      text        NOT NULL,
    lake_key   text        NOT NULL,
    success    boolean     NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_docs_pipeline ON etl.data_docs (pipeline, run_id DESC);
