import request from 'supertest';
import { addWaterGuide } from '../helpers/catalog-fixture';
import { apiToken, createTestApp, orgApplicant, type TestApp } from '../helpers/test-app';

describe('public service hall pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const codesIn = (html: string) => [...html.matchAll(/href="\/items\/([A-Z0-9-]+)"/g)].map((m) => m[1]);

  describe('item catalog /items', () => {
    it.each([
      ['a 2-character term', '取水', ['SLJ-001']],
      ['a 2-character term in the middle of a name', '土地', []],
      ['a 4-character term', '建设用地', ['GTJ-001']],
      ['a longer term', '国有建设用地使用权', ['GTJ-001']],
      ['an item code in lower case', 'slj-009', ['SLJ-009']],
      ['a full-width code', 'ＳＬＪ－００１', ['SLJ-001']],
    ])('when searching %s (%s), then exactly the matching items are listed', async (_l, q, codes) => {
      const res = await request(t.app).get('/items').query({ q }).expect(200);
      expect(codesIn(res.text).sort()).toEqual(codes);
      expect(res.text).toContain(`共 ${codes.length} 项`);
    });

    it('when the catalog is opened, then items in force are listed with counts per department and category, cancelled ones not', async () => {
      const res = await request(t.app).get('/items').expect(200);
      expect(codesIn(res.text).sort()).toEqual(['GTJ-001', 'SLJ-001', 'SLJ-009']);
      expect(res.text).not.toContain('已取消的审批事项');
      expect(res.text).toMatch(/市水利局<\/a> <span class="count">2<\/span>/);
      expect(res.text).toMatch(/市国土资源局<\/a> <span class="count">1<\/span>/);
      expect(res.text).toMatch(/土地登记<\/a> <span class="count">1<\/span>/);
    });

    it('when browsing by department and by category, then only those items are listed and the filter is kept in the links', async () => {
      const dept = await request(t.app).get('/items?dept=SLJ').expect(200);
      expect(codesIn(dept.text).sort()).toEqual(['SLJ-001', 'SLJ-009']);
      expect(dept.text).toContain('href="/items?dept=SLJ&amp;category=');
      const cat = await request(t.app).get('/items').query({ category: '土地登记' }).expect(200);
      expect(codesIn(cat.text)).toEqual(['GTJ-001']);
    });

    it('when the page number is not a number, then a Chinese 400 page', async () => {
      const res = await request(t.app).get('/items?page=abc').expect(400);
      expect(res.text).toContain('提交的内容有误');
    });
  });

  describe('item guide /items/{code}', () => {
    it('when an item is opened, then all seven disclosures and the service facts are on the page, printable', async () => {
      await addWaterGuide(t);
      const res = await request(t.app).get('/items/SLJ-001').expect(200);
      for (const text of [
        '取水许可', 'SLJ-001', '行政许可', '承诺件',
        '《中华人民共和国水法》', '主席令第七十四号', '第七条、第四十八条',
        '取水符合水资源规划', '取水许可申请书', '原件及复印件', '视情况提供',
        '受理', '业务科室审查',
        '法定办结时限', '20 个工作日', '承诺办结时限', '10 个工作日', '专家评审', '不计入',
        '不收费', '中心二楼 A 区 01 号窗口', '工作日 8:30-17:30', '0570-3021101', '0570-12345', '到现场次数',
      ]) {
        expect(res.text).toContain(text);
      }
      expect(res.text).toMatch(/<link rel="stylesheet" href="\/static\/css\/print\.[0-9a-f]{10}\.css" media="print">/);
      expect(res.text).toMatch(/《取水许可制度实施办法》<\/a>[\s\S]*?已废止/);
    });

    it('when an item has no guide filled in, then the page still renders with 未登记', async () => {
      const res = await request(t.app).get('/items/GTJ-001').expect(200);
      expect(res.text).toContain('未登记');
      expect(res.text).toContain('不收费');
    });

    it.each(['NOPE-1', '..%2F..%2Fetc', 'a%00b'])('when the code %s does not exist, then a Chinese 404', async (code) => {
      const res = await request(t.app).get(`/items/${code}`).expect(404);
      expect(res.text).toContain('没有这个审批事项');
    });

    it('when a status-cancelled item is opened, then it says in words that it is cancelled', async () => {
      const res = await request(t.app).get('/items/SLJ-099').expect(200);
      expect(res.text).toContain('本事项已取消');
    });
  });

  describe('laws /laws', () => {
    it('when listed and searched, then title, issuer, document number, level, date and status show; repealed ones say 已废止', async () => {
      const { old } = await addWaterGuide(t);
      const all = await request(t.app).get('/laws').expect(200);
      expect(all.text).toContain('《中华人民共和国水法》');
      expect(all.text).toContain('主席令第七十四号');
      expect(all.text).toContain('2002-10-01');
      expect(all.text).toContain('现行有效');
      expect(all.text).toMatch(/<span class="tag repealed">已废止<\/span><br><span class="muted small">2006-04-15 废止<\/span>/);
      const search = await request(t.app).get('/laws').query({ q: '取水' }).expect(200);
      expect(search.text).toContain(`/laws/${old.id}`);
      expect(search.text).not.toContain('《中华人民共和国水法》');
      const byNo = await request(t.app).get('/laws').query({ q: '第119号' }).expect(200);
      expect(byNo.text).toContain('共 1 部');
      const repealed = await request(t.app).get('/laws?status=repealed').expect(200);
      expect(repealed.text).toContain('《取水许可制度实施办法》');
      expect(repealed.text).not.toContain('《中华人民共和国水法》');
      const law = await request(t.app).get('/laws?level=法律'.replace('法律', encodeURIComponent('法律'))).expect(200);
      expect(law.text).toContain('共 1 部');
      await request(t.app).get('/laws?level=bogus').expect(400);
    });

    it('when a law is opened, then its text and the items citing it (with articles) are shown; a repealed one is marked in words', async () => {
      const { shuifa, old } = await addWaterGuide(t);
      const res = await request(t.app).get(`/laws/${shuifa.id}`).expect(200);
      expect(res.text).toContain('国家对水资源依法实行取水许可制度');
      expect(res.text).toContain('href="/items/SLJ-001"');
      expect(res.text).toContain('第七条、第四十八条');
      const rep = await request(t.app).get(`/laws/${old.id}`).expect(200);
      expect(rep.text).toContain('<strong>已废止</strong>：自 2006-04-15 起失效');
      await request(t.app).get('/laws/999999').expect(404);
      await request(t.app).get('/laws/abc').expect(404);
    });
  });

  describe('intermediaries and item changes', () => {
    it('when an intermediary exists, then the list and its page show qualification, scope, fees, contact and items', async () => {
      const m = await t.store.createIntermediary({
        name: '浙江衢州水利水电勘测设计有限公司',
        qualification: '水资源论证甲级',
        serviceScope: '建设项目水资源论证',
        feeBasis: '市场调节价',
        contactPerson: '孙工',
        phone: '0570-3021188',
        address: '衢州市柯城区荷花中路15号',
        itemIds: [t.items.water.id],
      });
      const list = await request(t.app).get('/intermediaries').expect(200);
      expect(list.text).toContain('浙江衢州水利水电勘测设计有限公司');
      expect(list.text).toContain('水资源论证甲级');
      const page = await request(t.app).get(`/intermediaries/${m.id}`).expect(200);
      for (const s of ['建设项目水资源论证', '市场调节价', '孙工', '0570-3021188', 'href="/items/SLJ-001"']) expect(page.text).toContain(s);
      await request(t.app).get('/intermediaries/77777').expect(404);
      const item = await request(t.app).get('/items/SLJ-001').expect(200);
      expect(item.text).toContain(`/intermediaries/${m.id}`);
    });

    it('when a change is published, then it is on /item-changes, on the item page and on the home page', async () => {
      await t.store.createItemChange(
        { itemId: t.items.water.id, kind: 'delegate', effectiveDate: '2026-01-15', basis: '浙政发〔2014〕13号', description: '下放至设区市' },
        { staffId: t.staff.admin.id, at: new Date().toISOString() },
      );
      const list = await request(t.app).get('/item-changes').expect(200);
      expect(list.text).toContain('下放');
      expect(list.text).toContain('2026-01-15');
      expect(list.text).toContain('浙政发〔2014〕13号');
      const item = await request(t.app).get('/items/SLJ-001').expect(200);
      expect(item.text).toContain('浙政发〔2014〕13号');
      const home = await request(t.app).get('/').expect(200);
      expect(home.text).toContain('浙政发〔2014〕13号');
    });
  });

  describe('home page and navigation', () => {
    it('when the home page is opened, then the query box comes first, then item search, departments with counts, results and changes', async () => {
      const res = await request(t.app).get('/').expect(200);
      const order = ['class="query-box"', 'action="/items"', '进驻部门', '最新许可结果', '审批事项调整'].map((s) => res.text.indexOf(s));
      expect(order.every((p) => p > 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(res.text).toMatch(/href="\/items\?dept=SLJ">市水利局<\/a> <span class="count">2 项<\/span>/);
      for (const link of ['href="/items">事项目录', 'href="/laws">法律法规', 'href="/intermediaries">中介服务']) expect(res.text).toContain(link);
    });
  });

  describe('strict CSP', () => {
    it('when the service hall pages are served, then they carry no inline script, style or event handler', async () => {
      const { shuifa } = await addWaterGuide(t);
      for (const url of ['/', '/items', '/items/SLJ-001', '/laws', `/laws/${shuifa.id}`, '/intermediaries', '/item-changes']) {
        const res = await request(t.app).get(url).expect(200);
        expect(res.headers['content-security-policy']).toContain("script-src 'self' 'nonce-");
        expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
        expect(res.text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
      }
    });
  });

  describe('cancellation by date (Beijing day, injected clock)', () => {
    it('when the effective Beijing day comes, then the item leaves the catalog and the API and takes no new cases', async () => {
      // 2026-03-01 23:30 Beijing time.
      t.setNow('2026-03-01T15:30:00Z');
      const token = await apiToken(t.app, 'water');
      await t.store.createItemChange(
        { itemId: t.items.water.id, kind: 'cancel', effectiveDate: '2026-03-02', basis: '某某文件', description: '' },
        { staffId: t.staff.admin.id, at: '2026-03-01T15:00:00.000Z' },
      );
      const register = () =>
        request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() });
      const apiCodes = async () => (await request(t.app).get('/api/v1/items').expect(200)).body.map((i: { code: string }) => i.code);

      expect(await apiCodes()).toContain('SLJ-001');
      await register().expect(201);
      expect(codesIn((await request(t.app).get('/items').expect(200)).text)).toContain('SLJ-001');

      // 00:30 on 2026-03-02 in Beijing, still 2026-03-01 in UTC.
      t.setNow('2026-03-01T16:30:00Z');
      expect(await apiCodes()).not.toContain('SLJ-001');
      const refused = await register().expect(400);
      expect(refused.body.error.fields.itemCode).toBe('「取水许可」已取消，不能再受理新的申请');
      expect(codesIn((await request(t.app).get('/items').expect(200)).text)).not.toContain('SLJ-001');
      const page = await request(t.app).get('/items/SLJ-001').expect(200);
      expect(page.text).toContain('本事项已取消');
      expect(page.text).toContain('（自 2026-03-02 起）');
    });
  });

  describe('JSON API', () => {
    it('when an item guide is fetched, then it has the materials with ids and the legal basis', async () => {
      const { materials } = await addWaterGuide(t);
      const res = await request(t.app).get('/api/v1/items/SLJ-001').expect(200);
      expect(res.body).toMatchObject({
        code: 'SLJ-001',
        inForce: true,
        caseType: '承诺件',
        fees: [],
        materials: [{ id: materials[0].id, name: '取水许可申请书', copies: 2, required: true, blankForm: null }, {}, {}],
        legalBasis: [{ title: '《中华人民共和国水法》', docNo: '主席令第七十四号', articles: '第七条、第四十八条', status: 'in_force' }, { status: 'repealed' }],
      });
      const missing = await request(t.app).get('/api/v1/items/NOPE').expect(404);
      expect(missing.body.error.code).toBe('item_not_found');
    });

    it('when a case is registered with materialsReceived, then they are stored with it; a foreign material id is refused', async () => {
      const { materials } = await addWaterGuide(t);
      const token = await apiToken(t.app, 'water');
      const ok = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant(), materialsReceived: [materials[1].id, materials[0].id] })
        .expect(201);
      const c = await t.store.findCaseByQueryNo(ok.body.queryNo);
      expect(await t.store.listCaseMaterials(c!.id)).toEqual([
        { materialId: materials[0].id, name: '取水许可申请书' },
        { materialId: materials[1].id, name: '建设项目水资源论证报告书' },
      ]);
      const bad = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant(), materialsReceived: [987654] })
        .expect(400);
      expect(bad.body.error.fields.materialsReceived).toContain('不属于该事项');
      const notArray = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant(), materialsReceived: 'all' })
        .expect(400);
      expect(notArray.body.error.fields.materialsReceived).toBeDefined();
    });
  });
});
