import request from 'supertest';
import { createApp } from '../../src/app';
import { VisitCounter } from '../../src/services/visit-counter';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('site visit counter (网上办事大厅累计访问量)', () => {
  let t: TestApp;
  let now: number;
  const clock = { now: () => new Date(now) };
  beforeEach(async () => {
    t = await createTestApp();
    now = Date.parse('2026-03-02T01:00:00Z');
  });
  afterEach(() => t.cleanup());

  function appWith(counter: VisitCounter, store: SqliteStore = t.store) {
    return createApp({ store, config: t.config, sessionSecret: 'test-secret-test-secret-test-secret!', log: () => {}, visitCounter: counter });
  }
  const shownCount = (html: string) => Number(/累计访问量：<strong>([\d,]+)<\/strong> 人次/.exec(html)?.[1].replace(/,/g, ''));

  it('when the home page is viewed, then it shows the count of earlier views, unflushed ones included', async () => {
    const app = appWith(new VisitCounter(t.store, clock, { flushEveryViews: 1000, flushEveryMs: 3_600_000 }));
    const first = await request(app).get('/').expect(200);
    expect(first.text).toContain('网上办事大厅累计访问量');
    expect(shownCount(first.text)).toBe(0);
    await request(app).get('/').expect(200);
    const third = await request(app).get('/').expect(200);
    expect(shownCount(third.text)).toBe(2);
    expect(await t.store.getSiteVisits()).toBe(0);
  });

  it('when views pass the batch size, then the store is written once per batch, not once per view', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 3, flushEveryMs: 3_600_000 });
    const writes = jest.spyOn(t.store, 'addSiteVisits');
    const app = appWith(counter);
    for (let i = 0; i < 7; i++) await request(app).get(i % 2 ? '/bulletin' : '/').expect(200);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(writes.mock.calls).toEqual([[3], [3]]);
    expect(await t.store.getSiteVisits()).toBe(6);
    expect(await counter.total()).toBe(7);
    await counter.flush();
    expect(writes).toHaveBeenCalledTimes(3);
    expect(await t.store.getSiteVisits()).toBe(7);
  });

  it('when the flush interval has passed, then the next view writes everything waiting (clock injected, no sleep)', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 1000, flushEveryMs: 30_000 });
    const writes = jest.spyOn(t.store, 'addSiteVisits');
    const app = appWith(counter);
    await request(app).get('/').expect(200);
    now += 29_000;
    await request(app).get('/').expect(200);
    expect(writes).not.toHaveBeenCalled();
    now += 1_000;
    await request(app).get('/').expect(200);
    expect(writes.mock.calls).toEqual([[3]]);
    now += 10_000;
    await request(app).get('/').expect(200);
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('when only static files, the API, the health check, feeds, downloads, staff and error pages are requested, then nothing is counted', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 1, flushEveryMs: 3_600_000 });
    const app = appWith(counter);
    await request(app).get('/static/css/site.css').expect(200);
    await request(app).get('/static/css/missing.css').expect(404);
    await request(app).get('/api/v1/items').expect(200);
    await request(app).get('/api/v1/bulletin').expect(200);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/bulletin/feed.atom').expect(200);
    await request(app).get('/bulletin/export.csv').expect(200);
    await request(app).get('/bulletin/export.json').expect(200);
    await request(app).get('/staff/login').expect(200);
    await request(app).get('/no-such-page').expect(404);
    await request(app).get('/bulletin?page=0').expect(400);
    await request(app).head('/').expect(200);
    await counter.flush();
    expect(await t.store.getSiteVisits()).toBe(0);
    await request(app).get('/bulletin').expect(200);
    await request(app).get('/lookup?no=').expect(400);
    await counter.flush();
    expect(await t.store.getSiteVisits()).toBe(1);
  });

  it('when the app is restarted after a flush on shutdown, then the count carries on from the stored value', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 1000, flushEveryMs: 3_600_000 });
    const app = appWith(counter);
    for (let i = 0; i < 4; i++) await request(app).get('/').expect(200);
    await counter.flush(); // what server.ts does on SIGTERM, before closing the store
    await t.store.close();

    const reopened = new SqliteStore({ file: t.config.databaseFile });
    try {
      const again = appWith(new VisitCounter(reopened, clock, { flushEveryViews: 1000, flushEveryMs: 3_600_000 }), reopened);
      const res = await request(again).get('/').expect(200);
      expect(shownCount(res.text)).toBe(4);
      expect(await reopened.getSiteVisits()).toBe(4);
    } finally {
      await reopened.close();
    }
  });

  it('when a write fails, then the views are kept and go out with the next flush', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 1000, flushEveryMs: 3_600_000 });
    for (let i = 0; i < 3; i++) counter.record();
    jest.spyOn(t.store, 'addSiteVisits').mockRejectedValueOnce(new Error('disk full'));
    await expect(counter.flush()).rejects.toThrow('disk full');
    expect(await counter.total()).toBe(3);
    counter.record();
    await counter.flush();
    expect(await t.store.getSiteVisits()).toBe(4);
  });

  it('when flushes overlap, then each view is written exactly once', async () => {
    const counter = new VisitCounter(t.store, clock, { flushEveryViews: 2, flushEveryMs: 3_600_000 });
    for (let i = 0; i < 9; i++) counter.record();
    await Promise.all([counter.flush(), counter.flush()]);
    expect(await t.store.getSiteVisits()).toBe(9);
    expect(await counter.total()).toBe(9);
  });
});
