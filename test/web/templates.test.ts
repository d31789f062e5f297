import fs from 'node:fs';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { caseDriver } from '../helpers/cases';
import { manualClock } from '../helpers/test-app';

/** "Templates compiled once; no per-request file reads": a warm render does not touch the disk. */
describe('page rendering', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), ACCESS_LOG: 'off' });
  });
  afterAll(() => t.cleanup());

  it('when pages have been rendered once, then rendering them again reads, stats and checks no file', async () => {
    const queryNo = await caseDriver(t, manualClock('2026-03-02T02:00:00.000Z')).register('2026-03-02T10:00:00+08:00');
    const pages = ['/', `/lookup?no=${queryNo}`, '/lookup?no=ABCD', '/bulletin', '/items', '/kiosk', '/staff/login', '/no-such-page'];
    for (const p of pages) await request(t.app).get(p);
    const touched: string[] = [];
    const spies = (['existsSync', 'readFileSync', 'statSync', 'lstatSync', 'readFile', 'stat', 'openSync'] as const).map((name) =>
      jest.spyOn(fs, name as 'existsSync').mockImplementation(((...args: unknown[]) => {
        touched.push(`${name} ${String(args[0])}`);
        return (jest.requireActual('node:fs') as Record<string, (...a: unknown[]) => unknown>)[name](...args);
      }) as never),
    );
    try {
      for (const p of pages) {
        const res = await request(t.app).get(p);
        expect([200, 400, 404]).toContain(res.status);
        expect(res.text).toContain('</html>');
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(touched.filter((f) => /\.ejs$|views/.test(f))).toEqual([]);
  });
});
