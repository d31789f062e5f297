-- 好差评 (国办发〔2019〕51号): one evaluation per case, a rectification task per 差评,
-- and whether each decision was on time, recorded when it is made (for 窗口星级考评 and statistics).

-- The due date in force at the moment of the decision and whether the decision met it
-- (NULL: not a decision yet, or the due date was undetermined).
ALTER TABLE cases ADD COLUMN decision_due_date TEXT;
ALTER TABLE cases ADD COLUMN decided_on_time INTEGER
  CONSTRAINT cases_decided_on_time_ck CHECK (decided_on_time IN (0, 1));

CREATE INDEX cases_registered_ix ON cases (registered_at);
CREATE INDEX cases_department_registered_ix ON cases (department_id, registered_at);
CREATE INDEX cases_decided_ix ON cases (decided_at);
CREATE INDEX cases_department_decided_ix ON cases (department_id, decided_at);
-- "completed in a period" reads the stage log by target stage and time.
CREATE INDEX stage_events_to_stage_at_ix ON stage_events (to_stage, at);

CREATE TABLE evaluations (
  id               INTEGER CONSTRAINT evaluations_pk PRIMARY KEY,
  -- 一事一评: the UNIQUE constraint refuses a second evaluation even under a race.
  case_id          INTEGER NOT NULL CONSTRAINT evaluations_case_fk REFERENCES cases (id)
                     CONSTRAINT evaluations_case_uq UNIQUE,
  level            TEXT NOT NULL CONSTRAINT evaluations_level_ck CHECK (level IN
                     ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied')),
  comment          TEXT CONSTRAINT evaluations_comment_ck CHECK (comment IS NULL OR length(comment) <= 500),
  score_efficiency INTEGER NOT NULL CONSTRAINT evaluations_score_efficiency_ck CHECK (score_efficiency BETWEEN 1 AND 5),
  score_quality    INTEGER NOT NULL CONSTRAINT evaluations_score_quality_ck CHECK (score_quality BETWEEN 1 AND 5),
  score_attitude   INTEGER NOT NULL CONSTRAINT evaluations_score_attitude_ck CHECK (score_attitude BETWEEN 1 AND 5),
  evaluated_at     TEXT NOT NULL
);
CREATE INDEX evaluations_evaluated_ix ON evaluations (evaluated_at);

CREATE TABLE rectifications (
  id               INTEGER CONSTRAINT rectifications_pk PRIMARY KEY,
  evaluation_id    INTEGER NOT NULL CONSTRAINT rectifications_evaluation_fk REFERENCES evaluations (id)
                     CONSTRAINT rectifications_evaluation_uq UNIQUE,
  case_id          INTEGER NOT NULL CONSTRAINT rectifications_case_fk REFERENCES cases (id),
  department_id    INTEGER NOT NULL CONSTRAINT rectifications_department_fk REFERENCES departments (id),
  opened_at        TEXT NOT NULL,
  -- Beijing date; NULL while the working-day calendar does not cover it (待定).
  due_date         TEXT,
  status           TEXT NOT NULL DEFAULT 'open' CONSTRAINT rectifications_status_ck CHECK (status IN ('open', 'closed')),
  follow_up_date   TEXT,
  follow_up_result TEXT,
  follow_up_by     INTEGER CONSTRAINT rectifications_follow_up_by_fk REFERENCES staff (id),
  follow_up_at     TEXT,
  closing_note     TEXT,
  closed_by        INTEGER CONSTRAINT rectifications_closed_by_fk REFERENCES staff (id),
  closed_at        TEXT,
  -- Every 差评 gets a 回访 before it is closed (国办发〔2019〕51号).
  CONSTRAINT rectifications_closed_ck CHECK (
    status = 'open' OR (closed_at IS NOT NULL AND closed_by IS NOT NULL AND closing_note IS NOT NULL AND follow_up_date IS NOT NULL)
  )
);
CREATE INDEX rectifications_department_ix ON rectifications (department_id, status, due_date);
CREATE INDEX rectifications_status_ix ON rectifications (status, due_date);
