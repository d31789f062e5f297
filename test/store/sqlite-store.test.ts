import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../src/paths';
import { migrateSqlite, readMigrations } from '../../src/store/migrate';
import { HOT_QUERIES, listCasesQuery, SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { matchExpression } from '../../src/store/sqlite/search-index';
import { at, clockOf, queryNoFor, runStoreContract } from './store-contract';

/** A fresh directory in the OS temp dir per store; removed with the -wal and -shm files on cleanup. */
function tempDbFile(): { file: string; removeDir: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permit-tracker-store-'));
  return { file: path.join(dir, 'test.sqlite'), removeDir: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

runStoreContract('SqliteStore', async () => {
  const { file, removeDir } = tempDbFile();
  const store = new SqliteStore({ file });
  return {
    store,
    cleanup: async () => {
      await store.close();
      removeDir();
    },
  };
});

describe('SqliteStore specifics', () => {
  let file: string;
  let removeDir: () => void;
  const opened: SqliteStore[] = [];

  function open(): SqliteStore {
    const s = new SqliteStore({ file });
    opened.push(s);
    return s;
  }

  beforeEach(() => {
    ({ file, removeDir } = tempDbFile());
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    removeDir();
  });

  async function seedCase(store: SqliteStore) {
    const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
    const staff = await store.createStaff({
      username: 'wang',
      displayName: '王收件',
      role: 'window_staff',
      departmentId: d.id,
      windowId: null,
      passwordHash: 'h',
      isDemo: false,
    });
    const item = await store.createItem({
      code: 'SL-001',
      name: '取水许可',
      category: '取水许可',
      departmentId: d.id,
      statutoryDays: 20,
      promisedDays: 10,
      resultsPublic: true,
      resultValidity: '',
      status: 'in_force',
    });
    let c = await store.registerCase({
      queryNo: queryNoFor(1),
      itemId: item.id,
      departmentId: d.id,
      applicant: { name: '张三', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
      projectName: null,
      note: null,
      registeredBy: staff.id,
      windowId: null,
      at: at(1),
      clock: clockOf(),
    });
    c = await store.advanceCase({
      caseId: c.id,
      expectedVersion: 1,
      from: 'submitted',
      event: { to: 'accepted', at: at(2), staffId: staff.id, note: '受理', notePublic: false, decisionNo: null, reason: null },
      clock: clockOf(),
    });
    return { c, staff, item, d };
  }

  describe('migrations', () => {
    it('when a new file is opened, then every migration is applied once and recorded in schema_migrations', () => {
      const store = open();
      const rows = store.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
        version: number;
        name: string;
        applied_at: string;
      }[];
      const expected = readMigrations(MIGRATIONS_DIR);
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.map((r) => [r.version, r.name])).toEqual(expected.map((m) => [m.version, m.name]));
      expect(rows[0]).toMatchObject({ version: 1, name: 'initial' });
      for (const r of rows) expect(new Date(r.applied_at).toISOString()).toBe(r.applied_at);
    });

    it('when the same file is opened again, then nothing is applied twice and the data is still there', async () => {
      const first = open();
      const { c } = await seedCase(first);
      const before = first.db.prepare('SELECT * FROM schema_migrations ORDER BY version').all();
      await first.close();

      const second = open();
      expect(second.db.prepare('SELECT * FROM schema_migrations ORDER BY version').all()).toEqual(before);
      expect(migrateSqlite(second.db, MIGRATIONS_DIR)).toEqual([]);
      expect(second.db.prepare('SELECT * FROM schema_migrations ORDER BY version').all()).toEqual(before);
      expect(await second.findCaseByQueryNo(c.queryNo)).toEqual(c);
      expect(await second.listStageEvents(c.id)).toHaveLength(2);
    });

    it('when a migrations directory has a gap in its numbers, then it is refused', () => {
      const dir = path.join(path.dirname(file), 'migrations');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, '001-a.sql'), 'CREATE TABLE a (x INTEGER);');
      fs.writeFileSync(path.join(dir, '003-c.sql'), 'CREATE TABLE c (x INTEGER);');
      expect(() => readMigrations(dir)).toThrow(/without gaps/);
    });
  });

  /** The file as an older version left it: only the migrations numbered below `version` applied. */
  function openBefore(version: string): SqliteStore {
    const oldDir = path.join(path.dirname(file), `migrations-before-${version}`);
    fs.mkdirSync(oldDir);
    for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((n) => n < version)) {
      fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(oldDir, f));
    }
    const old = new SqliteStore({ file, migrationsDir: oldDir });
    opened.push(old);
    return old;
  }

  describe('bulletin search index (migration 004)', () => {
    it('when a database made before the search migration is opened, then existing entries are indexed by it', async () => {
      const old = openBefore('004');
      // Rows as a version before the search index wrote them (plain SQL: today's store code expects today's schema).
      old.db.exec(`
        INSERT INTO departments (id, code, name) VALUES (1, 'D01', '市水利局');
        INSERT INTO staff (id, username, display_name, role, department_id, password_hash) VALUES (1, 'wang', '王收件', 'window_staff', 1, 'h');
        INSERT INTO items (id, code, name, category, department_id, statutory_days, promised_days) VALUES (1, 'SL-001', '取水许可', '取水许可', 1, 20, 10);
        INSERT INTO cases (id, query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number, applicant_phone,
          project_name, stage, registered_by, registered_at, updated_at, decision_no, decided_at)
          VALUES (1, '${queryNoFor(1)}', 1, 1, '衢州市清源水务有限公司', 'organization', '11330800MB0R57773W', '0570-3890183',
          '乌溪江引水工程', 'approved', 1, '${at(1)}', '${at(9)}', '衢水许〔2026〕088号', '${at(9)}');
        INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at)
          VALUES (1, '衢水许〔2026〕088号', 1, 1, '衢州市清源水务有限公司', '乌溪江引水工程', '${at(9)}');
      `);
      await old.close();

      const upgraded = open();
      const page = await upgraded.listBulletin({ keywords: ['引水'], limit: 10, offset: 0 });
      expect(page.rows.map((r) => r.decisionNo)).toEqual(['衢水许〔2026〕088号']);
      expect((await upgraded.listBulletin({ keywords: ['088'], category: '取水许可', limit: 10, offset: 0 })).total).toBe(1);
    });

    it('when a database indexed before migration 014 is opened, then the index is rebuilt under negated keys and searches keep newest first', async () => {
      const old = openBefore('014');
      const { item, staff } = await seedCase(old);
      const insert = old.db.prepare(
        `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at)
         VALUES (?, ?, ?, ?, '某水务公司', '引水工程', ?)`,
      );
      const register = (store: SqliteStore, n: number) =>
        store.registerCase({
          queryNo: queryNoFor(20 + n), itemId: item.id, departmentId: item.departmentId,
          applicant: { name: '李四', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
          projectName: null, note: null, registeredBy: staff.id, windowId: null, at: at(2), clock: clockOf(),
        });
      // Decided out of id order, so id order and newest first differ.
      for (const [n, minute] of [[1, 12], [2, 10], [3, 14], [4, 11]]) {
        insert.run((await register(old, n)).id, `衢水许〔2026〕10${n}号`, item.id, item.departmentId, at(minute));
      }
      expect(old.db.prepare('SELECT COUNT(*) FROM bulletin_search WHERE rowid > 0').pluck().get()).toBe(4);
      await old.close();

      const upgraded = open();
      const keys = (sql: string) => (upgraded.db.prepare(sql).pluck().all() as number[]).map(String).sort();
      expect(keys('SELECT rowid FROM bulletin_search')).toEqual(keys('SELECT -search_key FROM bulletin_entries'));
      const search = (o: object) =>
        upgraded.listBulletin({ keywords: ['引水'], limit: 10, offset: 0, ...o }).then((p) => [p.rows.map((r) => r.decisionNo), p.total]);
      expect(await search({})).toEqual([['衢水许〔2026〕103号', '衢水许〔2026〕101号', '衢水许〔2026〕104号', '衢水许〔2026〕102号'], 4]);
      expect(await search({ limit: 2, offset: 1 })).toEqual([['衢水许〔2026〕101号', '衢水许〔2026〕104号'], 4]);
      // [from, before): the entry decided exactly at `from` is in, the one at `before` is out.
      expect(await search({ decidedFrom: at(11), decidedBefore: at(14) })).toEqual([['衢水许〔2026〕101号', '衢水许〔2026〕104号'], 2]);
      // New approvals go through the rebuilt triggers.
      const next = await register(upgraded, 5);
      upgraded.db
        .prepare(
          `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at)
           VALUES (?, '衢水许〔2026〕105号', ?, ?, '某水务公司', '引水工程', ?)`,
        )
        .run(next.id, item.id, item.departmentId, at(13));
      expect(await search({ limit: 2 })).toEqual([['衢水许〔2026〕103号', '衢水许〔2026〕105号'], 5]);
      upgraded.db.prepare("DELETE FROM bulletin_entries WHERE decision_no = '衢水许〔2026〕103号'").run();
      expect(await search({ limit: 1 })).toEqual([['衢水许〔2026〕105号'], 4]);
    });

    it('when an item is renamed or recategorized, then its entries are found under the new name and category only', async () => {
      const store = open();
      const { item } = await publishAndItem(store);
      store.db.prepare('UPDATE items SET name = ?, category = ? WHERE id = ?').run('地表水取用许可', '水资源', item.id);
      const find = (o: object) => store.listBulletin({ limit: 10, offset: 0, ...o }).then((p) => p.total);
      expect(await find({ keywords: ['地表水'] })).toBe(1);
      expect(await find({ category: '水资源' })).toBe(1);
      expect(await find({ category: '取水许可' })).toBe(0);
      expect(await find({ keywords: ['取水许可'] })).toBe(0);
    });

    it('when an entry is corrected or deleted through the db handle, then the index follows', async () => {
      const store = open();
      await publishAndItem(store);
      const find = (k: string) => store.listBulletin({ keywords: [k], limit: 10, offset: 0 }).then((p) => p.total);
      store.db.prepare("UPDATE bulletin_entries SET decision_no = '衢水许〔2026〕099号'").run();
      expect([await find('088'), await find('099')]).toEqual([0, 1]);
      store.db.prepare('DELETE FROM bulletin_entries').run();
      expect(await find('099')).toBe(0);
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM bulletin_search').get() as { n: number }).n).toBe(0);
    });

    it('when the approval is rolled back, then nothing reaches the index either', async () => {
      const store = open();
      const { c, staff } = await seedCase(store);
      store.db.exec(`CREATE TRIGGER fail_after_index AFTER INSERT ON bulletin_entries
        BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
      await expect(
        store.advanceCase({
          caseId: c.id,
          expectedVersion: c.version,
          from: 'accepted',
          event: { to: 'approved', at: at(9), staffId: staff.id, note: null, notePublic: false, decisionNo: 'X', reason: null },
          bulletin: { decisionNo: '衢水许〔2026〕088号', applicantName: '某公司', projectName: null, decidedAt: at(9), validity: '' },
          clock: clockOf(),
        }),
      ).rejects.toHaveProperty('message', expect.stringMatching(/simulated failure/));
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM bulletin_search').get() as { n: number }).n).toBe(0);
      expect((await store.findCaseByQueryNo(c.queryNo))?.stage).toBe('accepted');
    });

    it('when entries were added one approval at a time, then compaction merges the index into one piece and searches find the same', async () => {
      const store = open();
      const { item } = await publishAndItem(store);
      const first = (await store.listCases({ limit: 1, offset: 0 })).rows[0];
      // Each transaction adds one piece (segment) to the index, as each approval does.
      const insert = store.db.prepare(
        `INSERT INTO bulletin_entries (case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at)
         VALUES (?, ?, ?, ?, '某公司', '引水工程', ?)`,
      );
      for (let i = 1; i <= 12; i++) {
        const c = await store.registerCase({
          queryNo: queryNoFor(10 + i), itemId: item.id, departmentId: item.departmentId,
          applicant: { name: '李四', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
          projectName: null, note: null, registeredBy: first.registeredBy, windowId: null, at: at(2), clock: clockOf(),
        });
        insert.run(c.id, `衢水许〔2026〕${100 + i}号`, item.id, item.departmentId, at(9 + i));
      }
      const pieces = () => (store.db.prepare('SELECT COUNT(*) AS n FROM bulletin_search_idx').get() as { n: number }).n;
      const find = (k: string) => store.listBulletin({ keywords: [k], limit: 20, offset: 0 }).then((p) => p.rows.map((r) => r.decisionNo));
      const before = { pieces: pieces(), found: await find('引水'), category: (await store.listBulletin({ category: item.category, limit: 20, offset: 0 })).total };
      expect(before.found).toHaveLength(12);
      let steps = 0;
      while (await store.compactSearchIndex()) steps++;
      expect(steps).toBeGreaterThan(0);
      expect(pieces()).toBeLessThan(before.pieces);
      expect(await store.compactSearchIndex()).toBe(false);
      expect(await find('引水')).toEqual(before.found);
      expect((await store.listBulletin({ category: item.category, limit: 20, offset: 0 })).total).toBe(before.category);
    });

    it('when a search is repeated, then its page and count are kept, frozen, until a write here or a commit elsewhere', async () => {
      const store = open();
      await publishAndItem(store);
      const search = (keywords: string[], limit = 20) => store.listBulletin({ keywords, limit, offset: 0, countLimit: 10_001 });
      const first = await search(['088']);
      const again = await search(['088']);
      expect(again).toEqual({ rows: [expect.objectContaining({ decisionNo: '衢水许〔2026〕088号' })], total: 1 });
      // The same entry object: kept, not read again. Frozen, as every caller shares it; the array is each caller's own.
      expect(again.rows[0]).toBe(first.rows[0]);
      expect(Object.isFrozen(again.rows[0]) && Object.isFrozen(again.rows[0].item) && Object.isFrozen(again.rows[0].department)).toBe(true);
      expect(() => {
        (again.rows[0] as { applicantName: string }).applicantName = '张三';
      }).toThrow(TypeError);
      again.rows.pop();
      expect((await search(['088'])).rows).toHaveLength(1);

      // A write on this connection (the total_changes() half of the version).
      store.db.prepare("UPDATE bulletin_entries SET decision_no = '衢水许〔2026〕099号'").run();
      expect(await search(['088'])).toEqual({ rows: [], total: 0 });
      expect((await search(['099'])).rows.map((r) => r.decisionNo)).toEqual(['衢水许〔2026〕099号']);

      // A commit by another connection, as a second process on the same file (the data_version half).
      const other = new SqliteStore({ file });
      opened.push(other);
      other.db.prepare("UPDATE bulletin_entries SET project_name = '乌溪江引水工程'").run();
      const found = await search(['099']);
      expect(found.rows.map((r) => r.projectName)).toEqual(['乌溪江引水工程']);
      expect(found.rows[0]).not.toBe(first.rows[0]);
      other.db.prepare('DELETE FROM bulletin_entries').run();
      expect(await search(['099'])).toEqual({ rows: [], total: 0 });
      expect((await store.listBulletin({ limit: 20, offset: 0, countLimit: 10 })).total).toBe(0);
    });

    it('when an export reads a batch larger than a page, then it is read each time and not kept', async () => {
      const store = open();
      await publishAndItem(store);
      const batch = () => store.listBulletin({ limit: 500, offset: 0, countLimit: 0 });
      const [a, b] = [await batch(), await batch()];
      expect(a.rows.map((r) => r.decisionNo)).toEqual(['衢水许〔2026〕088号']);
      expect(b.rows[0]).not.toBe(a.rows[0]);
      expect(Object.isFrozen(a.rows[0])).toBe(false);
    });

    async function publishAndItem(store: SqliteStore) {
      const { c, staff, item } = await seedCase(store);
      await store.advanceCase({
        caseId: c.id,
        expectedVersion: c.version,
        from: 'accepted',
        event: { to: 'approved', at: at(9), staffId: staff.id, note: null, notePublic: false, decisionNo: 'X', reason: null },
        bulletin: { decisionNo: '衢水许〔2026〕088号', applicantName: '某公司', projectName: null, decidedAt: at(9), validity: '' },
        clock: clockOf(),
      });
      return { item };
    }
  });

  it('when only pending clocks are asked for, then only cases whose clock was never computed are listed', async () => {
    const store = open();
    const { c } = await seedCase(store);
    const other = await store.registerCase({
      queryNo: queryNoFor(2), itemId: c.item.id, departmentId: c.department.id,
      applicant: { name: '李四', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
      projectName: null, note: null, registeredBy: c.registeredBy, windowId: null, at: at(2), clock: clockOf(),
    });
    // As migration 002 left rows that predate the clock.
    store.db.prepare("UPDATE cases SET clock_state = 'pending', clock_rank = 9 WHERE id = ?").run(other.id);
    expect((await store.listOpenCasesForClock(0, 10, { pendingOnly: true })).map((x) => x.case.id)).toEqual([other.id]);
    expect((await store.listOpenCasesForClock(0, 10)).map((x) => x.case.id)).toEqual([c.id, other.id]);
  });

  describe('connection settings', () => {
    it.each<[string, string, unknown]>([
      ['journal_mode', 'journal_mode', 'wal'],
      ['foreign_keys', 'foreign_keys', 1],
      ['synchronous (NORMAL = 1)', 'synchronous', 1],
      ['busy_timeout', 'busy_timeout', 5000],
    ])('when a store is opened, then %s is set', (_l, pragma, value) => {
      const store = open();
      expect(store.db.pragma(pragma, { simple: true })).toBe(value);
    });

    it('when a row points at a missing parent, then the foreign key refuses it', () => {
      const store = open();
      expect(() =>
        store.db.prepare("INSERT INTO windows (department_id, code, name) VALUES (999, 'W01', 'x')").run(),
      ).toThrow(/FOREIGN KEY/);
    });
  });

  describe('stage events are an append-only log', () => {
    it.each([
      ['an UPDATE of the note', 'UPDATE stage_events SET note = ? WHERE case_id = ?', ['改过的']],
      ['an UPDATE of the stage', 'UPDATE stage_events SET to_stage = ? WHERE case_id = ?', ['approved']],
      ['a DELETE of one event', 'DELETE FROM stage_events WHERE case_id = ? AND seq = 2', []],
      ['a DELETE of all events', 'DELETE FROM stage_events WHERE case_id = ?', []],
    ])('when someone tries %s through the db handle, then it is refused and the log is unchanged', async (_l, sql, extra) => {
      const store = open();
      const { c } = await seedCase(store);
      const before = await store.listStageEvents(c.id);
      expect(() => store.db.prepare(sql).run(...extra, c.id)).toThrow(/stage events are immutable/);
      expect(await store.listStageEvents(c.id)).toEqual(before);
    });

    it('when a duplicate seq is inserted for a case, then the unique constraint refuses it', async () => {
      const store = open();
      const { c, staff } = await seedCase(store);
      expect(() =>
        store.db
          .prepare(
            "INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id) VALUES (?, 2, 'accepted', 'withdrawn', ?, ?)",
          )
          .run(c.id, at(3), staff.id),
      ).toThrow(/UNIQUE/);
    });
  });
});

describe('SqliteStore: an evaluation and its rectification task are one transaction', () => {
  it('when writing the task fails, then the evaluation is not saved either', async () => {
    const { file, removeDir } = tempDbFile();
    const store = new SqliteStore({ file });
    try {
      const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
      const staff = await store.createStaff({
        username: 'wang', displayName: '王', role: 'window_staff', departmentId: d.id, windowId: null, passwordHash: 'h', isDemo: false,
      });
      const item = await store.createItem({
        code: 'SL-001', name: '取水许可', category: '取水许可', departmentId: d.id, statutoryDays: 20, promisedDays: 10,
        resultsPublic: true, resultValidity: '', status: 'in_force',
      });
      const c = await store.registerCase({
        queryNo: queryNoFor(1), itemId: item.id, departmentId: d.id,
        applicant: { name: '张三', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
        projectName: null, note: null, registeredBy: staff.id, windowId: null, at: at(1), clock: clockOf(),
      });
      store.db.exec(`CREATE TRIGGER fail_tasks BEFORE INSERT ON rectifications BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      const scores = { efficiency: 1, quality: 1, attitude: 1 };
      // Compared by message: in a Jest worker, SqliteError comes from another realm's Error.
      const err = await store
        .createEvaluation({ caseId: c.id, level: 'very_dissatisfied', comment: null, scores, at: at(5), rectification: { dueDate: '2026-03-20' } })
        .then(() => null, (e: unknown) => e);
      expect(String((err as { message?: unknown } | null)?.message)).toMatch(/disk on fire/);
      expect(await store.findEvaluationByCase(c.id)).toBeNull();
      store.db.exec('DROP TRIGGER fail_tasks');
      await store.createEvaluation({ caseId: c.id, level: 'very_dissatisfied', comment: null, scores, at: at(6), rectification: { dueDate: '2026-03-20' } });
      expect((await store.listRectifications({ limit: 5, offset: 0 })).total).toBe(1);
    } finally {
      await store.close();
      removeDir();
    }
  });
});

describe('SqliteStore query plans of the worklist', () => {
  let store: SqliteStore;
  let removeDir: () => void;
  beforeAll(() => {
    let file: string;
    ({ file, removeDir } = tempDbFile());
    store = new SqliteStore({ file });
    store.db.exec('ANALYZE');
  });
  afterAll(async () => {
    await store.close();
    removeDir();
  });

  it.each([
    ['my department by urgency', { departmentId: 1, order: 'urgency' as const }],
    ['all departments by urgency', { order: 'urgency' as const }],
    ['overdue in my department', { departmentId: 1, clockState: 'running' as const, dueTo: '2026-11-26', order: 'urgency' as const }],
    ['due soon in my department', { departmentId: 1, clockState: 'running' as const, dueFrom: '2026-11-27', dueTo: '2026-12-01', order: 'urgency' as const }],
  ])('when listing %s, then one indexed query with no sort step', (_label, filter) => {
    const q = listCasesQuery({ ...filter, limit: 25, offset: 0 });
    const plan = store.queryPlan(q.rowsSql, [...q.params, 25, 0]);
    expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX cases_(department_)?urgency_ix/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN c\b(?! USING)/);
    const count = store.queryPlan(q.countSql, q.params);
    expect(count.join('\n')).not.toMatch(/SCAN c$|SCAN cases$/m);
  });

  it.each([
    ['my department, latest first', { departmentId: 1 }, 'cases_department_updated_ix'],
    ['all departments, latest first', {}, 'cases_updated_ix'],
    ['my department in one stage, latest first', { departmentId: 1, stage: 'submitted' as const }, 'cases_department_stage_ix'],
    ['one stage, latest first', { stage: 'accepted' as const }, 'cases_stage_ix'],
    ['one item, latest first', { itemId: 1 }, 'cases_item_ix'],
  ])('when listing %s, then its index gives the order with no sort step', (_label, filter, index) => {
    const q = listCasesQuery({ ...filter, order: 'updated', limit: 25, offset: 0 });
    const plan = store.queryPlan(q.rowsSql, [...q.params, 25, 0]).join('\n');
    expect(plan).toMatch(new RegExp(`(SEARCH|SCAN) c USING (COVERING )?INDEX ${index}\\b`));
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN c\b(?! USING)/);
  });
});

describe('SqliteStore query plans of the public pages', () => {
  let store: SqliteStore;
  let removeDir: () => void;
  beforeAll(() => {
    let file: string;
    ({ file, removeDir } = tempDbFile());
    store = new SqliteStore({ file });
    store.db.exec('ANALYZE');
  });
  afterAll(async () => {
    await store.close();
    removeDir();
  });

  /** Every table read through an index or a primary key; no full scan, no sort of the result. */
  function expectIndexed(plan: string[]) {
    for (const step of plan) {
      if (/^(CO-ROUTINE|SCAN s$|SCAN \(subquery|CORRELATED SCALAR SUBQUERY \d+$)/.test(step)) continue;
      expect(step).toMatch(/^SEARCH \w+ USING (COVERING )?(INDEX \w+|INTEGER PRIMARY KEY)|^SCAN \w+ USING (COVERING )?INDEX \w+|^SCAN bulletin_search VIRTUAL TABLE INDEX \d+:M/);
    }
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  }

  it('when finding a case by its query number, then the unique index on query_no is used', () => {
    const plan = store.queryPlan(HOT_QUERIES.caseByQueryNo, ['ABCDEFGHJKLM']);
    expect(plan[0]).toMatch(/^SEARCH c USING INDEX sqlite_autoindex_cases_\d \(query_no=\?\)/);
    expectIndexed(plan);
  });

  it.each([['openClockCases' as const], ['pendingClockCases' as const]])(
    'when listing %s for the clock recompute, then the urgency index is read, not the table',
    (query) => {
      const plan = store.queryPlan(HOT_QUERIES[query], [0, 500]).join('\n');
      expect(plan).toMatch(/SEARCH cases USING COVERING INDEX cases_urgency_ix \(clock_rank=\?\)/);
      expect(plan).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan).not.toMatch(/SCAN c\b|SCAN cases\b/);
    },
  );

  it('when looking for unsealed events at start, then only the partial index of unsealed events is read', () => {
    const plan = store.queryPlan(HOT_QUERIES.unsealedEvents, []);
    expect(plan[0]).toMatch(/^SCAN stage_events USING (COVERING )?INDEX stage_events_unsealed_ix/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('when listing the stage events of a case, then the (case_id, seq) index gives them in order', () => {
    const plan = store.queryPlan(HOT_QUERIES.stageEventsOfCase, [1]);
    expect(plan[0]).toMatch(/^SEARCH e USING INDEX sqlite_autoindex_stage_events_\d \(case_id=\?\)/);
    expectIndexed(plan);
  });

  it('when the public lookup reads a case and its events, then the query number and (case_id, seq) indexes are used, with no sort', () => {
    const plan = store.queryPlan(HOT_QUERIES.publicCaseByQueryNo, ['X']);
    expect(plan[0]).toMatch(/^SEARCH c USING INDEX sqlite_autoindex_cases_\d \(query_no=\?\)/);
    expect(plan.some((p) => /SEARCH e USING INDEX sqlite_autoindex_stage_events_\d \(case_id=\?\)/.test(p))).toBe(true);
    expect(plan.some((p) => /TEMP B-TREE/.test(p))).toBe(false);
    expectIndexed(plan);
  });

  it('when listing the bulletin newest first, then the search_key index is read in order', () => {
    const plan = store.queryPlan(HOT_QUERIES.bulletinPage, [0n, 1n << 62n, 20, 0]);
    expect(plan[0]).toMatch(/^SEARCH b USING INDEX bulletin_entries_search_key_uq \(search_key>\? AND search_key<\?\)/);
    expectIndexed(plan);
  });

  it.each([['取水'], ['土地登记'], ['衢州巨化新材料有限公司']])(
    'when searching the bulletin for %s, then the FTS index answers in forward order and entries are found by key',
    (keyword) => {
      const plan = store.queryPlan(HOT_QUERIES.bulletinSearchPage, [matchExpression([keyword]), 0n, 1n << 62n, 20, 0]);
      expect(plan.join('\n')).toMatch(/SCAN bulletin_search VIRTUAL TABLE INDEX \d+:M/);
      expect(plan.join('\n')).toMatch(/SEARCH b USING INDEX bulletin_entries_search_key_uq \(search_key=\?\)/);
      // FTS5's plan number: 0x40 ordered by rowid, 0x80 descending. Forward order stops after a page.
      const ftsPlan = Number(/VIRTUAL TABLE INDEX (\d+):/.exec(plan.join('\n'))?.[1]);
      expect([ftsPlan & 0x40, ftsPlan & 0x80]).toEqual([0x40, 0]);
      expect(plan.some((p) => /TEMP B-TREE/.test(p))).toBe(false);
      expectIndexed(plan);
    },
  );
});
