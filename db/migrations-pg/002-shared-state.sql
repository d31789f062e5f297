-- PostgreSQL only: state that a single SQLite process keeps in memory, shared here by every
-- instance of the app (src/store/postgres/pg-shared.ts). Sessions, the visit counter and the
-- outbox already live in tables of 001.

-- Fixed-window rate-limit counters, keyed `<limiter>:<key>`; reset_at in ms since the epoch.
-- UNLOGGED: counters need no crash safety, and skip the WAL.
CREATE UNLOGGED TABLE rate_limits (
  key      TEXT CONSTRAINT rate_limits_pk PRIMARY KEY,
  count    INTEGER NOT NULL,
  reset_at BIGINT NOT NULL
);
CREATE INDEX rate_limits_reset_ix ON rate_limits (reset_at);
