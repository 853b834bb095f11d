-- What an expectation on the table or on a figure of a column saw (the row count, a column's mean, its
-- distinct values, its type), as Great Expectations' observed_value; null for expectations on each value.
ALTER TABLE etl.quality_results ADD COLUMN observed_value jsonb;
