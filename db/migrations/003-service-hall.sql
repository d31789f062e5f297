-- The online service hall (issue 3): the seven disclosures of each item (七公开, 《行政许可法》第三十条),
-- laws, forms and samples, intermediaries, item changes, received materials, and the audit log.
-- Timestamps are ISO-8601 UTC text; dates (effective dates) are YYYY-MM-DD Beijing calendar days.

-- 办事指南 fields of an item. A NULL window means "the department's first window".
ALTER TABLE items ADD COLUMN item_type TEXT NOT NULL DEFAULT '行政许可';
ALTER TABLE items ADD COLUMN case_type TEXT NOT NULL DEFAULT '承诺件'
  CONSTRAINT items_case_type_ck CHECK (case_type IN ('即办件', '承诺件'));
ALTER TABLE items ADD COLUMN conditions TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN window_id INTEGER CONSTRAINT items_window_fk REFERENCES windows (id);
ALTER TABLE items ADD COLUMN service_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN consult_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN complaint_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN visits INTEGER NOT NULL DEFAULT 1
  CONSTRAINT items_visits_ck CHECK (visits >= 0);
-- Free text shown under the fee table (e.g. the basis of an exemption); no fee rows means 不收费.
ALTER TABLE items ADD COLUMN fee_note TEXT NOT NULL DEFAULT '';

CREATE TABLE files (
  id             INTEGER CONSTRAINT files_pk PRIMARY KEY,
  -- Server-generated; the user's file name is never used on disk.
  storage_name   TEXT NOT NULL CONSTRAINT files_storage_name_uq UNIQUE,
  original_name  TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  size_bytes     INTEGER NOT NULL CONSTRAINT files_size_ck CHECK (size_bytes >= 0),
  uploaded_by    INTEGER CONSTRAINT files_uploaded_by_fk REFERENCES staff (id),
  uploaded_at    TEXT NOT NULL,
  download_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE item_materials (
  id             INTEGER CONSTRAINT item_materials_pk PRIMARY KEY,
  item_id        INTEGER NOT NULL CONSTRAINT item_materials_item_fk REFERENCES items (id) ON DELETE CASCADE,
  seq            INTEGER NOT NULL,
  name           TEXT NOT NULL,
  form           TEXT NOT NULL CONSTRAINT item_materials_form_ck CHECK (form IN ('原件', '复印件', '原件及复印件', '电子件')),
  copies         INTEGER NOT NULL DEFAULT 1 CONSTRAINT item_materials_copies_ck CHECK (copies >= 1),
  required       INTEGER NOT NULL DEFAULT 1,
  note           TEXT NOT NULL DEFAULT '',
  blank_file_id  INTEGER CONSTRAINT item_materials_blank_fk REFERENCES files (id),
  sample_file_id INTEGER CONSTRAINT item_materials_sample_fk REFERENCES files (id)
);
CREATE INDEX item_materials_item_ix ON item_materials (item_id, seq);

CREATE TABLE item_steps (
  id          INTEGER CONSTRAINT item_steps_pk PRIMARY KEY,
  item_id     INTEGER NOT NULL CONSTRAINT item_steps_item_fk REFERENCES items (id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  CONSTRAINT item_steps_item_seq_uq UNIQUE (item_id, seq)
);

-- 特殊环节 (听证、检验、检测、现场踏勘、专家评审…): told to the applicant up front.
CREATE TABLE item_special_procedures (
  id       INTEGER CONSTRAINT item_special_procedures_pk PRIMARY KEY,
  item_id  INTEGER NOT NULL CONSTRAINT item_special_procedures_item_fk REFERENCES items (id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  name     TEXT NOT NULL,
  duration TEXT NOT NULL,
  counted  INTEGER NOT NULL DEFAULT 0,
  basis    TEXT NOT NULL DEFAULT '',
  CONSTRAINT item_special_procedures_item_seq_uq UNIQUE (item_id, seq)
);

CREATE TABLE item_fees (
  id       INTEGER CONSTRAINT item_fees_pk PRIMARY KEY,
  item_id  INTEGER NOT NULL CONSTRAINT item_fees_item_fk REFERENCES items (id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  name     TEXT NOT NULL,
  standard TEXT NOT NULL,
  basis    TEXT NOT NULL DEFAULT '',
  CONSTRAINT item_fees_item_seq_uq UNIQUE (item_id, seq)
);

CREATE TABLE laws (
  id             INTEGER CONSTRAINT laws_pk PRIMARY KEY,
  title          TEXT NOT NULL,
  issuer         TEXT NOT NULL,
  doc_no         TEXT NOT NULL DEFAULT '',
  level          TEXT NOT NULL CONSTRAINT laws_level_ck
                   CHECK (level IN ('法律', '行政法规', '地方性法规', '部门规章', '地方政府规章', '规范性文件')),
  effective_date TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'in_force' CONSTRAINT laws_status_ck CHECK (status IN ('in_force', 'repealed')),
  repealed_date  TEXT,
  body           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX laws_level_ix ON laws (level, effective_date DESC);

-- 设定依据: which law an item rests on, and which articles it cites.
CREATE TABLE item_laws (
  item_id  INTEGER NOT NULL CONSTRAINT item_laws_item_fk REFERENCES items (id) ON DELETE CASCADE,
  law_id   INTEGER NOT NULL CONSTRAINT item_laws_law_fk REFERENCES laws (id),
  seq      INTEGER NOT NULL,
  articles TEXT NOT NULL DEFAULT '',
  CONSTRAINT item_laws_pk PRIMARY KEY (item_id, law_id)
);
CREATE INDEX item_laws_law_ix ON item_laws (law_id);

CREATE TABLE intermediaries (
  id             INTEGER CONSTRAINT intermediaries_pk PRIMARY KEY,
  name           TEXT NOT NULL,
  qualification  TEXT NOT NULL,
  service_scope  TEXT NOT NULL,
  fee_basis      TEXT NOT NULL DEFAULT '',
  contact_person TEXT NOT NULL DEFAULT '',
  phone          TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE intermediary_items (
  intermediary_id INTEGER NOT NULL CONSTRAINT intermediary_items_intermediary_fk REFERENCES intermediaries (id) ON DELETE CASCADE,
  item_id         INTEGER NOT NULL CONSTRAINT intermediary_items_item_fk REFERENCES items (id) ON DELETE CASCADE,
  CONSTRAINT intermediary_items_pk PRIMARY KEY (intermediary_id, item_id)
);
CREATE INDEX intermediary_items_item_ix ON intermediary_items (item_id);

-- 审批事项调整 notices. A 'cancel' takes effect on its effective date, checked at read time.
CREATE TABLE item_changes (
  id                 INTEGER CONSTRAINT item_changes_pk PRIMARY KEY,
  item_id            INTEGER NOT NULL CONSTRAINT item_changes_item_fk REFERENCES items (id),
  kind               TEXT NOT NULL CONSTRAINT item_changes_kind_ck CHECK (kind IN ('create', 'cancel', 'delegate', 'transfer')),
  effective_date     TEXT NOT NULL,
  basis              TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  created_by         INTEGER NOT NULL CONSTRAINT item_changes_created_by_fk REFERENCES staff (id),
  created_at         TEXT NOT NULL
);
CREATE INDEX item_changes_item_ix ON item_changes (item_id, kind, effective_date);
CREATE INDEX item_changes_effective_ix ON item_changes (effective_date DESC, id DESC);

-- Materials the window received with a case (the checklist at registration). The name is kept as
-- registered so later edits of the item's material list do not rewrite what was received.
CREATE TABLE case_materials (
  case_id     INTEGER NOT NULL CONSTRAINT case_materials_case_fk REFERENCES cases (id),
  material_id INTEGER CONSTRAINT case_materials_material_fk REFERENCES item_materials (id) ON DELETE SET NULL,
  seq         INTEGER NOT NULL,
  name        TEXT NOT NULL,
  CONSTRAINT case_materials_pk PRIMARY KEY (case_id, seq)
);

CREATE TABLE audit_log (
  id        INTEGER CONSTRAINT audit_log_pk PRIMARY KEY,
  at        TEXT NOT NULL,
  staff_id  INTEGER NOT NULL CONSTRAINT audit_log_staff_fk REFERENCES staff (id),
  entity    TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action    TEXT NOT NULL CONSTRAINT audit_log_action_ck CHECK (action IN ('create', 'update', 'delete')),
  -- JSON object {field: [before, after]}.
  changes   TEXT NOT NULL
);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, id DESC);

-- Chinese substring search over item names and codes (SQLite FTS5, trigram tokenizer: terms of 3+
-- characters). SQLite-only; a PostgreSQL twin would use pg_trgm. Shorter terms use LIKE on items.
CREATE VIRTUAL TABLE items_fts USING fts5(name, code, content = 'items', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO items_fts (items_fts) VALUES ('rebuild');
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
  INSERT INTO items_fts (rowid, name, code) VALUES (new.id, new.name, new.code);
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
  INSERT INTO items_fts (items_fts, rowid, name, code) VALUES ('delete', old.id, old.name, old.code);
END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF name, code ON items BEGIN
  INSERT INTO items_fts (items_fts, rowid, name, code) VALUES ('delete', old.id, old.name, old.code);
  INSERT INTO items_fts (rowid, name, code) VALUES (new.id, new.name, new.code);
END;
