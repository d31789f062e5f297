-- Case lists "latest first" (ORDER BY updated_at DESC, id DESC) read one index in order and stop
-- after a page. The indexes of 001 ended at updated_at, so ties needed a sort step, and the list
-- over all departments sorted every case (found by `npm run bench`, see docs/performance.md).
-- Same number of indexes as before: each new one replaces the one it extends.
-- (Numbered 007 on the benchmark branch; renumber after any 007 that lands first.)
DROP INDEX cases_department_updated_ix;
DROP INDEX cases_department_stage_ix;
DROP INDEX cases_stage_ix;
DROP INDEX cases_item_ix;
DROP INDEX cases_updated_ix;
CREATE INDEX cases_department_updated_ix ON cases (department_id, updated_at DESC, id DESC);
CREATE INDEX cases_department_stage_ix ON cases (department_id, stage, updated_at DESC, id DESC);
CREATE INDEX cases_stage_ix ON cases (stage, updated_at DESC, id DESC);
CREATE INDEX cases_item_ix ON cases (item_id, updated_at DESC, id DESC);
CREATE INDEX cases_updated_ix ON cases (updated_at DESC, id DESC);
