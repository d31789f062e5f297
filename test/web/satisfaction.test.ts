import request from 'supertest';
import type { Staff } from '../../src/domain/model';
import { bj, caseDriver } from '../helpers/cases';
import { createTestApp, manualClock, personApplicant, type TestApp } from '../helpers/test-app';

const scores = { efficiency: 4, quality: 4, attitude: 5 };

/** The text of each cell of the table row whose header cell starts with `name`. */
function rowCells(html: string, tableIndex: number, name: string): string[] {
  const table = html.split('<table')[tableIndex + 1];
  const row = table.split('<tr>').find((r) => r.includes(`data-label`) && new RegExp(`<th scope="row"[^>]*>${name}`).test(r));
  if (!row) throw new Error(`no row ${name}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}

describe('满意度公示 and 窗口星级考评', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let cases: ReturnType<typeof caseDriver>;
  let w1: Staff;
  let w2: Staff;
  beforeEach(async () => {
    clock = manualClock(bj('2026-11-02'));
    t = await createTestApp({}, { clock });
    cases = caseDriver(t, clock);
    const win1 = await t.store.createWindow({ departmentId: t.depts.water.id, code: 'W01', name: '水利一号窗口', location: '二楼' });
    const win2 = await t.store.createWindow({ departmentId: t.depts.water.id, code: 'W02', name: '水利二号窗口', location: '二楼' });
    const mk = (username: string, windowId: number) =>
      t.store.createStaff({ username, displayName: username, role: 'window_staff', departmentId: t.depts.water.id, windowId, passwordHash: 'x', isDemo: false });
    w1 = await mk('w1', win1.id);
    w2 = await mk('w2', win2.id);
  });
  afterEach(() => t.cleanup());

  async function evaluate(q: string, at: string, level: string) {
    clock.set(at);
    return request(t.app).post(`/api/v1/cases/${q}/evaluation`).send({ phoneLast4: '1234', level, scores }).expect(201);
  }

  /**
   * Hand count for 2026-11:
   * 水利一号窗口: 6 decisions (5 on time: accepted 11-02, decided 11-05; 1 late: decided 11-20 > due 11-16),
   *   evaluations 3 非常满意, 1 满意, 1 基本满意, 1 不满意 (rectified) → 满意率 4/6 = 66.7%, 按时 5/6 = 83.3%,
   *   整改率 1/1 → stars round(5 × (0.5 × 0.6667 + 0.3 × 0.8333 + 0.2 × 1)) = round(3.92) = 4.
   * 水利二号窗口: 2 decisions, 1 满意, 1 非常不满意 (open) → 数据不足.
   * 市水利局: 3 + 2 + 1 + 1 + 1 = 8, 满意率 5/8 = 62.5%, 差评 2, rectified 1 → 50.0%.
   * An October evaluation is left out.
   */
  async function fixture() {
    const levels1 = ['very_satisfied', 'very_satisfied', 'very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'];
    for (const [i, level] of levels1.entries()) {
      const late = i === 5;
      const q = await cases.completed({ registered: '2026-11-02', decided: late ? '2026-11-20' : '2026-11-05', completed: '2026-11-23' }, { staff: w1 });
      await evaluate(q, bj('2026-11-24'), level);
    }
    for (const level of ['satisfied', 'very_dissatisfied']) {
      const q = await cases.completed({ registered: '2026-11-03', decided: '2026-11-04' }, { staff: w2 });
      await evaluate(q, bj('2026-11-25'), level);
    }
    const october = await cases.completed({ registered: '2026-10-12', decided: '2026-10-13' }, { staff: w2 });
    await evaluate(october, bj('2026-10-30'), 'very_dissatisfied');
    const tasks = await t.store.listRectifications({ limit: 10, offset: 0 });
    const w1Task = tasks.rows.find((r) => r.windowName === '水利一号窗口')!;
    await t.store.recordFollowUp({ id: w1Task.id, date: '2026-11-25', result: '已回访', staffId: t.staff.waterLead.id, at: bj('2026-11-25') });
    await t.store.closeRectification({ id: w1Task.id, note: '已整改', staffId: t.staff.waterLead.id, at: bj('2026-11-26') });
    clock.set(bj('2026-11-30'));
  }

  it('when the month is chosen, then counts per level and rates per department and window equal the hand count', async () => {
    await fixture();
    const page = await request(t.app).get('/satisfaction?month=2026-11').expect(200);
    // Columns: 非常满意, 满意, 基本满意, 不满意, 非常不满意, 总数, 满意率, 整改率
    expect(rowCells(page.text, 0, '市水利局')).toEqual(['3', '2', '1', '1', '1', '8', '62.5%', '50.0% 1/2']);
    expect(rowCells(page.text, 0, '市国土资源局')).toEqual(['0', '0', '0', '0', '0', '0', '—', '—']);
    expect(rowCells(page.text, 1, '水利一号窗口')).toEqual(['3', '1', '1', '1', '0', '6', '66.7%', '100.0% 1/1']);
    expect(rowCells(page.text, 1, '水利二号窗口')).toEqual(['0', '1', '0', '0', '1', '2', '50.0%', '0.0% 0/1']);
    expect(page.text).toContain('本月共收到评价 <strong>8</strong> 件');
  });

  it('when stars are shown, then the formula, the on-time definition and each window\'s stars (or 数据不足) follow the hand count', async () => {
    await fixture();
    const page = await request(t.app).get('/satisfaction?month=2026-11').expect(200);
    expect(page.text).toContain('星级 = 四舍五入(5 × (0.5 × 满意率 + 0.3 × 按时办结率 + 0.2 × 差评整改率))');
    expect(page.text).toContain('决定当日（北京时间）不晚于作出决定时的办理期限');
    // Columns: 评价数, 满意率, 决定件数, 按时办结率, 整改率, 星级
    expect(rowCells(page.text, 2, '水利一号窗口')).toEqual(['6', '66.7%', '6', '83.3%', '100.0%', '★★★★☆ 4 星']);
    expect(rowCells(page.text, 2, '水利二号窗口')).toEqual(['2', '50.0%', '2', '100.0%', '0.0%', '数据不足']);
  });

  it('when no month is given, then the current Beijing month is shown; a bad month gets 400 beside the field', async () => {
    await fixture();
    clock.set('2026-11-30T17:00:00Z'); // 2026-12-01 01:00 in Beijing
    const page = await request(t.app).get('/satisfaction').expect(200);
    expect(page.text).toContain('2026-12 各部门');
    expect(page.text).toContain('本月共收到评价 <strong>0</strong> 件');
    const bad = await request(t.app).get('/satisfaction?month=2026-13').expect(400);
    expect(bad.text).toContain('月份格式应为 YYYY-MM');
    expect(bad.text).toContain('value="2026-13"');
    await request(t.app).get('/satisfaction?month=2027-01').expect(400);
    const october = await request(t.app).get('/satisfaction?month=2026-10').expect(200);
    expect(rowCells(october.text, 1, '水利二号窗口').slice(0, 6)).toEqual(['0', '0', '0', '0', '1', '1']);
  });

  it('when the page is public, then no comment, name, phone or ID number appears', async () => {
    const q = await cases.completed({ registered: '2026-11-02' }, { staff: w1 });
    clock.set(bj('2026-11-03'));
    await request(t.app)
      .post(`/api/v1/cases/${q}/evaluation`)
      .send({ phoneLast4: '1234', level: 'dissatisfied', comment: '这是一条私密意见', scores })
      .expect(201);
    const page = await request(t.app).get('/satisfaction?month=2026-11').expect(200);
    for (const secret of ['这是一条私密意见', personApplicant().name, personApplicant().phone, personApplicant().idNumber, q]) {
      expect(page.text).not.toContain(secret);
    }
  });
});
