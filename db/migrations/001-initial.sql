-- Core tracker: departments, windows, staff, items, cases, stage events, results bulletin.
-- Timestamps are ISO-8601 UTC text; ids are integers; kept portable for a PostgreSQL twin.

CREATE TABLE settings (
  key   TEXT NOT NULL CONSTRAINT settings_pk PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE departments (
  id   INTEGER CONSTRAINT departments_pk PRIMARY KEY,
  code TEXT NOT NULL CONSTRAINT departments_code_uq UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE windows (
  id            INTEGER CONSTRAINT windows_pk PRIMARY KEY,
  department_id INTEGER NOT NULL CONSTRAINT windows_department_fk REFERENCES departments (id),
  code          TEXT NOT NULL CONSTRAINT windows_code_uq UNIQUE,
  name          TEXT NOT NULL,
  location      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX windows_department_ix ON windows (department_id);

CREATE TABLE staff (
  id            INTEGER CONSTRAINT staff_pk PRIMARY KEY,
  username      TEXT NOT NULL CONSTRAINT staff_username_uq UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CONSTRAINT staff_role_ck CHECK (role IN ('window_staff', 'supervisor', 'admin')),
  department_id INTEGER CONSTRAINT staff_department_fk REFERENCES departments (id),
  window_id     INTEGER CONSTRAINT staff_window_fk REFERENCES windows (id),
  password_hash TEXT NOT NULL,
  is_demo       INTEGER NOT NULL DEFAULT 0,
  active        INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT staff_department_ck CHECK (role = 'admin' OR department_id IS NOT NULL)
);

CREATE TABLE sessions (
  id           TEXT CONSTRAINT sessions_pk PRIMARY KEY,
  staff_id     INTEGER NOT NULL CONSTRAINT sessions_staff_fk REFERENCES staff (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_staff_ix ON sessions (staff_id);

CREATE TABLE api_tokens (
  id         TEXT CONSTRAINT api_tokens_pk PRIMARY KEY,
  staff_id   INTEGER NOT NULL CONSTRAINT api_tokens_staff_fk REFERENCES staff (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL
);
CREATE INDEX api_tokens_staff_ix ON api_tokens (staff_id);

CREATE TABLE items (
  id              INTEGER CONSTRAINT items_pk PRIMARY KEY,
  code            TEXT NOT NULL CONSTRAINT items_code_uq UNIQUE,
  name            TEXT NOT NULL,
  category        TEXT NOT NULL,
  department_id   INTEGER NOT NULL CONSTRAINT items_department_fk REFERENCES departments (id),
  statutory_days  INTEGER NOT NULL CONSTRAINT items_statutory_ck CHECK (statutory_days > 0),
  promised_days   INTEGER NOT NULL CONSTRAINT items_promised_ck CHECK (promised_days > 0),
  results_public  INTEGER NOT NULL DEFAULT 1,
  result_validity TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL DEFAULT 'in_force' CONSTRAINT items_status_ck CHECK (status IN ('in_force', 'cancelled'))
);
CREATE INDEX items_department_ix ON items (department_id);

CREATE TABLE cases (
  id                  INTEGER CONSTRAINT cases_pk PRIMARY KEY,
  query_no            TEXT NOT NULL CONSTRAINT cases_query_no_uq UNIQUE,
  item_id             INTEGER NOT NULL CONSTRAINT cases_item_fk REFERENCES items (id),
  department_id       INTEGER NOT NULL CONSTRAINT cases_department_fk REFERENCES departments (id),
  applicant_name      TEXT NOT NULL,
  applicant_kind      TEXT NOT NULL CONSTRAINT cases_applicant_kind_ck CHECK (applicant_kind IN ('person', 'organization')),
  applicant_id_number TEXT NOT NULL,
  applicant_phone     TEXT NOT NULL,
  project_name        TEXT,
  note                TEXT,
  stage               TEXT NOT NULL,
  version             INTEGER NOT NULL DEFAULT 1,
  registered_by       INTEGER NOT NULL CONSTRAINT cases_registered_by_fk REFERENCES staff (id),
  registered_at       TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  decision_no         TEXT,
  decided_at          TEXT
);
CREATE INDEX cases_department_updated_ix ON cases (department_id, updated_at DESC);
CREATE INDEX cases_department_stage_ix ON cases (department_id, stage, updated_at DESC);
CREATE INDEX cases_stage_ix ON cases (stage, updated_at DESC);
CREATE INDEX cases_item_ix ON cases (item_id, updated_at DESC);
CREATE INDEX cases_updated_ix ON cases (updated_at DESC);

CREATE TABLE stage_events (
  id          INTEGER CONSTRAINT stage_events_pk PRIMARY KEY,
  case_id     INTEGER NOT NULL CONSTRAINT stage_events_case_fk REFERENCES cases (id),
  seq         INTEGER NOT NULL,
  from_stage  TEXT,
  to_stage    TEXT NOT NULL,
  at          TEXT NOT NULL,
  staff_id    INTEGER NOT NULL CONSTRAINT stage_events_staff_fk REFERENCES staff (id),
  note        TEXT,
  note_public INTEGER NOT NULL DEFAULT 0,
  decision_no TEXT,
  reason      TEXT,
  CONSTRAINT stage_events_case_seq_uq UNIQUE (case_id, seq)
);

-- Stage events are an append-only log.
CREATE TRIGGER stage_events_no_update BEFORE UPDATE ON stage_events
BEGIN SELECT RAISE(ABORT, 'stage events are immutable'); END;
CREATE TRIGGER stage_events_no_delete BEFORE DELETE ON stage_events
BEGIN SELECT RAISE(ABORT, 'stage events are immutable'); END;

CREATE TABLE bulletin_entries (
  id             INTEGER CONSTRAINT bulletin_entries_pk PRIMARY KEY,
  case_id        INTEGER NOT NULL CONSTRAINT bulletin_entries_case_fk REFERENCES cases (id) CONSTRAINT bulletin_entries_case_uq UNIQUE,
  decision_no    TEXT NOT NULL,
  item_id        INTEGER NOT NULL CONSTRAINT bulletin_entries_item_fk REFERENCES items (id),
  department_id  INTEGER NOT NULL CONSTRAINT bulletin_entries_department_fk REFERENCES departments (id),
  applicant_name TEXT NOT NULL,
  project_name   TEXT,
  decided_at     TEXT NOT NULL,
  validity       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bulletin_entries_decided_ix ON bulletin_entries (decided_at DESC, id DESC);
