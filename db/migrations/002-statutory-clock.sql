-- Statutory clock: stored deadlines on cases, extension events, holiday calendar overrides.

ALTER TABLE items ADD COLUMN joint_handling INTEGER NOT NULL DEFAULT 0;

ALTER TABLE cases ADD COLUMN window_id INTEGER CONSTRAINT cases_window_fk REFERENCES windows (id);
-- 'pending' marks a clock not computed yet (rows from before this migration); the app fills it in at start.
ALTER TABLE cases ADD COLUMN clock_state TEXT NOT NULL DEFAULT 'pending';
-- 0 running, 1 undetermined, 2 paused, 3 stopped, 9 pending: the first key of "by urgency".
ALTER TABLE cases ADD COLUMN clock_rank INTEGER NOT NULL DEFAULT 9;
ALTER TABLE cases ADD COLUMN clock_kind TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN due_date TEXT;
ALTER TABLE cases ADD COLUMN statutory_due_date TEXT;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN deemed_accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN undetermined_year INTEGER;

CREATE INDEX cases_department_urgency_ix ON cases (department_id, clock_rank, due_date, id);
CREATE INDEX cases_urgency_ix ON cases (clock_rank, due_date, id);
CREATE INDEX cases_window_ix ON cases (window_id, clock_rank, due_date);

-- An extension (延期, 第四十二条) is a timeline event, not a stage: from = to = the current stage.
ALTER TABLE stage_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'stage';
ALTER TABLE stage_events ADD COLUMN extension_days INTEGER;
ALTER TABLE stage_events ADD COLUMN approver_id INTEGER CONSTRAINT stage_events_approver_fk REFERENCES staff (id);

CREATE TABLE extension_requests (
  id            INTEGER CONSTRAINT extension_requests_pk PRIMARY KEY,
  case_id       INTEGER NOT NULL CONSTRAINT extension_requests_case_fk REFERENCES cases (id),
  days          INTEGER NOT NULL CONSTRAINT extension_requests_days_ck CHECK (days IN (10, 15)),
  reason        TEXT NOT NULL,
  requested_by  INTEGER NOT NULL CONSTRAINT extension_requests_requested_by_fk REFERENCES staff (id),
  requested_at  TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CONSTRAINT extension_requests_status_ck CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by    INTEGER CONSTRAINT extension_requests_decided_by_fk REFERENCES staff (id),
  decided_at    TEXT,
  decision_note TEXT
);
CREATE INDEX extension_requests_case_ix ON extension_requests (case_id);
CREATE INDEX extension_requests_status_ix ON extension_requests (status, requested_at);

CREATE TABLE calendar_overrides (
  date       TEXT CONSTRAINT calendar_overrides_pk PRIMARY KEY,
  kind       TEXT NOT NULL CONSTRAINT calendar_overrides_kind_ck CHECK (kind IN ('holiday', 'workday')),
  notice     TEXT NOT NULL,
  created_by INTEGER NOT NULL CONSTRAINT calendar_overrides_created_by_fk REFERENCES staff (id),
  created_at TEXT NOT NULL
);

-- Years whose whole arrangement an admin has entered (beyond what the data package covers).
CREATE TABLE calendar_years (
  year        INTEGER CONSTRAINT calendar_years_pk PRIMARY KEY,
  notice      TEXT NOT NULL,
  declared_by INTEGER NOT NULL CONSTRAINT calendar_years_declared_by_fk REFERENCES staff (id),
  declared_at TEXT NOT NULL
);

-- At most one request waiting for a supervisor per case.
CREATE UNIQUE INDEX extension_requests_one_pending_uq ON extension_requests (case_id) WHERE status = 'pending';
