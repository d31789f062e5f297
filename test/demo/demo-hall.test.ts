import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { prepareApp } from '../../src/start';
import type { Store } from '../../src/store/store';
import type { Express } from 'express';

/** The demo hall is loaded once for this file; each test only reads it. */
describe('demo service hall', () => {
  let dir: string;
  let store: Store;
  let app: Express;
  let ms: number;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-demo-'));
    const started = Date.now();
    ({ store, app } = await prepareApp(
      loadConfig({ NODE_ENV: 'test', DATABASE_FILE: path.join(dir, 'd.sqlite'), UPLOAD_DIR: path.join(dir, 'uploads') }),
    ));
    ms = Date.now() - started;
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the demo is loaded, then it is quick and has 30+ items in 6+ departments, 40+ laws, some repealed', async () => {
    expect(ms).toBeLessThan(8000);
    const items = await store.listItems({ inForceOnly: false });
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(new Set(items.map((i) => i.departmentId)).size).toBeGreaterThanOrEqual(6);
    const laws = await store.listLaws({ limit: 1000, offset: 0 });
    expect(laws.total).toBeGreaterThanOrEqual(40);
    expect(laws.rows.some((l) => l.status === 'repealed')).toBe(true);
    expect((await store.listIntermediaries()).length).toBeGreaterThanOrEqual(3);
    const changes = await store.listItemChanges({ limit: 50, offset: 0 });
    expect(changes.rows.map((c) => c.kind)).toEqual(expect.arrayContaining(['cancel', 'delegate']));
  });

  it('when every item guide is read, then each has conditions, 2–6 materials, steps and a legal basis, and most materials have a form', async () => {
    const items = await store.listItems({ inForceOnly: false });
    let materials = 0;
    let withForm = 0;
    for (const i of items) {
      const g = await store.findItemGuide(i.code);
      expect(g?.details.conditions).not.toBe('');
      expect(g?.materials.length).toBeGreaterThanOrEqual(2);
      expect(g?.materials.length).toBeLessThanOrEqual(6);
      expect(g?.steps.length).toBeGreaterThanOrEqual(3);
      expect(g?.laws.length).toBeGreaterThanOrEqual(1);
      materials += g?.materials.length ?? 0;
      withForm += g?.materials.filter((m) => m.blankFile).length ?? 0;
    }
    expect(withForm / materials).toBeGreaterThan(0.5);
  });

  it('when the public pages are opened, then each renders in Chinese', async () => {
    const pages: [string, string][] = [
      ['/', '进驻部门'],
      ['/items', '事项目录'],
      ['/items?dept=JTJ', '市交通运输局'],
      ['/items/SLJ-001', '取水许可和水资源费征收管理条例'],
      ['/laws', '已废止'],
      ['/intermediaries', '涉批中介服务'],
      ['/item-changes', '下放'],
    ];
    for (const [url, text] of pages) {
      const res = await request(app).get(url);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.text).toContain(text);
    }
  });

  it('when an item cancelled by a dated change is looked for, then it is no longer listed and its page says so', async () => {
    const api = await request(app).get('/api/v1/items').expect(200);
    expect(api.body.map((i: { code: string }) => i.code)).not.toContain('JTJ-005');
    const page = await request(app).get('/items/JTJ-005').expect(200);
    expect(page.text).toContain('本事项已取消');
  });

  it('when a demo form is downloaded, then it is a PDF', async () => {
    const g = await store.findItemGuide('SLJ-001');
    const file = g?.materials.find((m) => m.blankFile)?.blankFile;
    const res = await request(app).get(`/files/${file?.id}`).buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('when the disclosure catalog is opened, then it has the seed report’s 54 entries by category, and the office and 网管员 accounts exist', async () => {
    const counts = await store.countPublishedDisclosures({ publishedBefore: '2014-12-31T16:00:00.000Z' });
    const by = (c: string) => counts.filter((r) => r.category === c).reduce((a, r) => a + r.count, 0);
    expect([by('机构职能'), by('政策文件'), by('规划计划'), by('其他')]).toEqual([4, 40, 3, 7]);
    expect((await store.findStaffByUsername('office'))?.role).toBe('office_reviewer');
    expect((await store.findStaffByUsername('webmaster'))?.role).toBe('webmaster');
    const page = await request(app).get('/disclosure').expect(200);
    expect(page.text).toContain('政策文件</a> <span class="muted">（40 条）');
    expect((await store.listDisclosureEntries({ statuses: ['submitted'], limit: 5, offset: 0 })).total).toBe(1);
  });
});
