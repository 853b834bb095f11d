-- Late data that corrects its window: an event later than its window's end but within the stream's
-- allowed lateness is added to its window and counted here as a correction; a late event beyond it
-- stays in etl.late_events until a replay folds it into its window (once: folded_at).
ALTER TABLE analytics.hourly_sales ADD COLUMN corrections bigint NOT NULL DEFAULT 0;
ALTER TABLE etl.late_events ADD COLUMN folded_at timestamptz;
