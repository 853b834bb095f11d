-- A dead letter spooled to disk while the warehouse was down is keyed by its line's SHA-256 when
-- it is moved into the table: a drain interrupted half-way (the warehouse gone again, the process
-- killed) and done again inserts none of it twice.
ALTER TABLE etl.dead_letters ADD COLUMN spool_key text;
CREATE UNIQUE INDEX dead_letters_spool_key ON etl.dead_letters (spool_key) WHERE spool_key IS NOT NULL;
