import { PG_MIGRATIONS_DIR } from '../../src/paths';
import { readMigrations } from '../../src/store/migrate';
import { PgStore, toPgPlaceholders } from '../../src/store/postgres/pg-store';
import { DuplicateQueryNoError } from '../../src/store/store';
import { describePg, dropSchema, useTruncatedPgStores, freshSchemaName, openTestPgStore, usePgServer } from '../helpers/pg';
import { at, clockOf, queryNoFor, runStoreContract } from './store-contract';

describe('toPgPlaceholders', () => {
  it('when SQL has ? placeholders, then they are numbered and a ? inside a literal is kept', () => {
    expect(toPgPlaceholders("SELECT ? AS a, '?' AS b WHERE x = ? AND y = 'it''s?'")).toBe(
      "SELECT $1 AS a, '?' AS b WHERE x = $2 AND y = 'it''s?'",
    );
  });
});

describePg('PgStore', () => {
  const url = usePgServer();

  runStoreContract('PgStore', useTruncatedPgStores(url));

  describe('PgStore specifics', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    async function open() {
      const s = await openTestPgStore(url());
      cleanups.push(s.cleanup);
      return s;
    }

    async function seedCase(store: PgStore) {
      const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
      const staff = await store.createStaff({
        username: 'wang', displayName: '王收件', role: 'window_staff', departmentId: d.id, windowId: null, passwordHash: 'h', isDemo: false,
      });
      const item = await store.createItem({
        code: 'SL-001', name: '取水许可', category: '取水许可', departmentId: d.id, statutoryDays: 20, promisedDays: 10,
        resultsPublic: true, resultValidity: '', status: 'in_force',
      });
      let c = await store.registerCase({
        queryNo: queryNoFor(1), itemId: item.id, departmentId: d.id,
        applicant: { name: '张三', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
        projectName: null, note: null, registeredBy: staff.id, windowId: null, at: at(1), clock: clockOf(),
      });
      c = await store.advanceCase({
        caseId: c.id, expectedVersion: 1, from: 'submitted',
        event: { to: 'accepted', at: at(2), staffId: staff.id, note: '受理', notePublic: false, decisionNo: null, reason: null },
        clock: clockOf(),
      });
      return { c, staff, item, d };
    }

    it('when a schema is opened, then every PostgreSQL migration is recorded once in schema_migrations', async () => {
      const { store } = await open();
      const rows = (await store.pool.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
      expect(rows.map((r) => [r.version, r.name])).toEqual(readMigrations(PG_MIGRATIONS_DIR).map((m) => [m.version, m.name]));
    });

    it('when several instances start at once on an empty schema, then the migrations run once and all of them work', async () => {
      const schema = freshSchemaName();
      cleanups.push(() => dropSchema(url(), schema));
      const stores = await Promise.all([1, 2, 3, 4].map(() => PgStore.open({ connectionString: url(), schema, poolSize: 2 })));
      try {
        const n = await stores[0].pool.query('SELECT COUNT(*) AS n FROM schema_migrations');
        expect(n.rows[0].n).toBe(readMigrations(PG_MIGRATIONS_DIR).length);
        await stores[1].createDepartment({ code: 'D01', name: '市水利局' });
        expect(await stores[3].listDepartments()).toHaveLength(1);
      } finally {
        for (const s of stores) await s.close();
      }
    });

    it('when someone updates or deletes a stage event directly, then the trigger refuses it', async () => {
      const { store } = await open();
      const { c } = await seedCase(store);
      await expect(store.pool.query("UPDATE stage_events SET note = '改过的' WHERE case_id = $1", [c.id])).rejects.toThrow(
        /stage events are immutable/,
      );
      await expect(store.pool.query('DELETE FROM stage_events WHERE case_id = $1', [c.id])).rejects.toThrow(/stage events are immutable/);
      expect((await store.listStageEvents(c.id)).map((e) => e.note)).toEqual([null, '受理']);
    });

    it('when the same case is moved by two requests at once, then exactly one wins and the other gets a stale version', async () => {
      const { store } = await open();
      const { c, staff } = await seedCase(store);
      const move = (to: 'approved' | 'denied') =>
        store.advanceCase({
          caseId: c.id, expectedVersion: c.version, from: 'accepted',
          event: { to, at: at(5), staffId: staff.id, note: null, notePublic: false, decisionNo: null, reason: null },
          clock: clockOf(null),
        });
      const results = await Promise.allSettled([move('approved'), move('denied')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toHaveProperty('code', 'stale_version');
      expect(await store.listStageEvents(c.id)).toHaveLength(3);
    });

    it('when a case and a disclosure request take the same 查询号 at the same moment, then exactly one gets it', async () => {
      const { store } = await open();
      const { staff, item, d } = await seedCase(store);
      const race = async (n: number) => {
        const queryNo = queryNoFor(100 + n);
        const results = await Promise.allSettled([
          store.registerCase({
            queryNo, itemId: item.id, departmentId: d.id,
            applicant: { name: '李四', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
            projectName: null, note: null, registeredBy: staff.id, windowId: null, at: at(3), clock: clockOf(),
          }),
          store.createDisclosureRequest({
            queryNo, applicantKind: 'person', applicantName: '王五', idNumber: '11010519491231002X', contactPerson: null,
            phone: '13812345678', email: null, address: null, description: '申请公开事项', deliveryForm: 'email',
            receivedAt: at(3), receivedOn: '2026-03-02', dueOn: null,
          }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateQueryNoError);
        const holders = (await store.findCaseByQueryNo(queryNo) ? 1 : 0) + ((await store.findDisclosureRequestByQueryNo(queryNo)) ? 1 : 0);
        expect(holders).toBe(1);
      };
      await Promise.all(Array.from({ length: 8 }, (_, n) => race(n)));
    });

    it('when two workers claim the outbox at the same moment, then no message is handed to both', async () => {
      const { store } = await open();
      const { c } = await seedCase(store);
      const messages = Array.from({ length: 30 }, (_, i) => ({
        channel: 'email' as const, recipient: `a${i}@example.cn`, subject: 's', body: 'b', dedupeKey: `k${i}`,
      }));
      await store.enqueueOutbox(c.id, messages, at(3));
      const now = at(10);
      const claims = await Promise.all([1, 2, 3].map(() => store.claimOutbox(now, at(20), 12)));
      const ids = claims.flat().map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(30);
    });

    it('when an item is renamed, then its bulletin entries are found under the new name only', async () => {
      const { store } = await open();
      const { c, staff, item, d } = await seedCase(store);
      await store.advanceCase({
        caseId: c.id, expectedVersion: c.version, from: 'accepted',
        event: { to: 'approved', at: at(9), staffId: staff.id, note: null, notePublic: false, decisionNo: 'X', reason: null },
        bulletin: { decisionNo: '衢水许〔2026〕088号', applicantName: '某公司', projectName: null, decidedAt: at(9), validity: '' },
        clock: clockOf(null),
      });
      const admin = await store.createStaff({
        username: 'admin', displayName: '管理员', role: 'admin', departmentId: null, windowId: null, passwordHash: 'h', isDemo: false,
      });
      await store.saveItemGuide(
        {
          item: { code: item.code, name: '地表水取用许可', category: '水资源', departmentId: d.id, statutoryDays: 20, promisedDays: 10,
            resultsPublic: true, resultValidity: '', status: 'in_force', itemType: '行政许可', caseType: '承诺件' },
          details: { conditions: '', windowId: null, serviceHours: '', consultPhone: '', complaintPhone: '', visits: 1, feeNote: '' },
          materials: [], steps: [], specialProcedures: [], fees: [], laws: [],
        },
        { staffId: admin.id, at: at(10) },
        item.id,
      );
      const find = (o: object) => store.listBulletin({ limit: 10, offset: 0, ...o }).then((p) => p.total);
      expect(await find({ keywords: ['地表水'] })).toBe(1);
      expect(await find({ keywords: ['取水'] })).toBe(0);
      expect(await find({ category: '水资源' })).toBe(1);
      expect(await find({ category: '取水许可' })).toBe(0);
    });

    it('when a 2-character keyword is searched, then the bigram GIN index is used, not a scan of every entry', async () => {
      const { store } = await open();
      const client = await store.pool.connect();
      let plan: string;
      try {
        // An empty table would be scanned whatever the indexes; the question is whether one fits.
        await client.query('SET enable_seqscan = off');
        plan = (
          await client.query(
            "EXPLAIN SELECT id FROM bulletin_entries b WHERE b.search_grams @> ARRAY['取水']::text[] AND b.search_text LIKE '%取水%'",
          )
        ).rows.map((r) => String(r['QUERY PLAN'])).join('\n');
      } finally {
        client.release();
      }
      expect(plan).toMatch(/bulletin_entries_grams_ix/);
    });
  });
});
