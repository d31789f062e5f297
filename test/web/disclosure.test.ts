import request from 'supertest';
import { largestRemainderPercents } from '../../src/domain/disclosure';
import { createOfficeStaff, publishedEntry } from '../helpers/disclosure-fixture';
import { createTestApp, csrfFrom, manualClock, staffAgent, type TestApp } from '../helpers/test-app';
import type { Staff } from '../../src/domain/model';

const INDEX_NO = /^11330800MB0R57773W\/2026-\d{5}$/;

describe('政府信息公开: catalog and review workflow', () => {
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

  it('largest-remainder percentages always add to 100', () => {
    expect(largestRemainderPercents([4, 40, 3, 7])).toEqual([7, 74, 6, 13]);
    expect(largestRemainderPercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainderPercents([0, 0])).toEqual([0, 0]);
    expect(largestRemainderPercents([5])).toEqual([100]);
  });
});
