-- Sources from configuration (pipelines.sources): incremental loads into staging.<source>.

-- Each source's high-water mark: the cursor value and the key of the last row loaded (rows are read
-- in (cursor, key) order, so the key breaks ties between rows that share a cursor value). Moved in
-- the same transaction as the load.
CREATE TABLE etl.watermarks (
    source        text        PRIMARY KEY,
    cursor_value  text,
    key_values    jsonb,
    run_id        bigint,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The schema of each source, one row per version: a new version when a column appears, disappears
-- or is widened. Parquet objects carry the version in their metadata (pipelines.schema_version).
CREATE TABLE etl.schema_versions (
    source      text        NOT NULL,
    version     integer     NOT NULL,
    columns     jsonb       NOT NULL,
    change      text        NOT NULL,
    run_id      bigint,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, version)
);

-- One row per load of a source: where it came from, what range it read, where it landed, and the
-- rows at each stage.
CREATE TABLE etl.lineage (
    lineage_id      bigserial   PRIMARY KEY,
    target_table    text        NOT NULL,
    source          text        NOT NULL,
    source_type     text        NOT NULL,
    origin          text        NOT NULL,
    run_id          bigint      NOT NULL,
    logical_date    date        NOT NULL,
    watermark_from  jsonb,
    watermark_to    jsonb,
    bound           text,
    pages_read      integer,
    schema_version  integer     NOT NULL,
    lake_keys       jsonb       NOT NULL,
    rows_read       bigint      NOT NULL,
    rows_landed     bigint      NOT NULL,
    rows_loaded     bigint      NOT NULL,
    loaded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lineage_by_table ON etl.lineage (target_table, lineage_id);
