-- Several streams: a late event is known by its stream and its id (two streams may use the same ids).
ALTER TABLE etl.late_events DROP CONSTRAINT late_events_pkey;
ALTER TABLE etl.late_events ADD PRIMARY KEY (stream, event_id);
