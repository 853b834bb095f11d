-- A forced run may replace a date's loaded rows with far fewer (pipelines.batch[].min-replace-share).
ALTER TABLE etl.pipeline_runs ADD COLUMN force boolean NOT NULL DEFAULT false;
