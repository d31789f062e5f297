import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { prepareApp } from '../../src/start';
import { copySqliteToPostgres } from '../../src/store/postgres/copy-from-sqlite';
import { PgStore } from '../../src/store/postgres/pg-store';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Store } from '../../src/store/store';
import { describePg, dropSchema, freshSchemaName, usePgServer } from '../helpers/pg';

jest.setTimeout(120_000);

describePg('npm run migrate-to-postgres', () => {
  const url = usePgServer();
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-copy-'));
    file = path.join(dir, 'tracker.sqlite');
    // The demo data fills every table: cases in every stage, bulletin, evaluations, disclosures, audit…
    const { store, visits } = await prepareApp(loadConfig({ DATABASE_FILE: file, UPLOAD_DIR: path.join(dir, 'uploads'), NODE_ENV: 'test' }));
    visits.record();
    await visits.flush();
    const reviewer = await store.createStaff({
      username: 'office2', displayName: '办公室审核二', role: 'office_reviewer', departmentId: null, windowId: null, passwordHash: 'h', isDemo: false,
    });
    expect(reviewer.role).toBe('office_reviewer');
    await store.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What the app reads, through the Store interface, for comparing the two databases. */
  async function snapshot(store: Store) {
    const cases = (await store.listCases({ limit: 10_000, offset: 0 })).rows;
    const events = await Promise.all(cases.map((c) => store.listStageEvents(c.id)));
    const requests = (await store.listDisclosureRequests({ limit: 10_000, offset: 0 })).rows;
    const reports = await store.listDisclosureReports();
    const entries = (await store.listDisclosureEntries({ limit: 500, offset: 0 })).rows;
    return {
      requests,
      requestEvents: await Promise.all(requests.map((r) => store.listDisclosureRequestEvents(r.id))),
      requestFiles: await Promise.all(requests.map((r) => store.listDisclosureRequestFiles(r.id))),
      requestFees: await Promise.all(requests.map((r) => store.listDisclosureRequestFees(r.id))),
      requestReviews: await Promise.all(requests.map((r) => store.listDisclosureRequestReviews(r.id))),
      reports,
      reportReads: await Promise.all(
        reports.map(async (r) => [
          await store.listDisclosureRequestsForReport(r.year),
          await store.listDisclosureFeesForReport(r.year),
          await store.listDisclosureReviewsForReport(r.year),
        ]),
      ),
      entryFiles: await Promise.all(entries.map((e) => store.listDisclosureEntryFiles(e.id))),
      authEvents: await store.listAuthEvents({ limit: 10_000, offset: 0 }),
      cases,
      events,
      heads: await Promise.all(cases.map((c) => store.chainHead(c.id))),
      staff: await store.listStaff(),
      items: await store.listItems({ inForceOnly: false }),
      bulletin: await store.listBulletin({ limit: 500, offset: 0 }),
      search2: await store.listBulletin({ keywords: ['取水'], limit: 500, offset: 0 }),
      search4: await store.listBulletin({ keywords: ['有限公司'], category: '取水许可', limit: 500, offset: 0 }),
      audit: await store.listAudit({ limit: 10_000, offset: 0 }),
      rectifications: await store.listRectifications({ limit: 500, offset: 0 }),
      disclosures: await store.listDisclosureEntries({ limit: 500, offset: 0 }),
      visits: await store.getSiteVisits(),
      intermediaries: await store.listIntermediaries(),
      laws: await store.listLaws({ limit: 500, offset: 0 }),
      calendar: await store.listCalendarOverrides(),
    };
  }

  it('copies every table with matching counts, and the app reads the same data from both; new rows get fresh ids', async () => {
    const schema = freshSchemaName();
    const lines: string[] = [];
    try {
      const report = await copySqliteToPostgres({ sqliteFile: file, databaseUrl: url(), schema, log: (l) => lines.push(l) });
      const tables = report.tables.map((t) => t.table);
      expect(tables.indexOf('departments')).toBeLessThan(tables.indexOf('cases'));
      expect(tables.indexOf('cases')).toBeLessThan(tables.indexOf('stage_events'));
      const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
      expect(rows.cases).toBeGreaterThan(30);
      expect(rows.bulletin_entries).toBeGreaterThan(100);
      expect(rows.audit_log).toBeGreaterThan(0);
      expect(rows.disclosure_requests).toBeGreaterThan(5);
      expect(rows.disclosure_request_events).toBeGreaterThan(rows.disclosure_requests);
      expect(rows.disclosure_reports).toBeGreaterThanOrEqual(1);
      expect(lines).toHaveLength(report.tables.length);

      const sqlite = new SqliteStore({ file });
      const pg = await PgStore.open({ connectionString: url(), schema });
      try {
        const [a, b] = [await snapshot(sqlite), await snapshot(pg)];
        expect(b.search2.total).toBeGreaterThan(0);
        expect(b.reports[0].snapshotJson).not.toBeNull();
        expect(b.reportReads[0][0].length).toBeGreaterThan(0);
        expect(b).toEqual(a);
        expect(b.staff.find((s) => s.username === 'office2')?.role).toBe('office_reviewer');
        const maxDept = Math.max(...(await pg.listDepartments()).map((d) => d.id));
        expect((await pg.createDepartment({ code: 'NEW', name: '新部门' })).id).toBe(maxDept + 1);
      } finally {
        await sqlite.close();
        await pg.close();
      }
    } finally {
      await dropSchema(url(), schema);
    }
  });

  it('when the PostgreSQL database already has data, then nothing is copied', async () => {
    const schema = freshSchemaName();
    try {
      const pg = await PgStore.open({ connectionString: url(), schema });
      await pg.createDepartment({ code: 'X', name: '已有数据' });
      await pg.close();
      await expect(copySqliteToPostgres({ sqliteFile: file, databaseUrl: url(), schema })).rejects.toThrow(/not empty/);
      const again = await PgStore.open({ connectionString: url(), schema });
      expect((await again.listDepartments()).map((d) => d.code)).toEqual(['X']);
      await again.close();
    } finally {
      await dropSchema(url(), schema);
    }
  });
});
