-- The severity of each expectation's result: error (a failure failed the run) or warning (reported only).
ALTER TABLE etl.quality_results ADD COLUMN severity text NOT NULL DEFAULT 'error'
    CHECK (severity IN ('error', 'warning'));
