import type { Deps } from '../../src/services/deps';
import { CalendarService } from '../../src/services/clock';
import { exportBatches, exportSize, NO_SEARCH, searchBulletin, BULLETIN_COUNT_CAP } from '../../src/services/bulletin';
import { publishEntry } from '../helpers/bulletin-fixture';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('bulletin services', () => {
  let t: TestApp;
  let deps: Deps;
  beforeEach(async () => {
    t = await createTestApp();
    deps = { store: t.store, clock: { now: () => new Date('2026-03-05T00:00:00Z') }, config: t.config, randomQueryBody: () => '23456789ABC', calendars: new CalendarService(t.store) };
  });
  afterEach(() => t.cleanup());

  async function publishMany(n: number) {
    for (let i = 0; i < n; i++) {
      await publishEntry(t, {
        item: i % 2 ? t.items.land : t.items.water,
        applicant: { name: `衢州市第${i}建设有限公司`, kind: 'organization' },
        projectName: null,
        decisionNo: `衢许〔2026〕${100 + i}号`,
        // Same decision time for some, to check that keyset paging neither skips nor repeats ties.
        decidedAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 2))).toISOString(),
      });
    }
  }

  it('when an export is read in batches, then every entry comes once, newest first, with one store call per batch', async () => {
    await publishMany(7);
    const all = (await t.store.listBulletin({ limit: 50, offset: 0 })).rows.map((r) => r.decisionNo);
    const spy = jest.spyOn(t.store, 'listBulletin');
    const batches: string[][] = [];
    for await (const rows of exportBatches(deps, NO_SEARCH, { batch: 3 })) batches.push(rows.map((r) => r.decisionNo));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat()).toEqual(all);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const call of spy.mock.calls.slice(0, 3)) expect(call[0]).toMatchObject({ offset: 0, countLimit: 0 });
    expect(spy.mock.calls[1][0].after).toBeDefined();
  });

  it('when an export holds more than the maximum, then it stops at the maximum and says it was cut', async () => {
    await publishMany(7);
    const rows: string[] = [];
    for await (const batch of exportBatches(deps, NO_SEARCH, { batch: 3, max: 5 })) rows.push(...batch.map((r) => r.decisionNo));
    expect(rows).toHaveLength(5);
    expect(await exportSize(deps, NO_SEARCH, 5)).toEqual({ count: 5, truncated: true });
    expect(await exportSize(deps, NO_SEARCH, 7)).toEqual({ count: 7, truncated: false });
  });

  it('when an export is filtered, then only matching entries come', async () => {
    await publishMany(7);
    const rows: string[] = [];
    for await (const batch of exportBatches(deps, { ...NO_SEARCH, department: 'GTJ' }, { batch: 2 })) {
      rows.push(...batch.map((r) => r.decisionNo));
    }
    expect(rows).toEqual(['衢许〔2026〕105号', '衢许〔2026〕103号', '衢许〔2026〕101号']);
  });

  it('when a search matches more than the count cap, then total is the cap and marked inexact', async () => {
    await publishMany(2);
    const spy = jest.spyOn(t.store, 'listBulletin').mockResolvedValueOnce({ rows: [], total: BULLETIN_COUNT_CAP + 1 });
    const r = await searchBulletin(deps, NO_SEARCH, 1);
    expect(spy.mock.calls[0][0].countLimit).toBe(BULLETIN_COUNT_CAP + 1);
    expect(r).toMatchObject({ total: BULLETIN_COUNT_CAP, totalExact: false });
    expect(await searchBulletin(deps, NO_SEARCH, 1)).toMatchObject({ total: 2, totalExact: true });
  });

  it('when the filter has Beijing dates, then the store is asked for the UTC instants of those days', async () => {
    const spy = jest.spyOn(t.store, 'listBulletin');
    await searchBulletin(deps, { ...NO_SEARCH, from: '2026-03-02', to: '2026-03-02' }, 1);
    expect(spy.mock.calls[0][0]).toMatchObject({
      decidedFrom: '2026-03-01T16:00:00.000Z',
      decidedBefore: '2026-03-02T16:00:00.000Z',
    });
  });
});
