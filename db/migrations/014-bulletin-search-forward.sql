-- The search index's rowid becomes the negated order key (-search_key), so "newest first" is FTS5's
-- forward order. FTS5 reads a doclist backwards (ORDER BY rowid DESC) by loading each term's whole
-- doclist first; forward, it stops after a page. At 1,000,000 cases a page for an 11-character name
-- went from 640–730 to 260–320 µs, for 有限公司 from 250–310 to 160–280 µs (docs/performance.md).
-- The index is rebuilt from bulletin_entries, as migration 004 built it; search_key itself is unchanged.
DROP TRIGGER bulletin_entries_search_insert;
DROP TRIGGER bulletin_entries_search_update;
DROP TRIGGER bulletin_entries_search_delete;
DROP TRIGGER items_search_update;
DROP TABLE bulletin_search;

CREATE VIRTUAL TABLE bulletin_search USING fts5 (
  item_name, applicant, project, decision_no, tags,
  content = '', contentless_delete = 1, tokenize = 'ascii'
);

-- In rowid order: FTS5 starts a new segment whenever a rowid is not larger than the last one.
INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
SELECT -b.search_key, bjt_search_grams(i.name), bjt_search_grams(b.applicant_name), bjt_search_grams(b.project_name),
       bjt_search_grams(b.decision_no), bjt_search_tags(i.category, b.department_id)
FROM bulletin_entries b JOIN items i ON i.id = b.item_id
ORDER BY b.search_key DESC;

-- Same transaction as the insert of the entry (advanceCase), so the index never lags behind.
CREATE TRIGGER bulletin_entries_search_insert AFTER INSERT ON bulletin_entries
BEGIN
  UPDATE bulletin_entries SET search_key = bjt_bulletin_key(NEW.decided_at, NEW.id) WHERE id = NEW.id;
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT -bjt_bulletin_key(NEW.decided_at, NEW.id), bjt_search_grams(i.name), bjt_search_grams(NEW.applicant_name),
         bjt_search_grams(NEW.project_name), bjt_search_grams(NEW.decision_no), bjt_search_tags(i.category, NEW.department_id)
  FROM items i WHERE i.id = NEW.item_id;
END;

CREATE TRIGGER bulletin_entries_search_update
AFTER UPDATE OF decision_no, item_id, department_id, applicant_name, project_name, decided_at ON bulletin_entries
BEGIN
  DELETE FROM bulletin_search WHERE rowid = -OLD.search_key;
  UPDATE bulletin_entries SET search_key = bjt_bulletin_key(NEW.decided_at, NEW.id) WHERE id = NEW.id;
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT -bjt_bulletin_key(NEW.decided_at, NEW.id), bjt_search_grams(i.name), bjt_search_grams(NEW.applicant_name),
         bjt_search_grams(NEW.project_name), bjt_search_grams(NEW.decision_no), bjt_search_tags(i.category, NEW.department_id)
  FROM items i WHERE i.id = NEW.item_id;
END;

CREATE TRIGGER bulletin_entries_search_delete AFTER DELETE ON bulletin_entries
BEGIN
  DELETE FROM bulletin_search WHERE rowid = -OLD.search_key;
END;

-- An item renamed or recategorized: its entries are found under the new name and category.
CREATE TRIGGER items_search_update AFTER UPDATE OF name, category ON items
BEGIN
  DELETE FROM bulletin_search WHERE rowid IN (SELECT -search_key FROM bulletin_entries WHERE item_id = NEW.id);
  INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
  SELECT -b.search_key, bjt_search_grams(NEW.name), bjt_search_grams(b.applicant_name), bjt_search_grams(b.project_name),
         bjt_search_grams(b.decision_no), bjt_search_tags(NEW.category, b.department_id)
  FROM bulletin_entries b WHERE b.item_id = NEW.id;
END;
