import request from 'supertest';
import { saveFile } from '../../src/services/files';
import { addWaterGuide } from '../helpers/catalog-fixture';
import { createOfficeStaff, publishedEntry } from '../helpers/disclosure-fixture';
import { apiToken, createTestApp, staffAgent, validCreditCode, type TestApp } from '../helpers/test-app';
import { clockOf, queryNoFor } from '../store/store-contract';
import type { Item } from '../../src/domain/model';
import { ITEM_CHANGE_KINDS } from '../../src/domain/catalog';
import { CalendarService } from '../../src/services/clock';
import { systemClock } from '../../src/services/deps';

jest.setTimeout(60_000);

/** A script payload tagged with the field it was stored in, so each page proves which fields it rendered escaped. */
const P = (tag: string) => `${tag}<script>alert(1)</script>"><img src=x onerror=alert(1)>`;
const ESCAPED = (tag: string) => `${tag}&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`;
const RAW = [/<script>alert/i, /<img src=x/i, /onerror=alert\(1\)>/i, /href="\s*javascript:/i];

function expectSafe(html: string, tags: string[], where: string) {
  for (const raw of RAW) expect({ where, raw: raw.test(html) }).toEqual({ where, raw: false });
  for (const tag of tags) expect({ where, tag, escaped: html.includes(ESCAPED(tag)) }).toEqual({ where, tag, escaped: true });
}

describe('stored script payloads on public pages', () => {
  let t: TestApp;
  let queryNo: string;
  let bulletinId: number;
  let item: Item;
  let lawId: number;
  let intermediaryId: number;
  let disclosureId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const actor = { staffId: t.staff.admin.id, at: new Date().toISOString() };
    const dept = await t.store.createDepartment({ code: 'XSS', name: P('部门') });
    item = await t.store.createItem({
      code: 'XSS-001',
      name: P('事项'),
      category: P('类别'),
      departmentId: dept.id,
      statutoryDays: 20,
      promisedDays: 10,
      resultsPublic: true,
      resultValidity: P('有效期'),
      status: 'in_force',
    });
    const law = await t.store.createLaw({
      title: P('法规标题'),
      issuer: P('制定机关'),
      docNo: P('文号'),
      level: '法律',
      effectiveDate: '2002-10-01',
      status: 'in_force',
      repealedDate: null,
      body: `${P('法规正文')} javascript:alert(1)`,
    });
    lawId = law.id;
    const window = await t.store.createWindow({ departmentId: dept.id, code: 'X01', name: P('窗口'), location: P('窗口位置') });
    await t.store.saveItemGuide(
      {
        item: {
          code: item.code,
          name: item.name,
          category: item.category,
          departmentId: dept.id,
          statutoryDays: 20,
          promisedDays: 10,
          resultsPublic: true,
          resultValidity: item.resultValidity,
          status: 'in_force',
          itemType: '行政许可',
          caseType: '承诺件',
        },
        details: {
          conditions: P('受理条件'),
          windowId: window.id,
          serviceHours: P('办公时间'),
          consultPhone: P('咨询电话'),
          complaintPhone: P('投诉电话'),
          visits: 1,
          feeNote: P('收费说明'),
        },
        materials: [{ name: P('材料名称'), form: '原件', copies: 1, required: true, note: P('材料备注') }],
        steps: [{ name: P('步骤'), description: P('步骤说明') }],
        specialProcedures: [{ name: P('特别程序'), duration: P('时限'), counted: false, basis: P('特别程序依据') }],
        fees: [],
        laws: [{ lawId: law.id, articles: P('条款') }],
      },
      actor,
      item.id,
    );
    item = (await t.store.findItemByCode('XSS-001')) as Item;
    const m = await t.store.createIntermediary(
      {
        name: P('中介名称'),
        qualification: P('资质'),
        serviceScope: P('服务范围'),
        feeBasis: P('收费依据'),
        contactPerson: P('联系人'),
        phone: '0570-1234567',
        address: P('地址'),
        itemIds: [item.id],
      },
      actor,
    );
    intermediaryId = m.id;
    await t.store.createItemChange({ itemId: item.id, kind: ITEM_CHANGE_KINDS[0], effectiveDate: '2026-11-01', basis: P('调整依据'), description: P('调整内容') }, actor);
    // A case with a public note and a published approval, as the services would write it.
    queryNo = queryNoFor(424242);
    const at = new Date().toISOString();
    let c = await t.store.registerCase({
      queryNo,
      itemId: item.id,
      departmentId: dept.id,
      applicant: { name: P('申请单位'), kind: 'organization', idNumber: validCreditCode(), phone: '0570-3890183' },
      projectName: P('项目名称'),
      note: null,
      registeredBy: t.staff.admin.id,
      windowId: null,
      at,
      clock: clockOf(),
    });
    const ev = { staffId: t.staff.admin.id, reason: null };
    c = await t.store.advanceCase({
      caseId: c.id,
      expectedVersion: c.version,
      from: 'submitted',
      event: { ...ev, to: 'accepted', at, decisionNo: null, note: P('公开意见'), notePublic: true },
      clock: clockOf(),
    });
    await t.store.advanceCase({
      caseId: c.id,
      expectedVersion: c.version,
      from: 'accepted',
      event: { ...ev, to: 'approved', at, decisionNo: P('决定文号'), note: null, notePublic: false },
      decision: { decisionNo: P('决定文号'), decidedAt: at },
      clock: clockOf(),
      bulletin: { decisionNo: P('决定文号'), applicantName: P('申请单位'), projectName: P('项目名称'), decidedAt: at, validity: P('有效期') },
    });
    bulletinId = (await t.store.listBulletin({ limit: 1, offset: 0 })).rows[0].id;
    const office = await createOfficeStaff(t.store);
    const entry = await publishedEntry(t.store, { author: t.staff.admin, ...office }, {
      title: P('公开标题'),
      category: '政策文件',
      publishedAt: '2026-11-01T02:00:00Z',
      body: `${P('公开正文')}\n[链接](javascript:alert(1))`,
    });
    disclosureId = entry.id;
  });
  afterAll(() => t.cleanup());

  it.each([
    ['/lookup?no=QUERY', ['事项', '部门', '项目名称']],
    ['/bulletin', ['事项', '部门', '申请单位', '项目名称', '决定文号']],
    ['/bulletin/BULLETIN', ['事项', '部门', '申请单位', '项目名称', '决定文号', '有效期']],
    ['/items', ['事项', '部门']],
    ['/items/XSS-001', ['事项', '部门', '受理条件', '办公时间', '咨询电话', '收费说明', '材料名称', '材料备注', '步骤', '步骤说明', '特别程序', '法规标题', '条款', '窗口', '窗口位置']],
    ['/laws', ['法规标题', '制定机关']],
    ['/laws/LAW', ['法规标题', '制定机关', '文号', '法规正文']],
    ['/intermediaries', ['中介名称']],
    ['/intermediaries/INTERMEDIARY', ['中介名称', '资质', '服务范围', '收费依据', '联系人', '地址']],
    ['/item-changes', ['事项', '调整依据', '调整内容']],
    ['/disclosure', ['公开标题']],
    ['/disclosure/DISCLOSURE', ['公开标题', '公开正文']],
    ['/kiosk/lookup?no=QUERY', ['事项', '部门']],
    ['/satisfaction', []],
    ['/', []],
  ])('%s renders every stored payload escaped', async (path, tags) => {
    const url = path
      .replace('QUERY', queryNo.toLowerCase())
      .replace('BULLETIN', String(bulletinId))
      .replace('LAW', String(lawId))
      .replace('INTERMEDIARY', String(intermediaryId))
      .replace('DISCLOSURE', String(disclosureId));
    const res = await request(t.app).get(url).expect(200);
    expectSafe(res.text, tags, url);
  });

  it('the detail tier (query number + phone digits) renders the public note and decision number escaped', async () => {
    const res = await request(t.app).post('/lookup/detail').type('form').send({ no: queryNo, digits: '0183' }).expect(200);
    expectSafe(res.text, ['项目名称', '公开意见', '决定文号'], '/lookup/detail');
  });

  it('the Atom feed escapes the payloads as XML', async () => {
    const res = await request(t.app).get('/bulletin/feed.atom').expect(200);
    expect(res.text).not.toMatch(/<script>|<img /);
    expect(res.text).toContain('项目名称&lt;script&gt;');
  });

  it('the JSON API returns the text as data, never as markup in an HTML response', async () => {
    const res = await request(t.app).get(`/api/v1/cases/${queryNo}`).expect(200).expect('Content-Type', /application\/json/);
    expect(res.body.projectName).toBe(P('项目名称'));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the staff case page escapes them too', async () => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.get(`/staff/cases/${queryNo}`).expect(200);
    expectSafe(res.text, ['申请单位', '项目名称', '公开意见', '事项'], 'staff case');
  });

  it('a search term with a payload is echoed escaped in the search box', async () => {
    const res = await request(t.app).get(`/bulletin?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/<script>alert/);
    const items = await request(t.app).get(`/items?q=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`).expect(200);
    expect(items.text).not.toMatch(/<img src=x/);
    expect(items.text).toContain('&#34;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('SQL metacharacters in every search box', () => {
  let t: TestApp;
  let token: string;
  let staff: { agent: request.Agent; csrf: string };
  const METAS = ["' OR 1=1 --", '%', '_', '"', '\\', ';DROP TABLE cases;--', "%' --", '%%', '__', "'", '*', '[a-z]', 'NEAR(', '"取水', '0%'];

  beforeAll(async () => {
    t = await createTestApp();
    const base = { statutoryDays: 20, promisedDays: 10, resultsPublic: true, resultValidity: '5年', status: 'in_force' as const };
    await t.store.createItem({ ...base, code: 'SLJ-100', name: '取水量100%核定', category: '取水许可', departmentId: t.depts.water.id });
    await t.store.createItem({ ...base, code: 'SLJ-101', name: '取水_计量设施验收', category: '取水许可', departmentId: t.depts.water.id });
    for (const [title, n] of [['费率100%调整办法', 1], ['第_号令', 2], ['普通规章', 3]] as const) {
      await t.store.createLaw({ title, issuer: '市政府', docNo: `令${n}`, level: '地方政府规章', effectiveDate: '2020-01-01', status: 'in_force', repealedDate: null, body: '' });
    }
    const office = await createOfficeStaff(t.store);
    for (const title of ['增长100%的公告', '下划线_公告', '普通公告']) {
      await publishedEntry(t.store, { author: t.staff.admin, ...office }, { title, category: '政策文件', publishedAt: '2026-11-01T02:00:00Z' });
    }
    token = await apiToken(t.app, 'water');
    staff = await staffAgent(t.app, 'water');
    const reg = async (projectName: string) => {
      const r = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: { name: '衢州市清源水务有限公司', kind: 'organization', idNumber: validCreditCode(), phone: '0570-3890183' }, projectName })
        .expect(201);
      for (const to of ['accepted', 'approved']) {
        await request(t.app)
          .post(`/api/v1/cases/${r.body.queryNo}/transitions`)
          .set('Authorization', `Bearer ${token}`)
          .send({ to, ...(to === 'approved' ? { decisionNo: `衢水许〔2026〕${Math.floor(Math.random() * 900 + 100)}号` } : {}) })
          .expect(200);
      }
    };
    await reg('扩建100%产能项目');
    await reg('A_B 取水工程');
    await reg('普通取水工程');
  });
  afterAll(() => t.cleanup());

  const urls = (v: string) => {
    const e = encodeURIComponent(v);
    return [
      `/bulletin?q=${e}`,
      `/bulletin/feed.atom?q=${e}`,
      `/bulletin/export.csv?q=${e}`,
      `/bulletin/export.json?q=${e}`,
      `/api/v1/bulletin?q=${e}`,
      `/items?q=${e}`,
      `/items?dept=${e}&category=${e}`,
      `/laws?q=${e}`,
      `/disclosure?q=${e}`,
      `/disclosure?category=${e}&year=${e}`,
      `/lookup?no=${e}`,
      `/api/v1/cases/${e}`,
      `/api/v1/items/${e}`,
    ];
  };

  it.each(METAS)('%j: every public search answers 200, 400 or 404, never 500, and the tables are intact', async (v) => {
    for (const url of urls(v)) {
      const res = await request(t.app).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: expect.any(Number) });
      expect({ url, ok: [200, 400, 404].includes(res.status) }).toEqual({ url, ok: true });
      expect(res.text).not.toMatch(/SQLITE|syntax error|at .*\.ts:\d+/i);
    }
    expect((t.store.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(3);
  });

  it.each(METAS)('%j: the staff worklist and the API case list filters answer without error', async (v) => {
    const e = encodeURIComponent(v);
    for (const url of [`/staff?item=${e}&window=${e}&stage=${e}&status=${e}`, `/staff/cases.csv?item=${e}`, `/staff/disclosure?status=${e}&page=${e}`]) {
      const res = await staff.agent.get(url);
      expect({ url, ok: [200, 400].includes(res.status) }).toEqual({ url, ok: true });
    }
    const api = await request(t.app).get(`/api/v1/cases?item=${e}&stage=${e}&clockStatus=${e}&page=1`).set('Authorization', `Bearer ${token}`);
    expect([200, 400]).toContain(api.status);
    if (api.status === 400) expect(api.body.error.code).toBeTruthy();
  });

  it('a % or _ is a literal character, not a wildcard: only the rows that contain it match', async () => {
    const items = (await request(t.app).get('/items?q=%25').expect(200)).text;
    expect(items).toContain('取水量100%核定');
    expect(items).not.toContain('取水_计量设施验收');
    expect(items).not.toContain('国有建设用地使用权首次登记');
    const underscore = (await request(t.app).get('/items?q=_').expect(200)).text;
    expect(underscore).toContain('取水_计量设施验收');
    expect(underscore).not.toContain('取水量100%核定');
    const laws = (await request(t.app).get('/laws?q=%25').expect(200)).text;
    expect(laws).toContain('费率100%调整办法');
    expect(laws).not.toContain('普通规章');
    expect(laws).not.toContain('第_号令');
    const disclosure = (await request(t.app).get('/disclosure?q=_').expect(200)).text;
    expect(disclosure).toContain('下划线_公告');
    expect(disclosure).not.toContain('普通公告');
    expect(disclosure).not.toContain('增长100%的公告');
    const bulletin = await request(t.app).get('/api/v1/bulletin?q=0%25').expect(200);
    expect(bulletin.body.entries.map((e: { projectName: string }) => e.projectName)).toEqual(['扩建100%产能项目']);
    const under = await request(t.app).get('/api/v1/bulletin?q=A_B').expect(200);
    expect(under.body.entries.map((e: { projectName: string }) => e.projectName)).toEqual(['A_B 取水工程']);
    const all = await request(t.app).get(`/api/v1/bulletin?q=${encodeURIComponent("' OR 1=1 --")}`);
    if (all.status === 200) expect(all.body.total).toBe(0);
    else expect(all.status).toBe(400);
  });
});

describe('download file names', () => {
  let t: TestApp;
  let materialId: number;
  beforeAll(async () => {
    t = await createTestApp();
    materialId = (await addWaterGuide(t)).materials[0].id;
  });
  afterAll(() => t.cleanup());

  it.each([
    'evil"\r\nSet-Cookie: bjt_sid=stolen\r\n.pdf',
    'a";filename=evil.exe.pdf',
    '表格\r\nX-Injected: 1.pdf',
    "quote'n\\back\"slash.pdf",
  ])('%j: the Content-Disposition header stays one header and injects nothing', async (name) => {
    const deps = { store: t.store, clock: systemClock, config: t.config, randomQueryBody: () => 'x', calendars: new CalendarService(t.store) };
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const file = await saveFile(deps, t.staff.admin.id, materialId, 'blank', pdf, name, { ext: 'pdf', contentType: 'application/pdf' });
    for (const url of [`/files/${file.id}`, `/files/${file.id}/x.pdf`]) {
      const res = await request(t.app).get(url).expect(200);
      const cd = res.headers['content-disposition'] as string;
      expect(typeof cd).toBe('string');
      expect(cd).not.toMatch(/[\r\n]/);
      expect(res.headers['x-injected']).toBeUndefined();
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('stolen');
      // Exactly one quoted filename (no quote, backslash or control character inside) and its RFC 5987 twin.
      expect(cd).toMatch(/^attachment; filename="[^"\\\x00-\x1f]*"; filename\*=UTF-8''[A-Za-z0-9%\-_.!~]*$/);
    }
  });
});
