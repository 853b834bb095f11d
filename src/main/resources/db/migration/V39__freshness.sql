-- The freshness level of each pipeline's tables (schedule/Freshness): OK, WARN or ERROR by the age of their newest
-- data. A change of level is made by one instance (the UPDATE that changes it), which alerts.
CREATE TABLE etl.freshness (
    pipeline   text        PRIMARY KEY,
    level      text        NOT NULL CHECK (level IN ('OK', 'WARN', 'ERROR')),
    newest     timestamptz NOT NULL,
    changed_at timestamptz NOT NULL
);
