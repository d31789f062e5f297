import request from 'supertest';
import type { Staff } from '../../src/domain/model';
import { createOfficeStaff, publishedEntry, SEED_REPORT, seedCategoryCounts } from '../helpers/disclosure-fixture';
import { apiToken, createTestApp, manualClock, orgApplicant, staffAgent, type TestApp } from '../helpers/test-app';

const csvLines = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n');

describe('政府信息公开工作年度报告', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let office: Staff;
  let webmaster: Staff;
  let agents: Map<string, Awaited<ReturnType<typeof staffAgent>>>;
  beforeEach(async () => {
    clock = manualClock('2015-03-20T02:00:00.000Z');
    t = await createTestApp({}, { clock });
    ({ office, webmaster } = await createOfficeStaff(t.store));
    agents = new Map();
  });
  afterEach(() => t.cleanup());

  // One login per account and test: the login rate limit allows 10 per 15 minutes.
  async function as(username: string) {
    if (!agents.has(username)) agents.set(username, await staffAgent(t.app, username));
    return agents.get(username)!;
  }

  const versionOn = (html: string, action: string) =>
    new RegExp(`action="${action.replace(/\//g, '\\/')}"[^>]*>\\s*<input type="hidden" name="_csrf" value="[^"]*">\\s*<input type="hidden" name="version" value="(\\d*)"`).exec(html)?.[1] ?? '';

  async function save(year: number, form: Record<string, string>) {
    const s = await as('office');
    const page = await s.agent.get(`/staff/disclosure/reports/${year}`).expect(200);
    const version = versionOn(page.text, `/staff/disclosure/reports/${year}`);
    return s.agent.post(`/staff/disclosure/reports/${year}`).type('form').send({ _csrf: s.csrf, version, template: '2008', ...form });
  }

  async function submit(year: number) {
    const s = await as('office');
    const page = await s.agent.get(`/staff/disclosure/reports/${year}`).expect(200);
    const version = versionOn(page.text, `/staff/disclosure/reports/${year}/submit`);
    return s.agent.post(`/staff/disclosure/reports/${year}/submit`).type('form').send({ _csrf: s.csrf, version });
  }

  async function loadSeedCatalog() {
    const who = { author: t.staff.water, office, webmaster };
    let k = 0;
    for (const c of seedCategoryCounts()) {
      for (let i = 0; i < c.count; i++) {
        k += 1;
        await publishedEntry(t.store, who, { category: c.category, publishedAt: `${2010 + (k % 5)}-${String((k % 12) + 1).padStart(2, '0')}-10T02:00:00.000Z` });
      }
    }
    // 00:00 on 1 January 2015 in Beijing: not in the 2014 report.
    await publishedEntry(t.store, who, { category: '其他', publishedAt: '2014-12-31T16:00:00.000Z', title: '2015年元旦发布' });
    await t.store.addSiteVisits(4_000_123);
  }

  it('when the 2014 report is generated from data matching the seed (54 entries, no requests), then it reproduces its counts in the 2008 structure', async () => {
    expect(SEED_REPORT).toContain('累计主动向政府信息公开专栏公开政府信息54条');
    await loadSeedCatalog();
    const overview = '2014年，根据市委市政府信息公开总体部署和具体要求，市行政服务中心的政府信息公开工作在市公开办的指导下，加强领导，完善制度，强化措施。';
    expect((await save(2014, { overview, problems: '信息调整波动大未及时公布。', websitePosts: '406' })).status).toBe(303);

    const page = await (await as('admin')).agent.get('/staff/disclosure/reports/2014').expect(200);
    for (const heading of [
      '一、政府信息公开工作的基本概况',
      '二、主动公开政府信息的情况',
      '三、依申请公开政府信息和不予公开政府信息的情况',
      '四、政府信息公开的收费及减免情况',
      '五、因政府信息公开申请行政复议、提起行政诉讼的情况',
      '六、政府信息公开工作存在的主要问题及改进情况',
      '七、其他需要报告的事项',
    ]) expect(page.text).toContain(heading);
    expect(page.text).toContain(overview);
    expect(page.text).toContain('累计主动向政府信息公开专栏公开政府信息54条');
    expect(page.text).toContain('机构职能类4条，占7%；政策文件类40条，占74%；规划计划类3条，占6%；其他类7条，占13%。');
    expect(page.text).toContain('网站全年发布信息406条');
    expect(page.text).toContain('网上办事大厅累计访问量4000123人次');
    expect(page.text).toContain('2014年本单位未收到政府信息公开申请。');
    expect(page.text).toContain('没有发生因政府信息公开申请行政复议、提起行政诉讼的情况。');
    // An admin reads the report but the edit form is the office's.
    expect(page.text).not.toContain('action="/staff/disclosure/reports/2014/submit"');

    const csv = await (await as('water')).agent.get('/staff/disclosure/reports/2014/categories.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csvLines(csv.text);
    expect(lines).toEqual(['组配分类,条数,占比（%）', '机构职能,4,7', '政策文件,40,74', '规划计划,3,6', '其他,7,13', '合计,54,100']);
    expect(lines.slice(1, 5).reduce((a, l) => a + Number(l.split(',')[2]), 0)).toBe(100);
    const site = await (await as('water')).agent.get('/staff/disclosure/reports/2014/site.csv').expect(200);
    expect(site.text).toContain('2014年网站发布信息（条）,406');
    expect(site.text).toMatch(/网上办事大厅累计访问量（人次，截至2015-03-20）,4000123/);
  });

  it('when the office submits the report, then it becomes a catalog entry awaiting the 网管员, and once published the public sees the frozen report and its CSV', async () => {
    await loadSeedCatalog();
    expect((await save(2014, { overview: '加强领导，完善制度。', other: '无。' })).status).toBe(303);
    expect((await request(t.app).get('/disclosure/reports/2014')).status).toBe(404);

    const res = await submit(2014);
    expect(res.status).toBe(303);
    const record = (await t.store.findDisclosureReport(2014))!;
    const entry = (await t.store.findDisclosureEntry(record.entryId!))!;
    expect(entry).toMatchObject({ status: 'approved', bodyFormat: 'html', category: '其他', title: '衢州市行政服务中心2014年政府信息公开工作年度报告' });
    expect(entry.indexNo).toMatch(/^11330800MB0R57773W\/2015-\d{5}$/);
    expect((await t.store.listDisclosureEvents(entry.id)).map((e) => [e.action, e.staffId])).toEqual([
      ['create', office.id],
      ['submit', office.id],
      ['approve', office.id],
    ]);
    // Still not public until the 网管员 publishes.
    expect((await request(t.app).get('/disclosure/reports/2014')).status).toBe(404);
    expect((await request(t.app).get(`/disclosure/${entry.id}`)).status).toBe(404);

    const w = await as('webmaster');
    const entryPage = await w.agent.get(`/staff/disclosure/${entry.id}`).expect(200);
    expect(entryPage.text).not.toContain('name="body"');
    const version = /name="version" value="(\d+)"/.exec(entryPage.text)![1];
    await w.agent.post(`/staff/disclosure/${entry.id}/steps/publish`).type('form').send({ _csrf: w.csrf, version }).expect(303);

    // Data that changes after submission does not change the published report.
    await publishedEntry(t.store, { author: t.staff.water, office, webmaster }, { category: '政策文件', publishedAt: '2014-06-01T02:00:00.000Z' });

    const pub = await request(t.app).get('/disclosure/reports/2014').expect(200);
    expect(pub.text).toContain('累计主动向政府信息公开专栏公开政府信息54条');
    expect(pub.text).toContain('加强领导，完善制度。');
    expect(pub.text).toContain('href="/disclosure/reports/2014/categories.csv"');
    const pubCsv = await request(t.app).get('/disclosure/reports/2014/categories.csv').expect(200);
    expect(csvLines(pubCsv.text)[2]).toBe('政策文件,40,74');
    const live = await (await as('office')).agent.get('/staff/disclosure/reports/2014/categories.csv').expect(200);
    expect(csvLines(live.text)[2]).toBe('政策文件,41,75');

    // The catalog entry's body is the report itself, as HTML (not escaped text).
    const pubEntry = await request(t.app).get(`/disclosure/${entry.id}`).expect(200);
    expect(pubEntry.text).toContain('<table class="data-table" id="table-categories">');
    expect(pubEntry.text).not.toContain('&lt;table');
    expect(pubEntry.headers['content-security-policy']).not.toContain('unsafe-inline');

    const list = await request(t.app).get('/disclosure/reports').expect(200);
    expect(list.text).toContain('href="/disclosure/reports/2014"');

    // Published: the office cannot resubmit until the 网管员 takes it down.
    const again = await submit(2014);
    expect(again.status).toBe(409);
    expect(again.text).toContain('请网管员先撤下');
  });

  it('when the office types markup into the report, then it is escaped everywhere, and the entry cannot be edited as raw HTML', async () => {
    expect((await save(2025, { overview: '<script>alert(1)</script><b>粗体</b>' })).status).toBe(303);
    expect((await submit(2025)).status).toBe(303);
    const entryId = (await t.store.findDisclosureReport(2025))!.entryId!;
    const entry = (await t.store.findDisclosureEntry(entryId))!;
    expect(entry.body).not.toContain('<script>');
    expect(entry.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const o = await as('office');
    const res = await o.agent
      .post(`/staff/disclosure/${entryId}`)
      .type('form')
      .send({ _csrf: o.csrf, version: String(entry.version), title: 'x', category: '其他', writtenDate: '2026-01-01', publisher: 'x', summary: '', body: '<script>alert(2)</script>' });
    expect(res.status).toBe(409);
    expect((await t.store.findDisclosureEntry(entryId))!.body).toBe(entry.body);
  });

  it('when a figure is not a number, then the form comes back with a Chinese message beside it and nothing is saved', async () => {
    const res = await save(2025, { template: '2021', penalties: '-3', feeAmount: '1.23456', overview: '草稿' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('行政处罚 本年处理决定数量须为不小于0的整数');
    expect(res.text).toContain('最多4位小数');
    expect(res.text).toContain('id="penalties-error"');
    expect(res.text).toContain('草稿');
    expect(await t.store.findDisclosureReport(2025)).toBeNull();
  });

  it('when a year is not a real report year, then it is not found', async () => {
    const s = await as('office');
    await s.agent.get('/staff/disclosure/reports/20x5').expect(404);
    await s.agent.get('/staff/disclosure/reports/1999').expect(404);
    await s.agent.get('/staff/disclosure/reports/2025/nothing.csv').expect(404);
    await request(t.app).get('/disclosure/reports/abcd').expect(404);
  });

  describe('the 2021 template on a mixed year', () => {
    let seq = 0;
    function insertRequest(r: { kind: string; receivedOn: string; closedOn?: string; outcome?: string }) {
      seq += 1;
      const closed = r.closedOn !== undefined;
      const info = t.store.db
        .prepare(
          `INSERT INTO disclosure_requests (query_no, applicant_kind, applicant_name, id_number, phone, description, delivery_form,
             stage, received_at, received_on, clock_start_on, outcome, closed_at, closed_on, created_at, updated_at)
           VALUES (?, ?, '申请人', 'X', '0570-3890183', '申请公开某信息', 'email', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          `R${String(seq).padStart(11, '0')}`,
          r.kind,
          closed ? 'closed' : 'received',
          `${r.receivedOn}T02:00:00.000Z`,
          r.receivedOn,
          r.receivedOn,
          r.outcome ?? null,
          closed ? `${r.closedOn}T02:00:00.000Z` : null,
          r.closedOn ?? null,
          `${r.receivedOn}T02:00:00.000Z`,
          `${r.receivedOn}T02:00:00.000Z`,
        );
      return Number(info.lastInsertRowid);
    }

    async function approveCasesIn2025(n: number) {
      clock.set('2025-06-10T02:00:00.000Z');
      const token = await apiToken(t.app, 'water');
      const api = (path: string, body: object) => request(t.app).post(path).set('Authorization', `Bearer ${token}`).send(body);
      for (let i = 0; i < n; i++) {
        const q = (await api('/api/v1/cases', { itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201)).body.queryNo as string;
        await api(`/api/v1/cases/${q}/transitions`, { to: 'accepted' }).expect(200);
        await api(`/api/v1/cases/${q}/transitions`, { to: 'approved', decisionNo: `衢水许〔2025〕${i + 1}号` }).expect(200);
      }
      clock.set('2026-03-02T02:00:00.000Z');
    }

    beforeEach(async () => {
      await approveCasesIn2025(2);
      // Carried over from 2024, closed in 2025.
      insertRequest({ kind: 'business', receivedOn: '2024-12-20', closedOn: '2025-01-10', outcome: 'disclose' });
      insertRequest({ kind: 'person', receivedOn: '2025-02-01', closedOn: '2025-02-20', outcome: 'disclose' });
      const withheld = insertRequest({ kind: 'person', receivedOn: '2025-03-01', closedOn: '2025-03-15', outcome: 'withhold_state_secret' });
      insertRequest({ kind: 'legal_service', receivedOn: '2025-05-01', closedOn: '2025-05-30', outcome: 'partial' });
      insertRequest({ kind: 'research', receivedOn: '2025-06-01', closedOn: '2025-06-09', outcome: 'other_no_supplement' });
      // Open at the end of 2025: 结转下年度.
      insertRequest({ kind: 'other_org', receivedOn: '2025-12-30' });
      // Another year altogether.
      insertRequest({ kind: 'person', receivedOn: '2024-01-01', closedOn: '2024-01-05', outcome: 'disclose' });
      t.store.db
        .prepare(
          `INSERT INTO disclosure_request_reviews (request_id, kind, filed_on, outcome, decided_on, staff_id, at)
           VALUES (?, 'review', '2025-04-01', 'upheld', '2025-06-01', ?, '2025-06-01T02:00:00.000Z')`,
        )
        .run(withheld, office.id);
      expect((await save(2025, { template: '2021', normsIssued: '3', normsInForce: '12', feeAmount: '1.25', overview: '总体情况。' })).status).toBe(303);
    });

    it('when generated, then 表二 counts the year’s approvals, 表三 every applicant column with the check shown, and 表四 the review', async () => {
      const page = await (await as('office')).agent.get('/staff/disclosure/reports/2025').expect(200);
      for (const h of ['一、总体情况', '二、主动公开政府信息情况', '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况', '五、存在的主要问题及改进情况', '六、其他需要报告的事项']) {
        expect(page.text).toContain(h);
      }
      expect(page.text).toContain('本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和');
      expect(page.text).toContain('各列均成立（总计列：5 + 1 = 5 + 1）');

      const t2 = csvLines((await (await as('office')).agent.get('/staff/disclosure/reports/2025/table2.csv').expect(200)).text);
      expect(t2).toContain('行政许可,2');
      expect(t2).toContain('行政规范性文件,3,0,12');
      expect(t2).toContain('行政事业性收费,1.25');

      const t3 = csvLines((await (await as('office')).agent.get('/staff/disclosure/reports/2025/table3.csv').expect(200)).text);
      const row = (label: string) => t3.find((l) => l.startsWith(`${label},`))?.split(',').slice(1).map(Number);
      // Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
      expect(row('一、本年新收政府信息公开申请数量')).toEqual([2, 0, 1, 0, 1, 1, 5]);
      expect(row('二、上年结转政府信息公开申请数量')).toEqual([0, 1, 0, 0, 0, 0, 1]);
      expect(row('（一）予以公开')).toEqual([1, 1, 0, 0, 0, 0, 2]);
      expect(row('1.属于国家秘密')).toEqual([1, 0, 0, 0, 0, 0, 1]);
      expect(row('（七）总计')).toEqual([2, 1, 1, 0, 1, 0, 5]);
      expect(row('四、结转下年度继续办理')).toEqual([0, 0, 0, 0, 0, 1, 1]);
      for (let c = 0; c < 7; c++) {
        expect(row('一、本年新收政府信息公开申请数量')![c] + row('二、上年结转政府信息公开申请数量')![c]).toBe(
          row('（七）总计')![c] + row('四、结转下年度继续办理')![c],
        );
      }
      expect(t3).toHaveLength(3 + 30);

      const t4 = csvLines((await (await as('office')).agent.get('/staff/disclosure/reports/2025/table4.csv').expect(200)).text);
      expect(t4[3]).toBe('1,0,0,0,1,0,0,0,0,0,0,0,0,0,0');
    });

    it('when a closed request has lost its outcome, then the check fails naming the column and the report cannot be submitted', async () => {
      // A record the schema would refuse (closed without an outcome), as a damaged or hand-edited database might hold.
      t.store.db.pragma('ignore_check_constraints = ON');
      insertRequest({ kind: 'business', receivedOn: '2025-07-01', closedOn: '2025-07-09' });
      t.store.db.pragma('ignore_check_constraints = OFF');
      const page = await (await as('office')).agent.get('/staff/disclosure/reports/2025').expect(200);
      expect(page.text).toContain('id="check-failed"');
      const res = await submit(2025);
      expect(res.status).toBe(409);
      expect(res.text).toContain('表三勾稽关系不成立，不能发布');
      expect(res.text).toContain('“商业企业”列 本年新收与上年结转之和为2，办理结果总计与结转下年度之和为1');
      expect((await t.store.findDisclosureReport(2025))!.entryId).toBeNull();
      expect((await t.store.listDisclosureEntries({ limit: 10, offset: 0 })).total).toBe(0);
    });

    it('when published, then the public HTML and CSV show the same tables', async () => {
      expect((await submit(2025)).status).toBe(303);
      const entryId = (await t.store.findDisclosureReport(2025))!.entryId!;
      const w = await as('webmaster');
      const p = await w.agent.get(`/staff/disclosure/${entryId}`).expect(200);
      await w.agent
        .post(`/staff/disclosure/${entryId}/steps/publish`)
        .type('form')
        .send({ _csrf: w.csrf, version: /name="version" value="(\d+)"/.exec(p.text)![1] })
        .expect(303);
      const html = await request(t.app).get('/disclosure/reports/2025').expect(200);
      expect(html.text).toContain('id="table3"');
      expect(html.text).toContain('href="/disclosure/reports/2025/table3.csv"');
      const csv = await request(t.app).get('/disclosure/reports/2025/table3.csv').expect(200);
      expect(csvLines(csv.text).find((l) => l.startsWith('（七）总计,'))).toBe('（七）总计,2,1,1,0,1,0,5');
    });
  });
});
