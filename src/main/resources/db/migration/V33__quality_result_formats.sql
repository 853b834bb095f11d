-- What a result_format SUMMARY or COMPLETE adds to an expectation's result (partial_unexpected_counts; the
-- failing rows kept and whether they were capped).
ALTER TABLE etl.quality_results ADD COLUMN details jsonb;

-- The failing rows of an expectation of result_format COMPLETE, named by its unexpected_index_column_names
-- (or {"row": n}, their place in the data), at most pipelines.quality.max-unexpected-rows per expectation and
-- run; replaced with the run's results.
CREATE TABLE etl.quality_unexpected_rows (
    run_id            bigint  NOT NULL REFERENCES etl.pipeline_runs (run_id),
    expectation_index integer NOT NULL,
    row_key           jsonb   NOT NULL,
    value             text
);
CREATE INDEX quality_unexpected_rows_run ON etl.quality_unexpected_rows (run_id, expectation_index);
