-- Twin of SQLite 013: start-up looks for stage events without a hash to seal them; this partial
-- index holds only those (normally none), so the check does not read every event.
CREATE INDEX stage_events_unsealed_ix ON stage_events (case_id, seq) WHERE hash IS NULL;
