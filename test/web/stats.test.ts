import request from 'supertest';
import { bj, caseDriver } from '../helpers/cases';
import { createTestApp, manualClock, staffAgent, type TestApp } from '../helpers/test-app';

/** Cells of the rows of the data table whose caption is `caption`, as text. */
function table(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption class="visually-hidden">${caption}</caption>`);
  if (start < 0) throw new Error(`no table ${caption}`);
  const body = html.slice(start, html.indexOf('</table>', start)).split('<tbody>')[1];
  return body
    .split('</tr>')
    .filter((r) => r.includes('<t'))
    .map((r) => [...r.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => m[1].trim()));
}

describe('统计 dashboard', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let cases: ReturnType<typeof caseDriver>;
  beforeEach(async () => {
    clock = manualClock(bj('2026-08-20'));
    t = await createTestApp({}, { clock });
    cases = caseDriver(t, clock);
  });
  afterEach(() => t.cleanup());

  /**
   * Hand count for 市水利局, 2026-09-01 … 2026-11-30 (items promise 10 working days):
   * A SLJ-001 reg 09-07, acc 09-08, approved 09-10 (2 wd, due 09-22: on time), completed 09-11, rated 非常满意 09-15
   * B SLJ-001 reg 10-12, acc 10-12, denied 10-30 (14 wd, due 10-26: late), completed 11-02, rated 不满意 11-03
   * C SLJ-001 reg 11-03, acc 11-03 (still 已受理)
   * D SLJ-001 reg 11-04, 不予受理 11-05 (on time, no acceptance: no working days)
   * F SLJ-009 reg 08-20 (before the period), acc 08-21, approved 09-01 (7 wd: 8/24–28, 8/31, 9/1; on time), completed 09-03
   * E GTJ-001 reg 11-04: another department.
   * → registered 4 (A B C D), completed 3 (A F in Sept, B in Nov), decided 4, on time 3 (75.0%),
   *   stages: 已受理 1, 不予受理 1, 已办结 3; trend 09: 1/2, 10: 1/0, 11: 2/1;
   *   SLJ-001: 2 cases, (2 + 14) / 2 = 8.0 wd; SLJ-009: 1 case, 7.0 wd; levels 非常满意 1, 不满意 1.
   */
  async function fixture() {
    const f = await cases.register(bj('2026-08-20'), { itemCode: 'SLJ-009' });
    await cases.move(f, bj('2026-08-21'), 'accepted');
    await cases.move(f, bj('2026-09-01'), 'approved');
    await cases.move(f, bj('2026-09-03'), 'completed');
    const a = await cases.completed({ registered: '2026-09-07', accepted: '2026-09-08', decided: '2026-09-10', completed: '2026-09-11' });
    clock.set(bj('2026-09-15'));
    await request(t.app).post(`/api/v1/cases/${a}/evaluation`).send({ phoneLast4: '1234', level: 'very_satisfied', scores: { efficiency: 5, quality: 5, attitude: 5 } }).expect(201);
    const b = await cases.completed({ registered: '2026-10-12', decided: '2026-10-30', completed: '2026-11-02' }, { deny: true });
    clock.set(bj('2026-11-03'));
    await request(t.app).post(`/api/v1/cases/${b}/evaluation`).send({ phoneLast4: '1234', level: 'dissatisfied', scores: { efficiency: 2, quality: 2, attitude: 3 } }).expect(201);
    const c = await cases.register(bj('2026-11-03'));
    await cases.move(c, bj('2026-11-03', 11), 'accepted');
    const d = await cases.register(bj('2026-11-04'));
    await cases.move(d, bj('2026-11-05'), 'not_accepted');
    await cases.register(bj('2026-11-04'), { itemCode: 'GTJ-001', staff: t.staff.land });
    clock.set(bj('2026-12-01'));
  }
  const period = 'from=2026-09-01&to=2026-11-30';

  it('when a supervisor asks for the period, then every number equals the hand count', async () => {
    await fixture();
    const { agent } = await staffAgent(t.app, 'waterlead');
    const page = await agent.get(`/staff/stats?${period}`).expect(200);
    expect(page.text).toContain('统计：市水利局');
    expect(table(page.text, '概况')).toEqual([
      ['收件数', '4'],
      ['办结数', '3'],
      ['作出决定数', '4'],
      ['按时决定数', '3'],
      ['按时办结率', '75.0%'],
      ['满意率', '50.0%'],
    ]);
    expect(table(page.text, '每月收件与办结')).toEqual([
      ['2026-09', '1', '2'],
      ['2026-10', '1', '0'],
      ['2026-11', '2', '1'],
    ]);
    const stages = Object.fromEntries(table(page.text, '当前各阶段办件数'));
    expect(stages).toMatchObject({ 已受理: '1', 不予受理: '1', 已办结: '3', 已收件: '0' });
    expect(table(page.text, '各事项平均办理工作日')).toEqual([
      ['SLJ-001', '取水许可', '2', '8'],
      ['SLJ-009', '涉密水文资料使用审批', '1', '7'],
    ]);
    expect(table(page.text, '评价等级分布')).toEqual([
      ['非常满意', '1'],
      ['满意', '0'],
      ['基本满意', '0'],
      ['不满意', '1'],
      ['非常不满意', '0'],
    ]);
    // Each chart is an accessible svg next to its table.
    expect((page.text.match(/<svg class="chart-svg" role="img"/g) ?? []).length).toBe(4);
    expect(page.text).toContain('2026-09：收件数 1，办结数 2');
  });

  it('when window staff ask for another department, then they still get their own; an admin may choose the whole center', async () => {
    await fixture();
    const water = await staffAgent(t.app, 'water');
    const own = await water.agent.get(`/staff/stats?dept=GTJ&${period}`).expect(200);
    expect(own.text).toContain('统计：市水利局');
    expect(table(own.text, '概况')[0]).toEqual(['收件数', '4']);
    const admin = await staffAgent(t.app, 'admin');
    const center = await admin.agent.get(`/staff/stats?${period}`).expect(200);
    expect(center.text).toContain('统计：全中心');
    expect(table(center.text, '概况')[0]).toEqual(['收件数', '5']);
    const land = await admin.agent.get(`/staff/stats?dept=GTJ&${period}`).expect(200);
    expect(table(land.text, '概况').slice(0, 3)).toEqual([
      ['收件数', '1'],
      ['办结数', '0'],
      ['作出决定数', '0'],
    ]);
  });

  it('when the period is invalid, then 400 with the message beside the field and the input kept', async () => {
    const { agent } = await staffAgent(t.app, 'waterlead');
    const reversed = await agent.get('/staff/stats?from=2026-11-30&to=2026-09-01').expect(400);
    expect(reversed.text).toContain('结束日期不能早于开始日期');
    expect(reversed.text).toContain('value="2026-11-30"');
    const bad = await agent.get('/staff/stats?from=2026-02-30&to=2026-03-01').expect(400);
    expect(bad.text).toContain('开始日期格式应为 YYYY-MM-DD');
    await agent.get('/staff/stats?from=2020-01-01&to=2026-03-01').expect(400);
    const csv = await agent.get('/staff/stats.csv?table=trend&from=2026-11-30&to=2026-09-01');
    expect(csv.status).toBe(400);
  });

  it('when no period is given, then the last six months up to today are shown', async () => {
    clock.set(bj('2026-11-15'));
    const { agent } = await staffAgent(t.app, 'waterlead');
    const page = await agent.get('/staff/stats').expect(200);
    expect(page.text).toContain('value="2026-06-01"');
    expect(page.text).toContain('value="2026-11-15"');
    expect(table(page.text, '每月收件与办结').map((r) => r[0])).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
  });

  it('when a table is downloaded, then the CSV has a BOM, CRLF rows and the same numbers as the page', async () => {
    await fixture();
    const { agent } = await staffAgent(t.app, 'waterlead');
    const res = await agent.get(`/staff/stats.csv?table=trend&${period}`).buffer(true).parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toContain('stats-trend-SLJ-2026-09-01-2026-11-30.csv');
    expect(res.body).toBe('\uFEFF月份,收件数,办结数\r\n2026-09,1,2\r\n2026-10,1,0\r\n2026-11,2,1\r\n');
    const items = await agent.get(`/staff/stats.csv?table=items&${period}`).expect(200);
    expect(items.text).toContain('SLJ-001,取水许可,2,8\r\n');
    await agent.get(`/staff/stats.csv?table=secrets&${period}`).expect(404);
  });

  it('when a label starts like a formula, then the CSV neutralises it', async () => {
    await t.store.createItem({
      code: 'SLJ-777', name: '=HYPERLINK("x")', category: '其他', departmentId: t.depts.water.id,
      statutoryDays: 20, promisedDays: 10, resultsPublic: true, resultValidity: '', status: 'in_force',
    });
    const q = await cases.register(bj('2026-09-01'), { itemCode: 'SLJ-777' });
    await cases.move(q, bj('2026-09-01', 11), 'accepted');
    await cases.move(q, bj('2026-09-02'), 'approved');
    clock.set(bj('2026-09-10'));
    const { agent } = await staffAgent(t.app, 'waterlead');
    const csv = await agent.get(`/staff/stats.csv?table=items&${period}`).expect(200);
    expect(csv.text).toContain(`SLJ-777,"'=HYPERLINK(""x"")",1,1\r\n`);
  });
});
