-- Tamper evidence: a hash chain over each case's stage events (computed by the application, which
-- seals each event in the transaction that inserts it).
ALTER TABLE stage_events ADD COLUMN hash TEXT;

-- Events stay immutable; only a missing hash may be filled in, once.
DROP TRIGGER stage_events_no_update;
CREATE TRIGGER stage_events_no_update
BEFORE UPDATE OF case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason,
  kind, extension_days, approver_id ON stage_events
BEGIN SELECT RAISE(ABORT, 'stage events are immutable'); END;
CREATE TRIGGER stage_events_hash_once BEFORE UPDATE OF hash ON stage_events
WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'stage events are immutable'); END;
