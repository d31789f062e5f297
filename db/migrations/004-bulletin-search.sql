-- Results bulletin search (keyword, category, department, decision date) and the site visit counter.
--
-- The search index is SQLite-specific (FTS5); a PostgreSQL twin would build its own. Design and
-- reasons: src/store/sqlite/search-index.ts. The functions bjt_search_grams, bjt_search_tags and
-- bjt_bulletin_key are registered by the SQLite adapter on every connection before it migrates.

-- Bulletin order as one integer (decision time in ms, then id); the FTS rowid of the entry.
ALTER TABLE bulletin_entries ADD COLUMN search_key INTEGER;
UPDATE bulletin_entries SET search_key = bjt_bulletin_key(decided_at, id);
CREATE UNIQUE INDEX bulletin_entries_search_key_uq ON bulletin_entries (search_key);
CREATE INDEX bulletin_entries_item_ix ON bulletin_entries (item_id);

-- Contentless: only the index is stored; the text stays in bulletin_entries and items.
-- applicant is the stored (already masked) name: a person's full name never reaches the index.
CREATE VIRTUAL TABLE bulletin_search USING fts5 (
  item_name, applicant, project, decision_no, tags,
  content = '', contentless_delete = 1, tokenize = 'ascii'
);

INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
SELECT b.search_key, bjt_search_grams(i.name), bjt_search_grams(b.applicant_name), bjt_search_grams(b.project_name),
       bjt_search_grams(b.decision_no), bjt_search_tags(i.category, b.department_id)
FROM bulletin_entries b JOIN items i ON i.id = b.item_id;

-- Same transaction as the insert of the entry (advanceCase), so the index never lags behind.
CREATE TRIGGER bulletin_entries_search_insert AFTER INSERT ON bulletin_entries
BEGIN
  UPDATE bulletin_entries SET search_key = bjt_bulletin_key(NEW.decided_at, NEW.id) WHERE id = NEW.id;
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT bjt_bulletin_key(NEW.decided_at, NEW.id), bjt_search_grams(i.name), bjt_search_grams(NEW.applicant_name),
         bjt_search_grams(NEW.project_name), bjt_search_grams(NEW.decision_no), bjt_search_tags(i.category, NEW.department_id)
  FROM items i WHERE i.id = NEW.item_id;
END;

CREATE TRIGGER bulletin_entries_search_update
AFTER UPDATE OF decision_no, item_id, department_id, applicant_name, project_name, decided_at ON bulletin_entries
BEGIN
  DELETE FROM bulletin_search WHERE rowid = OLD.search_key;
  UPDATE bulletin_entries SET search_key = bjt_bulletin_key(NEW.decided_at, NEW.id) WHERE id = NEW.id;
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT bjt_bulletin_key(NEW.decided_at, NEW.id), bjt_search_grams(i.name), bjt_search_grams(NEW.applicant_name),
         bjt_search_grams(NEW.project_name), bjt_search_grams(NEW.decision_no), bjt_search_tags(i.category, NEW.department_id)
  FROM items i WHERE i.id = NEW.item_id;
END;

CREATE TRIGGER bulletin_entries_search_delete AFTER DELETE ON bulletin_entries
BEGIN
  DELETE FROM bulletin_search WHERE rowid = OLD.search_key;
END;

-- An item renamed or recategorized: its entries are found under the new name and category.
CREATE TRIGGER items_search_update AFTER UPDATE OF name, category ON items
BEGIN
  DELETE FROM bulletin_search WHERE rowid IN (SELECT search_key FROM bulletin_entries WHERE item_id = NEW.id);
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT b.search_key, bjt_search_grams(NEW.name), bjt_search_grams(b.applicant_name), bjt_search_grams(b.project_name),
         bjt_search_grams(b.decision_no), bjt_search_tags(NEW.category, b.department_id)
  FROM bulletin_entries b WHERE b.item_id = NEW.id;
END;

-- Counters kept by the application in memory and added here in batches (not one write per view).
CREATE TABLE site_counters (
  name  TEXT NOT NULL CONSTRAINT site_counters_pk PRIMARY KEY,
  value INTEGER NOT NULL CONSTRAINT site_counters_value_ck CHECK (value >= 0)
);
