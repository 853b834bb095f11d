-- The stream's lake objects by Kafka partition and offsets. Objects lie under the event hour of their
-- records (dt=<date>/hour=<hour>), so a partition's objects are spread over many folders: this index
-- finds those of a batch that was not committed without listing the lake. Each row is written before
-- its object is put; rows of committed batches are pruned as the partition goes on.
CREATE TABLE etl.stream_lake_objects (
    stream           text          NOT NULL,
    kafka_partition  integer       NOT NULL,
    first_offset     bigint        NOT NULL,
    last_offset      bigint        NOT NULL,
    lake_key         text          NOT NULL,
    recorded_at      timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, lake_key)
);
CREATE INDEX stream_lake_objects_offsets ON etl.stream_lake_objects (stream, kafka_partition, first_offset);
