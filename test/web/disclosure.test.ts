import request from 'supertest';
import { largestRemainderPercents } from '../../src/domain/disclosure';
import { createOfficeStaff, publishedEntry, SEED_REPORT, seedCategoryCounts } from '../helpers/disclosure-fixture';
import { createTestApp, csrfFrom, manualClock, staffAgent, type TestApp } from '../helpers/test-app';
import type { Staff } from '../../src/domain/model';

const INDEX_NO = /^11330800MB0R57773W\/2026-\d{5}$/;

describe('政府信息公开: catalog, review workflow and annual report', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let office: Staff;
  let webmaster: Staff;
  beforeEach(async () => {
    clock = manualClock('2026-03-02T02:00:00.000Z');
    t = await createTestApp({}, { clock });
    ({ office, webmaster } = await createOfficeStaff(t.store));
  });
  afterEach(() => t.cleanup());

  const draftForm = (over: Record<string, string> = {}) => ({
    title: '衢州市行政服务中心2026年工作要点',
    category: '规划计划',
    writtenDate: '2026-02-27',
    publisher: '衢州市行政服务中心',
    summary: '年度工作安排',
    body: '一、深化“最多跑一次”改革。\n二、推进政务公开标准化。',
    ...over,
  });

  async function draft(username = 'water', over: Record<string, string> = {}) {
    const s = await as(username);
    const res = await s.agent.post('/staff/disclosure').type('form').send({ _csrf: s.csrf, ...draftForm(over) }).expect(303);
    const id = Number(/\/staff\/disclosure\/(\d+)/.exec(res.headers.location)![1]);
    return { ...s, id };
  }

  // One login per account and test: the login rate limit allows 10 per 15 minutes.
  let agents: Map<string, Awaited<ReturnType<typeof staffAgent>>>;
  beforeEach(() => {
    agents = new Map();
  });
  async function as(username: string) {
    if (!agents.has(username)) agents.set(username, await staffAgent(t.app, username));
    return agents.get(username)!;
  }

  async function step(username: string, id: number, name: string, comment = '') {
    const s = await as(username);
    const page = await s.agent.get(`/staff/disclosure/${id}`).expect(200);
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '0';
    return s.agent.post(`/staff/disclosure/${id}/steps/${name}`).type('form').send({ _csrf: s.csrf, version, comment });
  }

  it('when staff draft an entry, then it gets a generated 索引号 <credit code>/<year>-<5 digits>, unique, and is not public', async () => {
    const a = await draft();
    const b = await draft('land', { title: '另一条信息' });
    const ea = (await t.store.findDisclosureEntry(a.id))!;
    const eb = (await t.store.findDisclosureEntry(b.id))!;
    expect(ea.indexNo).toMatch(INDEX_NO);
    expect(ea.indexNo).toBe('11330800MB0R57773W/2026-00001');
    expect(eb.indexNo).toBe('11330800MB0R57773W/2026-00002');
    expect(ea.status).toBe('draft');
    await request(t.app).get(`/disclosure/${a.id}`).expect(404);
    const list = await request(t.app).get('/disclosure').expect(200);
    expect(list.text).not.toContain('2026年工作要点');
  });

  it('when an imported entry keeps its own 索引号, then a second use of it is refused with the field error and the input kept', async () => {
    const s = await staffAgent(t.app, 'water');
    await s.agent.post('/staff/disclosure').type('form').send({ _csrf: s.csrf, ...draftForm({ indexNo: '11330800MB0R57773W/2015-104134' }) }).expect(303);
    const again = await s.agent
      .post('/staff/disclosure')
      .type('form')
      .send({ _csrf: s.csrf, ...draftForm({ indexNo: '11330800mb0r57773w/2015-104134', title: '重复索引号的信息' }) })
      .expect(400);
    expect(again.text).toContain('该索引号已被使用');
    expect(again.text).toContain('value="重复索引号的信息"');
    const all = await t.store.listDisclosureEntries({ limit: 10, offset: 0 });
    expect(all.rows.map((e) => e.indexNo)).toEqual(['11330800MB0R57773W/2015-104134']);
  });

  it('when the draft form is incomplete, then each field says what is wrong and the input is kept', async () => {
    const s = await staffAgent(t.app, 'water');
    const res = await s.agent
      .post('/staff/disclosure')
      .type('form')
      .send({ _csrf: s.csrf, ...draftForm({ title: '', writtenDate: '2026-02-30', category: '不存在的分类', body: '正文保留<b>' }) })
      .expect(400);
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain('成文日期须为有效日期');
    expect(res.text).toContain('请选择组配分类');
    expect(res.text).toContain('正文保留&lt;b&gt;');
    expect(res.text).toContain('value="2026-02-30"');
  });

  it('when an entry passes review, then each role may take only its own step (403 otherwise), and every step is logged', async () => {
    const { id } = await draft();
    expect((await step('office', id, 'approve')).status).toBe(409); // not submitted yet
    expect((await step('water', id, 'submit')).status).toBe(303);
    for (const who of ['water', 'webmaster', 'admin', 'waterlead']) expect((await step(who, id, 'approve')).status).toBe(403);
    expect((await step('water', id, 'return', '不行')).status).toBe(403);
    // Returning needs a comment; the page says so.
    const noComment = await step('office', id, 'return');
    expect(noComment.status).toBe(400);
    expect(noComment.text).toContain('退回须填写修改意见');
    expect((await step('office', id, 'return', '请补充文号')).status).toBe(303);
    expect((await t.store.findDisclosureEntry(id))!.status).toBe('returned');
    expect((await step('water', id, 'submit')).status).toBe(303);
    expect((await step('office', id, 'approve')).status).toBe(303);
    for (const who of ['water', 'office', 'admin']) expect((await step(who, id, 'publish')).status).toBe(403);
    clock.set('2026-03-02T03:30:00.000Z');
    expect((await step('webmaster', id, 'publish')).status).toBe(303);
    const published = (await t.store.findDisclosureEntry(id))!;
    expect(published).toMatchObject({ status: 'published', publishedAt: '2026-03-02T03:30:00.000Z' });

    const page = await request(t.app).get(`/disclosure/${id}`).expect(200);
    for (const text of ['索引号', published.indexNo, '成文日期', '2026-02-27', '公开方式', '主动公开', '组配分类', '规划计划', '发布日期', '2026-03-02 11:30', '信息来源', '衢州市行政服务中心']) {
      expect(page.text).toContain(text);
    }

    // Unpublishing needs a reason and is the webmaster's step only.
    expect((await step('office', id, 'unpublish', '过期')).status).toBe(403);
    const noReason = await step('webmaster', id, 'unpublish');
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('撤下须填写原因');
    expect((await step('webmaster', id, 'unpublish', '内容已过期')).status).toBe(303);
    await request(t.app).get(`/disclosure/${id}`).expect(404);

    const events = await t.store.listDisclosureEvents(id);
    expect(events.map((e) => [e.action, e.staffName, e.comment])).toEqual([
      ['create', 'water姓名', null],
      ['submit', 'water姓名', null],
      ['return', '办公室审核员', '请补充文号'],
      ['submit', 'water姓名', null],
      ['approve', '办公室审核员', null],
      ['publish', '网管员', null],
      ['unpublish', '网管员', '内容已过期'],
    ]);
    const history = await (await as('land')).agent.get(`/staff/disclosure/${id}`).expect(200);
    expect(history.text).toContain('办理记录');
    expect(history.text).toContain('请补充文号');
    expect(history.text).toContain('内容已过期');
  });

  it('when the office opens the staff list, then it sees what waits for review, and its header has no case links', async () => {
    const { id } = await draft();
    await step('water', id, 'submit');
    const o = await as('office');
    const list = await o.agent.get('/staff/disclosure').expect(200);
    expect(list.text).toMatch(/待办公室审核 <strong>1<\/strong> 条/);
    expect(list.text).toContain('去审核');
    expect(list.text).not.toContain('href="/staff/cases/new"');
    const filtered = await o.agent.get('/staff/disclosure?status=submitted').expect(200);
    expect(filtered.text).toContain('2026年工作要点');
    const form = await o.agent.get('/staff/disclosure/new').expect(200);
    expect(form.text).toContain('value="2026-03-02"');
    expect(form.text).toContain('原索引号');
  });

  it('when an entry is under review, then its text cannot be edited; when returned, it can, and the 索引号 stays', async () => {
    const { agent, csrf, id } = await draft();
    const before = (await t.store.findDisclosureEntry(id))!;
    await step('water', id, 'submit');
    const locked = await agent.post(`/staff/disclosure/${id}`).type('form').send({ _csrf: csrf, version: '2', ...draftForm({ title: '改标题' }) });
    expect(locked.status).toBe(409);
    await step('office', id, 'return', '改一下');
    const page = await agent.get(`/staff/disclosure/${id}`).expect(200);
    const version = /name="version" value="(\d+)"/.exec(page.text)![1];
    await agent.post(`/staff/disclosure/${id}`).type('form').send({ _csrf: csrf, version, ...draftForm({ title: '改后的标题', writtenDate: '2027-01-05' }) }).expect(303);
    const after = (await t.store.findDisclosureEntry(id))!;
    expect(after.title).toBe('改后的标题');
    expect(after.indexNo).toBe(before.indexNo);
  });

  it('when the public searches the catalog, then only published entries match, 2-character terms included, with counts by category and year', async () => {
    const who = { author: t.staff.water, office, webmaster };
    await publishedEntry(t.store, who, { title: '关于调整行政审批事项的通知', category: '政策文件', publishedAt: '2025-05-06T02:00:00.000Z' });
    await publishedEntry(t.store, who, { title: '中心内设机构及职能', category: '机构职能', publishedAt: '2026-01-06T02:00:00.000Z', body: '办公室负责政务公开' });
    await t.store.createDisclosureEntry(
      { title: '尚未发布的审批草稿', category: '政策文件', writtenDate: '2026-01-01', publisher: 'x', summary: '', body: '审批', indexPrefix: 'P/2026-' },
      { staffId: t.staff.water.id, at: '2026-01-01T00:00:00.000Z' },
    );
    const all = await request(t.app).get('/disclosure').expect(200);
    expect(all.text).toContain('关于调整行政审批事项的通知');
    expect(all.text).not.toContain('尚未发布的审批草稿');
    expect(all.text).toMatch(/政策文件<\/a> <span class="muted">（1 条）/);
    expect(all.text).toMatch(/2025年<\/a> <span class="muted">（1 条）/);

    const search = await request(t.app).get('/disclosure').query({ q: '审批' }).expect(200);
    expect(search.text).toContain('关于调整行政审批事项的通知');
    expect(search.text).not.toContain('中心内设机构及职能');
    expect(search.text).not.toContain('尚未发布的审批草稿');
    const inBody = await request(t.app).get('/disclosure').query({ q: '政务' }).expect(200);
    expect(inBody.text).toContain('中心内设机构及职能');
    const byYear = await request(t.app).get('/disclosure').query({ year: '2026' }).expect(200);
    expect(byYear.text).toContain('中心内设机构及职能');
    expect(byYear.text).not.toContain('关于调整行政审批事项的通知');
    const wildcard = await request(t.app).get('/disclosure').query({ q: '%' }).expect(200);
    expect(wildcard.text).toContain('共 0 条');
  });

  it('when the public opens the 公开指南, then it shows the office contact from the configuration', async () => {
    const res = await request(t.app).get('/disclosure/guide').expect(200);
    for (const text of ['0570-3890183', 'qzxzfwzx@163.com', '办公时间', '20个工作日', '机构职能、政策文件、规划计划、其他']) expect(res.text).toContain(text);
  });

  it('when the report is built from the seed report’s 54 entries, then the counts are 4/40/3/7 and the percentages add up to exactly 100', async () => {
    expect(SEED_REPORT).toContain('累计主动向政府信息公开专栏公开政府信息54条');
    const who = { author: t.staff.water, office, webmaster };
    const counts = seedCategoryCounts();
    expect(counts.map((c) => c.count)).toEqual([4, 40, 3, 7]);
    let k = 0;
    for (const c of counts) {
      for (let i = 0; i < c.count; i++) {
        k += 1;
        const month = String((k % 12) + 1).padStart(2, '0');
        await publishedEntry(t.store, who, { category: c.category, publishedAt: `${2010 + (k % 5)}-${month}-10T02:00:00.000Z` });
      }
    }
    // Published after the year ended: not in the 2014 report.
    await publishedEntry(t.store, who, { category: '其他', publishedAt: '2014-12-31T16:00:00.000Z', title: '2015年元旦发布' });
    await t.store.addSiteVisits(4_000_123);
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.get('/staff/disclosure/report').query({ year: '2014' }).expect(200);
    expect(res.text).toContain('累计主动向政府信息公开专栏公开政府信息54条');
    expect(res.text).toContain('机构职能类4条，占7%');
    expect(res.text).toContain('政策文件类40条，占74%');
    expect(res.text).toContain('规划计划类3条，占6%');
    expect(res.text).toContain('其他类7条，占13%');
    expect(res.text).toContain('4000123');
    const csv = await admin.agent.get('/staff/disclosure/report.csv').query({ year: '2014', table: 'categories' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toEqual(['组配分类,条数,占比（%）', '机构职能,4,7', '政策文件,40,74', '规划计划,3,6', '其他,7,13', '合计,54,100']);
    const percents = lines.slice(1, 5).map((l) => Number(l.split(',')[2]));
    expect(percents.reduce((a, b) => a + b, 0)).toBe(100);
    const site = await admin.agent.get('/staff/disclosure/report.csv').query({ year: '2014', table: 'site' }).expect(200);
    expect(site.text).toContain('网上办事大厅累计访问量（人次）,4000123');
  });

  it('when a category name needs quoting in CSV, then it is escaped (and a formula is neutralised)', async () => {
    await t.cleanup();
    t = await createTestApp({ DISCLOSURE_CATEGORIES: '机构职能,"政策,文件",=规划' }, { clock });
    ({ office, webmaster } = await createOfficeStaff(t.store));
    await publishedEntry(t.store, { author: t.staff.water, office, webmaster }, { category: '"政策', publishedAt: '2025-03-01T00:00:00.000Z' });
    const admin = await staffAgent(t.app, 'admin');
    const csv = await admin.agent.get('/staff/disclosure/report.csv').query({ year: '2025' }).expect(200);
    expect(csv.text).toContain('"""政策",1,100');
    expect(csv.text).toContain("'=规划,0,0");
  });

  it('when the report is drafted as an entry, then it enters the review workflow as a draft with the report text', async () => {
    const admin = await staffAgent(t.app, 'office');
    const page = await admin.agent.get('/staff/disclosure/report').query({ year: '2025', overview: '加强领导，完善制度。' }).expect(200);
    expect(page.text).toContain('加强领导，完善制度。');
    const res = await admin.agent
      .post('/staff/disclosure/report')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), year: '2025', overview: '加强领导，完善制度。', requests: '无申请。', fees: '无。', appeals: '无。', problems: '更新不及时。', other: '无。' })
      .expect(303);
    const id = Number(/(\d+)\?done/.exec(res.headers.location)![1]);
    const entry = (await t.store.findDisclosureEntry(id))!;
    expect(entry).toMatchObject({ status: 'draft', title: '衢州市行政服务中心2025年政府信息公开工作年度报告', category: '其他' });
    expect(entry.body).toContain('一、政府信息公开工作的基本概况\n\n加强领导，完善制度。');
    expect(entry.body).toContain('六、政府信息公开工作存在的主要问题及改进情况\n\n更新不及时。');
  });

  it('when the year is not a number, then the report page says so', async () => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.get('/staff/disclosure/report').query({ year: 'abc' }).expect(400);
    expect(res.text).toContain('id="year-error"');
  });

  it('largest-remainder percentages always add to 100', () => {
    expect(largestRemainderPercents([4, 40, 3, 7])).toEqual([7, 74, 6, 13]);
    expect(largestRemainderPercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainderPercents([0, 0])).toEqual([0, 0]);
    expect(largestRemainderPercents([5])).toEqual([100]);
  });
});
