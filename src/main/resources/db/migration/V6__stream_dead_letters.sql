-- Stream records that cannot be loaded (not JSON, a field missing or of the wrong type) are dead
-- letters too, named by where they were read. The key makes a batch read again after a crash add
-- none of them twice.
ALTER TABLE etl.dead_letters
    ADD COLUMN source_topic      text,
    ADD COLUMN source_partition  integer,
    ADD COLUMN source_offset     bigint;
CREATE UNIQUE INDEX dead_letters_stream_record ON etl.dead_letters (source_topic, source_partition, source_offset)
    WHERE source_topic IS NOT NULL;
