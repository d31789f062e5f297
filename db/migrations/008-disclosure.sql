-- 政府信息公开 (《政府信息公开条例》): the center's own disclosure catalog, its review workflow
-- (drafted by staff, approved by the office 办公室, published by the web administrator 网管员)
-- and the roles for it.

-- The two new roles. staff.role has a CHECK constraint listing the three original roles, and
-- SQLite cannot alter a constraint: rebuilding the staff table inside the migration transaction
-- fails at commit because foreign_keys cannot be switched off there (the RENAME rewrites the
-- child tables' references). So an account with one of these roles keeps a placeholder in
-- staff.role and gets its effective role from this table; the store reads
-- COALESCE(staff_roles.role, staff.role) in its one staff query. A PostgreSQL adapter widens
-- the CHECK instead.
CREATE TABLE staff_roles (
  staff_id INTEGER NOT NULL CONSTRAINT staff_roles_pk PRIMARY KEY
             CONSTRAINT staff_roles_staff_fk REFERENCES staff (id) ON DELETE CASCADE,
  role     TEXT NOT NULL CONSTRAINT staff_roles_role_ck CHECK (role IN ('office_reviewer', 'webmaster'))
);

CREATE TABLE disclosure_entries (
  id            INTEGER CONSTRAINT disclosure_entries_pk PRIMARY KEY,
  -- 索引号: unique and never changed (目录系统实施指引); stored opaque, an imported entry keeps its own.
  index_no      TEXT NOT NULL CONSTRAINT disclosure_entries_index_no_uq UNIQUE,
  title         TEXT NOT NULL CONSTRAINT disclosure_entries_title_ck CHECK (length(title) BETWEEN 1 AND 200),
  category      TEXT NOT NULL,
  -- 成文日期, Beijing calendar date YYYY-MM-DD.
  written_date  TEXT NOT NULL,
  publisher     TEXT NOT NULL,
  summary       TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL,
  method        TEXT NOT NULL DEFAULT 'proactive' CONSTRAINT disclosure_entries_method_ck CHECK (method IN ('proactive')),
  status        TEXT NOT NULL CONSTRAINT disclosure_entries_status_ck CHECK (status IN
                  ('draft', 'submitted', 'returned', 'approved', 'published', 'unpublished')),
  -- 发布日期: set when published (kept after unpublishing, for the history).
  published_at  TEXT,
  version       INTEGER NOT NULL DEFAULT 1,
  created_by    INTEGER NOT NULL CONSTRAINT disclosure_entries_created_by_fk REFERENCES staff (id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CONSTRAINT disclosure_entries_published_ck CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX disclosure_entries_status_ix ON disclosure_entries (status, published_at);

-- Every step of the workflow, in order (shown on the entry's history page).
CREATE TABLE disclosure_events (
  id          INTEGER CONSTRAINT disclosure_events_pk PRIMARY KEY,
  entry_id    INTEGER NOT NULL CONSTRAINT disclosure_events_entry_fk REFERENCES disclosure_entries (id),
  action      TEXT NOT NULL CONSTRAINT disclosure_events_action_ck CHECK (action IN
                ('create', 'edit', 'submit', 'approve', 'return', 'publish', 'unpublish')),
  from_status TEXT,
  to_status   TEXT NOT NULL,
  staff_id    INTEGER NOT NULL CONSTRAINT disclosure_events_staff_fk REFERENCES staff (id),
  at          TEXT NOT NULL,
  comment     TEXT
);
CREATE INDEX disclosure_events_entry_ix ON disclosure_events (entry_id, id);

-- Last serial of generated 索引号 per year prefix, allocated in the creating transaction.
CREATE TABLE disclosure_serials (
  prefix TEXT NOT NULL CONSTRAINT disclosure_serials_pk PRIMARY KEY,
  last   INTEGER NOT NULL
);
