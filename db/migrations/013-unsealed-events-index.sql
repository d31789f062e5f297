-- Start-up looks for stage events without a hash (written before the chain existed, 007) to seal
-- them. Without an index that look-up read every event on every start (seconds at 1,000,000 cases);
-- this partial index holds only unsealed events, so it is empty and the check is instant.
CREATE INDEX stage_events_unsealed_ix ON stage_events (case_id, seq) WHERE hash IS NULL;
