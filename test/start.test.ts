import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DEFAULT_DEMO_PASSWORD, loadConfig } from '../src/config';
import * as passwords from '../src/services/passwords';
import { hashPassword } from '../src/services/passwords';
import { STAGES } from '../src/domain/stages';
import { prepareApp } from '../src/start';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';

describe('start-up', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-start-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, 'tracker.sqlite');

  it('loads demo data into an empty database once, covering every stage, and the demo accounts log in', async () => {
    const config = loadConfig({ DATABASE_FILE: file(), UPLOAD_DIR: path.join(dir, 'uploads'), NODE_ENV: 'test' });
    const first = await prepareApp(config);
    expect(first.demoLoaded).toBe(true);
    const cases = await first.store.listCases({ limit: 1000, offset: 0 });
    expect(cases.total).toBeGreaterThanOrEqual(36);
    expect(new Set(cases.rows.map((c) => c.stage))).toEqual(new Set(STAGES));
    expect(cases.rows.filter((c) => c.clock.state === 'pending')).toEqual([]);
    expect(cases.rows.some((c) => c.clock.state === 'running' && c.clock.dueDate)).toBe(true);
    expect((await first.store.listDepartments()).length).toBeGreaterThanOrEqual(4);
    expect((await first.store.listItems({ inForceOnly: true })).length).toBeGreaterThanOrEqual(12);
    const items = await request(first.app).get('/api/v1/items').expect(200);
    expect(items.body.map((i: { category: string }) => i.category)).toEqual(
      expect.arrayContaining(['企业资质审批', '取水许可', '水土保持方案', '土地登记']),
    );
    await request(first.app).post('/api/v1/auth/token').send({ username: 'shuili', password: config.demoPassword }).expect(200);
    const bulletin = await request(first.app).get('/api/v1/bulletin').expect(200);
    expect(bulletin.body.total).toBeGreaterThanOrEqual(100);
    // 好差评: completed cases are rated, mostly satisfied; one 差评 rectified, one still open.
    const completed = cases.rows.filter((c) => c.stage === 'completed');
    const evaluations = (await Promise.all(completed.map((c) => first.store.findEvaluationByCase(c.id)))).filter((e) => e !== null);
    expect(evaluations).toHaveLength(completed.length);
    const good = evaluations.filter((e) => e.level === 'very_satisfied' || e.level === 'satisfied');
    expect(good.length / evaluations.length).toBeGreaterThan(0.6);
    const tasks = await first.store.listRectifications({ limit: 50, offset: 0 });
    expect(tasks.rows.map((r) => r.status).sort()).toEqual(['closed', 'open']);
    await first.store.close();

    const second = await prepareApp(config);
    expect(second.demoLoaded).toBe(false);
    // The demo starts the counter where a working center's would be (its annual report quotes it).
    const visitsBefore = await second.store.getSiteVisits();
    expect(visitsBefore).toBeGreaterThan(1_000_000);
    second.visits.record();
    await second.visits.flush();
    expect(await second.store.getSiteVisits()).toBe(visitsBefore + 1);
    expect((await second.store.listCases({ limit: 1, offset: 0 })).total).toBe(cases.total);
    await second.store.close();
  });

  it('with DEMO_DATA=off, an empty database stays empty', async () => {
    const { store, demoLoaded } = await prepareApp(loadConfig({ DATABASE_FILE: file(), DEMO_DATA: 'off' }));
    expect(demoLoaded).toBe(false);
    expect(await store.isEmpty()).toBe(true);
    await store.close();
  });

  it('in production, refuses to start while a demo account has the default password', async () => {
    await expect(
      prepareApp(loadConfig({ DATABASE_FILE: file(), NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) })),
    ).rejects.toThrow(/default demo password/);
  });

  it('in production, a passed demo-password check is remembered until a demo account changes', async () => {
    const base = { DATABASE_FILE: file(), UPLOAD_DIR: path.join(dir, 'uploads') };
    const loaded = await prepareApp(loadConfig({ ...base, NODE_ENV: 'test' }));
    const sqlite = loaded.store as SqliteStore;
    const demoIds = (await sqlite.listDemoStaff()).map((s) => s.id);
    expect(demoIds.length).toBeGreaterThan(0);
    const setHash = sqlite.db.prepare('UPDATE staff SET password_hash = ? WHERE id = ?');
    const changed = await hashPassword('Changed-Demo-Passw0rd!');
    for (const id of demoIds) setHash.run(changed, id);
    await sqlite.close();

    const production = loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) });
    const verify = jest.spyOn(passwords, 'verifyPassword');
    try {
      await (await prepareApp(production)).store.close();
      expect(verify).toHaveBeenCalledTimes(demoIds.length);
      verify.mockClear();
      await (await prepareApp(production)).store.close();
      expect(verify).not.toHaveBeenCalled();

      const again = new SqliteStore({ file: file() });
      again.db.prepare('UPDATE staff SET password_hash = ? WHERE id = ?').run(await hashPassword(DEFAULT_DEMO_PASSWORD), demoIds[0]);
      await again.close();
      await expect(prepareApp(production)).rejects.toThrow(/default demo password/);
    } finally {
      verify.mockRestore();
    }
  }, 60_000);

  it('keeps a generated session secret in the database when none is configured', async () => {
    const config = loadConfig({ DATABASE_FILE: file(), DEMO_DATA: 'off' });
    const a = await prepareApp(config);
    await a.store.close();
    const store = new SqliteStore({ file: file() });
    const secret = await store.getSetting('session_secret');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    await store.close();
  });
});
