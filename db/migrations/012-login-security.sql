-- Failed-login counters, per account name and per client address, kept in the database so a
-- restart does not reset them and several instances share them. `key` is 'user:<name>' or 'ip:<address>';
-- unknown user names get rows like known ones (no enumeration).
CREATE TABLE login_throttle (
  key             TEXT CONSTRAINT login_throttle_pk PRIMARY KEY,
  failures        INTEGER NOT NULL DEFAULT 0,
  window_start    TEXT,
  locked_until    TEXT,
  lock_level      INTEGER NOT NULL DEFAULT 0,
  last_failure_at TEXT
);
CREATE INDEX login_throttle_locked_ix ON login_throttle (locked_until) WHERE locked_until IS NOT NULL;

-- Sign-ins, sign-outs, failures, lockouts and API token issue/revocation. Separate from audit_log,
-- whose rows always name a staff member and an entity: a failed login may name nobody.
CREATE TABLE auth_events (
  id        INTEGER CONSTRAINT auth_events_pk PRIMARY KEY,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL CONSTRAINT auth_events_kind_ck CHECK (kind IN (
              'login_succeeded', 'login_failed', 'login_locked', 'logout', 'lock_cleared', 'token_issued', 'token_revoked')),
  staff_id  INTEGER CONSTRAINT auth_events_staff_fk REFERENCES staff (id),
  -- The user name as typed (failed logins), truncated; never a password.
  username  TEXT NOT NULL DEFAULT '',
  ip        TEXT NOT NULL DEFAULT '',
  -- Who acted, when not the account itself (an admin clearing a lock or revoking a token).
  actor_id  INTEGER CONSTRAINT auth_events_actor_fk REFERENCES staff (id),
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_events_at_ix ON auth_events (id DESC);
CREATE INDEX auth_events_staff_ix ON auth_events (staff_id, id DESC);

ALTER TABLE api_tokens ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
