-- Notifications to applicants: an optional e-mail address on the case, and an outbox written in the
-- same transaction as the stage event it announces, delivered later by a worker with retries.

ALTER TABLE cases ADD COLUMN applicant_email TEXT;

CREATE TABLE outbox (
  id              INTEGER CONSTRAINT outbox_pk PRIMARY KEY,
  case_id         INTEGER NOT NULL CONSTRAINT outbox_case_fk REFERENCES cases (id),
  stage_event_id  INTEGER CONSTRAINT outbox_stage_event_fk REFERENCES stage_events (id),
  -- Reminders are enqueued by a periodic job; the key makes a second enqueue of the same reminder a no-op.
  dedupe_key      TEXT CONSTRAINT outbox_dedupe_key_uq UNIQUE,
  channel         TEXT NOT NULL CONSTRAINT outbox_channel_ck CHECK (channel IN ('email', 'sms')),
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CONSTRAINT outbox_status_ck CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until    TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX outbox_due_ix ON outbox (status, next_attempt_at);
CREATE INDEX outbox_case_ix ON outbox (case_id);
