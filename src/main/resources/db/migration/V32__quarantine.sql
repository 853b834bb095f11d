-- Rows a check step with quarantine: true held back from their load: quarantine.<table>, made by the
-- first such load of <table> (run, logical date, the row's columns as JSON, the expectations it broke).
CREATE SCHEMA IF NOT EXISTS quarantine;
