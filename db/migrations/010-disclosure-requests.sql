-- 依申请公开 (《政府信息公开条例》2019): requests for government information, their timeline,
-- fees (信息处理费), administrative review / litigation records, and attachments (of replies and
-- of catalog entries). Vocabulary: src/domain/disclosure-request.ts.

CREATE TABLE disclosure_requests (
  id               INTEGER CONSTRAINT disclosure_requests_pk PRIMARY KEY,
  -- Same generator and alphabet as cases' 查询号; the lookup page finds either.
  query_no         TEXT NOT NULL CONSTRAINT disclosure_requests_query_no_uq UNIQUE,
  applicant_kind   TEXT NOT NULL CONSTRAINT disclosure_requests_kind_ck CHECK (applicant_kind IN
                     ('person', 'business', 'research', 'public_welfare', 'legal_service', 'other_org')),
  applicant_name   TEXT NOT NULL CONSTRAINT disclosure_requests_name_ck CHECK (length(applicant_name) BETWEEN 1 AND 100),
  -- 身份证号 for a person, 统一社会信用代码 for an organization; never shown publicly.
  id_number        TEXT NOT NULL,
  contact_person   TEXT,
  phone            TEXT NOT NULL,
  email            TEXT,
  address          TEXT,
  description      TEXT NOT NULL CONSTRAINT disclosure_requests_description_ck CHECK (length(description) BETWEEN 1 AND 2000),
  delivery_form    TEXT NOT NULL CONSTRAINT disclosure_requests_delivery_ck CHECK (delivery_form IN
                     ('paper_mail', 'paper_pickup', 'email', 'electronic_media')),
  stage            TEXT NOT NULL CONSTRAINT disclosure_requests_stage_ck CHECK (stage IN
                     ('received', 'supplement_requested', 'closed')),
  received_at      TEXT NOT NULL,
  -- Beijing calendar dates (YYYY-MM-DD).
  received_on      TEXT NOT NULL,
  -- Day 0 of the running 20-working-day clock: the day received, or the day the 补正 arrived.
  clock_start_on   TEXT NOT NULL,
  -- Reply due date; NULL while paused for 补正 or when the calendar does not cover it (待定).
  due_on           TEXT,
  -- The applicant's 补正 deadline while supplement_requested.
  supplement_due_on TEXT,
  extended         INTEGER NOT NULL DEFAULT 0 CONSTRAINT disclosure_requests_extended_ck CHECK (extended IN (0, 1)),
  outcome          TEXT CONSTRAINT disclosure_requests_outcome_ck CHECK (outcome IS NULL OR outcome IN (
                     'disclose', 'partial',
                     'withhold_state_secret', 'withhold_law_prohibits', 'withhold_three_safeties', 'withhold_third_party',
                     'withhold_internal_affairs', 'withhold_process_info', 'withhold_enforcement_file', 'withhold_query_matter',
                     'unable_not_held', 'unable_needs_creation', 'unable_still_unclear',
                     'not_handled_petition', 'not_handled_repeated', 'not_handled_publication', 'not_handled_excessive',
                     'not_handled_confirmation',
                     'other_no_supplement', 'other_fee_unpaid', 'other_other')),
  reply_text       TEXT,
  closed_at        TEXT,
  closed_on        TEXT,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  CONSTRAINT disclosure_requests_closed_ck CHECK (
    (stage = 'closed') = (outcome IS NOT NULL AND closed_at IS NOT NULL AND closed_on IS NOT NULL)),
  CONSTRAINT disclosure_requests_dates_ck CHECK (closed_on IS NULL OR closed_on >= received_on)
);
CREATE INDEX disclosure_requests_stage_ix ON disclosure_requests (stage, due_on);
CREATE INDEX disclosure_requests_received_ix ON disclosure_requests (received_on);
CREATE INDEX disclosure_requests_closed_ix ON disclosure_requests (closed_on);

-- The timeline. staff_id is NULL for what the applicant did (submitting online).
CREATE TABLE disclosure_request_events (
  id          INTEGER CONSTRAINT disclosure_request_events_pk PRIMARY KEY,
  request_id  INTEGER NOT NULL CONSTRAINT disclosure_request_events_request_fk REFERENCES disclosure_requests (id),
  action      TEXT NOT NULL CONSTRAINT disclosure_request_events_action_ck CHECK (action IN
                ('receive', 'request_supplement', 'supply', 'extend', 'reply', 'abandon', 'fee', 'review')),
  from_stage  TEXT,
  to_stage    TEXT NOT NULL,
  staff_id    INTEGER CONSTRAINT disclosure_request_events_staff_fk REFERENCES staff (id),
  at          TEXT NOT NULL,
  comment     TEXT
);
CREATE INDEX disclosure_request_events_request_ix ON disclosure_request_events (request_id, id);

-- 信息处理费 (条例第四十二条; 国办函〔2020〕109号), amounts in fen.
CREATE TABLE disclosure_request_fees (
  id          INTEGER CONSTRAINT disclosure_request_fees_pk PRIMARY KEY,
  request_id  INTEGER NOT NULL CONSTRAINT disclosure_request_fees_request_fk REFERENCES disclosure_requests (id),
  charged_on  TEXT NOT NULL,
  amount_fen  INTEGER NOT NULL CONSTRAINT disclosure_request_fees_amount_ck CHECK (amount_fen >= 0),
  waived_fen  INTEGER NOT NULL DEFAULT 0 CONSTRAINT disclosure_request_fees_waived_ck CHECK (waived_fen >= 0 AND waived_fen <= amount_fen),
  note        TEXT NOT NULL DEFAULT '',
  staff_id    INTEGER NOT NULL CONSTRAINT disclosure_request_fees_staff_fk REFERENCES staff (id),
  at          TEXT NOT NULL
);
CREATE INDEX disclosure_request_fees_request_ix ON disclosure_request_fees (request_id);
CREATE INDEX disclosure_request_fees_charged_ix ON disclosure_request_fees (charged_on);

-- 行政复议 / 行政诉讼 brought over a request's handling.
CREATE TABLE disclosure_request_reviews (
  id          INTEGER CONSTRAINT disclosure_request_reviews_pk PRIMARY KEY,
  request_id  INTEGER NOT NULL CONSTRAINT disclosure_request_reviews_request_fk REFERENCES disclosure_requests (id),
  kind        TEXT NOT NULL CONSTRAINT disclosure_request_reviews_kind_ck CHECK (kind IN
                ('review', 'litigation_direct', 'litigation_after_review')),
  filed_on    TEXT NOT NULL,
  outcome     TEXT NOT NULL CONSTRAINT disclosure_request_reviews_outcome_ck CHECK (outcome IN
                ('upheld', 'corrected', 'other', 'pending')),
  decided_on  TEXT,
  note        TEXT NOT NULL DEFAULT '',
  staff_id    INTEGER NOT NULL CONSTRAINT disclosure_request_reviews_staff_fk REFERENCES staff (id),
  at          TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT disclosure_request_reviews_decided_ck CHECK ((outcome = 'pending') = (decided_on IS NULL)),
  CONSTRAINT disclosure_request_reviews_dates_ck CHECK (decided_on IS NULL OR decided_on >= filed_on)
);
CREATE INDEX disclosure_request_reviews_request_ix ON disclosure_request_reviews (request_id);
CREATE INDEX disclosure_request_reviews_filed_ix ON disclosure_request_reviews (filed_on);

-- Attachments: of a reply (event_id names the reply) and of a catalog entry. The bytes live in files.
CREATE TABLE disclosure_request_files (
  request_id  INTEGER NOT NULL CONSTRAINT disclosure_request_files_request_fk REFERENCES disclosure_requests (id),
  file_id     INTEGER NOT NULL CONSTRAINT disclosure_request_files_file_fk REFERENCES files (id),
  event_id    INTEGER CONSTRAINT disclosure_request_files_event_fk REFERENCES disclosure_request_events (id),
  position    INTEGER NOT NULL,
  CONSTRAINT disclosure_request_files_pk PRIMARY KEY (request_id, file_id)
);

CREATE TABLE disclosure_entry_files (
  entry_id    INTEGER NOT NULL CONSTRAINT disclosure_entry_files_entry_fk REFERENCES disclosure_entries (id),
  file_id     INTEGER NOT NULL CONSTRAINT disclosure_entry_files_file_fk REFERENCES files (id),
  position    INTEGER NOT NULL,
  CONSTRAINT disclosure_entry_files_pk PRIMARY KEY (entry_id, file_id)
);
