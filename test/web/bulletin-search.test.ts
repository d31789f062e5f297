import request from 'supertest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { decisionNumbersIn, E, publishEntry, publishFour } from '../helpers/bulletin-fixture';
import { apiToken, createTestApp, personApplicant, type TestApp } from '../helpers/test-app';

describe('results bulletin search', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const page = (query: Record<string, string>) => request(t.app).get('/bulletin').query(query);
  const api = (query: Record<string, string>) => request(t.app).get('/api/v1/bulletin').query(query);

  describe('the page', () => {
    it.each<[string, Record<string, string>, Array<keyof typeof E>]>([
      ['a 2-character keyword in the item name', { q: '取水' }, [1, 3]],
      ['a 2-character keyword in a project name', { q: '土地' }, [2]],
      ['a 4-character keyword', { q: '土地登记' }, [2]],
      ['part of an organization name', { q: '清源水务' }, [1]],
      ['a full organization name', { q: '衢州市清源水务有限公司' }, [1]],
      ['a decision number', { q: '衢水许〔2026〕088号' }, [1]],
      ['a decision number with ASCII brackets', { q: '衢水许[2026]088号' }, [1]],
      ['two keywords', { q: '有限公司  衢江' }, [2]],
      ['a category', { category: '土地登记' }, [2, 4]],
      ['a department', { department: 'SLJ' }, [1, 3]],
      ['a keyword and a department', { q: '有限公司', department: 'GTJ' }, [2, 4]],
      ['from a Beijing day (16:30Z on 03-01 is 03-02 in Beijing)', { from: '2026-03-02' }, [1]],
      ['to a Beijing day, inclusive (15:59Z on 03-01 is 23:59 that day)', { to: '2026-03-01' }, [2, 3, 4]],
      ['one Beijing day', { from: '2026-03-01', to: '2026-03-01' }, [2]],
      ['New Year in Beijing (16:00Z on 12-31)', { from: '2026-01-01', to: '2026-01-01' }, [4]],
      ['the last Beijing day of 2025', { from: '2025-12-31', to: '2025-12-31' }, []],
      ['all filters at once', { q: '取水', category: '取水许可', department: 'SLJ', from: '2026-02-01', to: '2026-02-28' }, [3]],
      ['an unknown category', { category: '不存在的类别' }, []],
      ['an unknown department', { department: 'NOPE' }, []],
    ])('when searching by %s, then the matching entries are listed newest first', async (_l, query, expected) => {
      await publishFour(t);
      const res = await page(query).expect(200).expect('Content-Type', /html/);
      expect(decisionNumbersIn(res.text)).toEqual(expected.map((n) => E[n]));
    });

    it('when nothing matches, then a clear empty state says so and links back to all results', async () => {
      await publishFour(t);
      const res = await page({ q: '不存在的关键词' }).expect(200);
      expect(decisionNumbersIn(res.text)).toEqual([]);
      expect(res.text).toContain('没有符合条件的许可结果');
      expect(res.text).toContain('href="/bulletin"');
    });

    it("when a person's full or partial name is searched, then nothing matches and the name never appears", async () => {
      const token = await apiToken(t.app, 'water');
      const reg = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: personApplicant(), projectName: '乌溪江引水工程' })
        .expect(201);
      const q = reg.body.queryNo as string;
      for (const body of [{ to: 'accepted' }, { to: 'approved', decisionNo: '衢水许〔2026〕500号' }]) {
        await request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send(body).expect(200);
      }
      for (const name of ['张三丰', '三丰', '张三']) {
        const res = await page({ q: name }).expect(200);
        expect(decisionNumbersIn(res.text)).toEqual([]);
        const json = await api({ q: name }).expect(200);
        expect(json.body.total).toBe(0);
      }
      const all = await page({ q: '引水' }).expect(200);
      expect(decisionNumbersIn(all.text)).toEqual(['衢水许〔2026〕500号']);
      expect(all.text).toContain('张**');
      expect(all.text).not.toContain('张三丰');
    });

    it('when filters are chosen, then the form shows them again and the feed and export links carry them', async () => {
      await publishFour(t);
      const res = await page({ q: '清源', category: '取水许可', department: 'SLJ', from: '2026-01-01', to: '2026-12-31' }).expect(200);
      expect(res.text).toMatch(/<form method="get" action="\/bulletin"/);
      expect(res.text).toContain('name="q" type="search" maxlength="200" value="清源"');
      expect(res.text).toMatch(/<option value="取水许可" selected>/);
      expect(res.text).toMatch(/<option value="SLJ" selected>/);
      expect(res.text).toContain('name="from" type="date" value="2026-01-01"');
      expect(res.text).toContain('name="to" type="date" value="2026-12-31"');
      const qs = 'q=%E6%B8%85%E6%BA%90&amp;category=%E5%8F%96%E6%B0%B4%E8%AE%B8%E5%8F%AF&amp;department=SLJ&amp;from=2026-01-01&amp;to=2026-12-31';
      expect(res.text).toContain(`href="/bulletin/feed.atom?${qs}"`);
      expect(res.text).toContain(`href="/bulletin/export.csv?${qs}"`);
      expect(res.text).toContain(`href="/bulletin/export.json?${qs}"`);
      expect(res.text).toContain(`<link rel="alternate" type="application/atom+xml" title="许可结果公告（全部）" href="/bulletin/feed.atom">`);
      expect(res.text).toContain(`type="application/atom+xml" title="许可结果公告（关键词“清源”，取水许可，部门 SLJ，2026-01-01 至 2026-12-31）" href="/bulletin/feed.atom?${qs}">`);
    });

    it('when a search has several pages, then the page links keep the filters', async () => {
      for (let i = 0; i < 23; i++) {
        await publishEntry(t, {
          item: t.items.water,
          applicant: { name: `衢州市清源水务第${i}有限公司`, kind: 'organization' },
          projectName: null,
          decisionNo: `衢水许〔2026〕${String(100 + i)}号`,
          decidedAt: new Date(Date.UTC(2026, 0, 1 + i, 2)).toISOString(),
        });
      }
      await publishFour(t);
      const p1 = await page({ q: '清源', department: 'SLJ' }).expect(200);
      expect(decisionNumbersIn(p1.text)).toHaveLength(20);
      expect(decisionNumbersIn(p1.text)[0]).toBe(E[1]);
      expect(p1.text).toContain('第 1 / 2 页，共 24 条');
      expect(p1.text).toContain('href="/bulletin?q=%E6%B8%85%E6%BA%90&amp;department=SLJ&amp;page=2"');
      const p2 = await page({ q: '清源', department: 'SLJ', page: '2' }).expect(200);
      expect(decisionNumbersIn(p2.text)).toEqual(['衢水许〔2026〕103号', '衢水许〔2026〕102号', '衢水许〔2026〕101号', '衢水许〔2026〕100号']);
      expect(p2.text).toContain('href="/bulletin?q=%E6%B8%85%E6%BA%90&amp;department=SLJ&amp;page=1"');
    });

    it.each<[string, Record<string, string>, string, string]>([
      ['a date that does not exist', { from: '2026-02-30' }, 'from', '开始日期须为有效日期'],
      ['a date in another format', { to: '2026/03/01' }, 'to', '结束日期须为有效日期'],
      ['from after to', { from: '2026-03-02', to: '2026-03-01' }, 'to', '结束日期不能早于开始日期'],
      ['a one-character keyword', { q: '水' }, 'q', '每个关键词至少2个字'],
      ['too many keywords', { q: '取水 土地 清源 衢江 石材 矿业' }, 'q', '最多输入5个关键词'],
      ['page 0', { page: '0' }, 'page', '页码须为正整数'],
      ['a page that is not a number', { page: 'abc' }, 'page', '页码须为正整数'],
      ['a negative page', { page: '-1' }, 'page', '页码须为正整数'],
    ])('when the query has %s, then a Chinese 400 page keeps the input and marks the field', async (_l, query, field, message) => {
      const res = await page({ q: '清源', ...query }).expect(400).expect('Content-Type', /html/);
      expect(res.text).toContain('查询条件有误');
      expect(res.text).toContain(message);
      expect(res.text).toContain(`id="${field}-error"`);
      expect(res.text).toContain(`value="${query.q ?? '清源'}"`);
    });

    it('when the page is shown with results or errors, then it has no inline script, style, handlers or external URLs (strict CSP)', async () => {
      await publishFour(t);
      for (const query of [{ q: '有限公司' }, { from: 'bad' }] as Record<string, string>[]) {
        const res = await page(query);
        expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
        expect(res.text).not.toMatch(/\sstyle=/);
        expect(res.text).not.toMatch(/\son[a-z]+=/);
        expect(res.text).not.toMatch(/(src|href|action)="https?:\/\//);
      }
    });

    it('when the query is hostile markup, then it is shown escaped', async () => {
      const res = await page({ q: '<script>alert(1)</script>', from: '"><img src=x>' }).expect(400);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).not.toContain('<img src=x>');
      expect(res.text).toContain('&lt;script&gt;');
    });
  });

  describe('the match count', () => {
    const entry = (i: number) => ({
      item: t.items.water,
      applicant: { name: `衢州市清源水务第${i}有限公司`, kind: 'organization' as const },
      projectName: null,
      decisionNo: `衢水许〔2026〕${String(200 + i)}号`,
      decidedAt: new Date(Date.UTC(2026, 1, 1 + i, 2)).toISOString(),
    });
    const total = async (q: string) => (await api({ q }).expect(200)).body.total as number;

    it('when an entry is published between two equal searches, then the second total counts it', async () => {
      await publishEntry(t, entry(0));
      expect(await total('清源')).toBe(1);
      expect(await total('清源')).toBe(1);
      await publishEntry(t, entry(1));
      expect(await total('清源')).toBe(2);
    });

    it('when another connection publishes an entry, then the next search counts it', async () => {
      await publishEntry(t, entry(0));
      expect(await total('清源')).toBe(1);
      const other = new SqliteStore({ file: t.config.databaseFile });
      try {
        await publishEntry({ ...t, store: other }, entry(1));
      } finally {
        await other.close();
      }
      expect(await total('清源')).toBe(2);
    });
  });

  describe('GET /api/v1/bulletin', () => {
    it.each<[string, Record<string, string>, Array<keyof typeof E>]>([
      ['q (2 characters)', { q: '取水' }, [1, 3]],
      ['q (4 characters)', { q: '土地登记' }, [2]],
      ['q (decision number)', { q: '衢水许〔2026〕088号' }, [1]],
      ['category', { category: '土地登记' }, [2, 4]],
      ['department', { department: 'GTJ' }, [2, 4]],
      ['from and to (Beijing days)', { from: '2026-03-01', to: '2026-03-01' }, [2]],
      ['no filter', {}, [1, 2, 3, 4]],
    ])('when filtered by %s, then the contract holds and the right entries come newest first', async (_l, query, expected) => {
      await publishFour(t);
      const res = await api(query).expect(200).expect('Content-Type', /json/);
      expect(res.body).toEqual({
        entries: expected.map((n) => expect.objectContaining({ decisionNo: E[n] })),
        page: 1,
        pageSize: 20,
        total: expected.length,
        totalExact: true,
      });
    });

    it('when an entry is returned, then it has the documented fields and a masked person name', async () => {
      await publishFour(t);
      const res = await api({ q: '堤防' }).expect(200);
      expect(res.body.entries).toEqual([
        {
          id: expect.any(Number),
          decisionNo: E[3],
          item: { code: 'SLJ-001', name: '取水许可', category: '取水许可' },
          department: { code: 'SLJ', name: '市水利局' },
          applicant: '张**',
          projectName: '常山港堤防加固工程',
          decidedAt: '2026-02-10T02:00:00.000Z',
          validity: '5年',
        },
      ]);
    });

    it('when several parameters are bad, then 400 validation_failed names each of them', async () => {
      const res = await api({ q: '水', from: '2026-13-01', page: '0' }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields).sort()).toEqual(['from', 'page', 'q']);
      const order = await api({ from: '2026-03-02', to: '2026-03-01' }).expect(400);
      expect(order.body.error.fields).toEqual({ to: '结束日期不能早于开始日期' });
    });

    it('when a parameter is repeated, then 400 rather than a guess', async () => {
      const res = await request(t.app).get('/api/v1/bulletin?q=取水&q=土地').expect(400);
      expect(res.body.error.fields.q).toBeDefined();
    });
  });
});
