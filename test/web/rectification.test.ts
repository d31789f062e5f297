import request from 'supertest';
import { bj, caseDriver } from '../helpers/cases';
import { createTestApp, manualClock, staffAgent, type TestApp } from '../helpers/test-app';

const BAD = { phoneLast4: '1234', level: 'very_dissatisfied', comment: '等了很久没人理', scores: { efficiency: 1, quality: 2, attitude: 1 } };

describe('差评整改: a bad review opens a rectification task for the supervisors', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let cases: ReturnType<typeof caseDriver>;
  beforeEach(async () => {
    clock = manualClock(bj('2026-09-01'));
    t = await createTestApp({}, { clock });
    cases = caseDriver(t, clock);
  });
  afterEach(() => t.cleanup());

  /** A completed water case rated 非常不满意 at 10:00 on `date`; returns the task id. */
  async function badReview(date: string, itemCode = 'SLJ-001') {
    const q = await cases.completed({ registered: date }, { itemCode, staff: itemCode.startsWith('GTJ') ? t.staff.land : undefined });
    clock.set(bj(date, 16));
    const res = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send(BAD).expect(201);
    expect(res.body.followUp).toBe(true);
    const list = await t.store.listRectifications({ limit: 50, offset: 0 });
    return list.rows.find((r) => r.queryNo === q)!;
  }

  it('when a case is rated 非常不满意 before the National Day holiday, then the deadline is 15 working days later, skipping the holiday', async () => {
    // 2026-09-30 (Wed) is day 0; 10/1–10/7 are off; 10/8, 10/9, 10/10 (Sat, make-up workday) are days 1–3,
    // then 10/12–16 (4–8), 10/19–23 (9–13), 10/26 (14), 10/27 (15).
    const task = await badReview('2026-09-30');
    expect(task).toMatchObject({ status: 'open', dueDate: '2026-10-27', level: 'very_dissatisfied', comment: '等了很久没人理', followUp: null });
  });

  it('when RECTIFICATION_DAYS is 5, then the deadline is 5 working days', async () => {
    await t.cleanup();
    t = await createTestApp({ RECTIFICATION_DAYS: '5' }, { clock });
    cases = caseDriver(t, clock);
    const task = await badReview('2026-11-02');
    expect(task.dueDate).toBe('2026-11-09');
  });

  it('when a case is rated 不满意, then a task is opened; 基本满意 opens none', async () => {
    const q1 = await cases.completed({ registered: '2026-11-02' });
    await request(t.app).post(`/api/v1/cases/${q1}/evaluation`).send({ ...BAD, level: 'dissatisfied' }).expect(201);
    const q2 = await cases.completed({ registered: '2026-11-02' });
    const ok = await request(t.app).post(`/api/v1/cases/${q2}/evaluation`).send({ ...BAD, level: 'basically_satisfied' }).expect(201);
    expect(ok.body.followUp).toBe(false);
    expect((await t.store.listRectifications({ limit: 10, offset: 0 })).rows.map((r) => r.queryNo)).toEqual([q1]);
  });

  it('when the supervisor records the 回访 and closes the task, then it is closed with both, and the list shows it after open ones', async () => {
    const task = await badReview('2026-11-02');
    const open2 = await badReview('2026-11-03');
    clock.set(bj('2026-11-05'));
    const lead = await staffAgent(t.app, 'waterlead');
    const closeTooEarly = await lead.agent
      .post(`/staff/rectifications/${task.id}/close`)
      .type('form')
      .send({ _csrf: lead.csrf, note: '已整改' })
      .expect(400);
    expect(closeTooEarly.text).toContain('请先记录回访');
    expect(closeTooEarly.text).toContain('已整改');

    const bad = await lead.agent
      .post(`/staff/rectifications/${task.id}/follow-up`)
      .type('form')
      .send({ _csrf: lead.csrf, date: '2026-11-30', result: '已回访' })
      .expect(400);
    expect(bad.text).toContain('回访日期不能晚于今天（2026-11-05）');
    const bad2 = await lead.agent
      .post(`/staff/rectifications/${task.id}/follow-up`)
      .type('form')
      .send({ _csrf: lead.csrf, date: '2026-02-30', result: '' })
      .expect(400);
    expect(bad2.text).toContain('回访日期格式应为 YYYY-MM-DD');
    expect(bad2.text).toContain('请填写回访结果');
    expect(bad2.text).toContain('value="2026-02-30"');

    await lead.agent
      .post(`/staff/rectifications/${task.id}/follow-up`)
      .type('form')
      .send({ _csrf: lead.csrf, date: '2026-11-04', result: '电话回访，申请人反映取号后等候时间长' })
      .expect(303);
    await lead.agent
      .post(`/staff/rectifications/${task.id}/close`)
      .type('form')
      .send({ _csrf: lead.csrf, note: '增设取号提醒，已向申请人致歉' })
      .expect(303);
    const page = await lead.agent.get(`/staff/rectifications/${task.id}`).expect(200);
    expect(page.text).toContain('已整改办结');
    expect(page.text).toContain('电话回访，申请人反映取号后等候时间长');
    expect(page.text).toContain('增设取号提醒，已向申请人致歉');
    expect(await t.store.findRectification(task.id)).toMatchObject({ status: 'closed', followUp: { date: '2026-11-04' } });

    const list = await lead.agent.get('/staff/rectifications').expect(200);
    expect(list.text.indexOf(`整改 #${open2.id}`)).toBeLessThan(list.text.indexOf(`整改 #${task.id}`));

    const again = await lead.agent
      .post(`/staff/rectifications/${task.id}/close`)
      .type('form')
      .send({ _csrf: lead.csrf, note: '再次办结' })
      .expect(409);
    expect(again.text).toContain('已办结');
  });

  it('when window staff open a task, then they may view it but not record or close it (403)', async () => {
    const task = await badReview('2026-11-02');
    const water = await staffAgent(t.app, 'water');
    const page = await water.agent.get(`/staff/rectifications/${task.id}`).expect(200);
    expect(page.text).toContain('由本部门科室负责人回访并办结');
    expect(page.text).not.toContain('办结整改任务</button>');
    await water.agent.post(`/staff/rectifications/${task.id}/follow-up`).type('form').send({ _csrf: water.csrf, date: '2026-11-02', result: 'x' }).expect(403);
    await water.agent.post(`/staff/rectifications/${task.id}/close`).type('form').send({ _csrf: water.csrf, note: 'x' }).expect(403);
    await water.agent.get('/staff/rectifications').expect(403);
    expect((await t.store.findRectification(task.id))?.status).toBe('open');
  });

  it('when staff of another department try a task, then 403; an admin sees every department and may close', async () => {
    const task = await badReview('2026-11-02');
    const land = await staffAgent(t.app, 'land');
    await land.agent.get(`/staff/rectifications/${task.id}`).expect(403);
    await land.agent.post(`/staff/rectifications/${task.id}/close`).type('form').send({ _csrf: land.csrf, note: 'x' }).expect(403);
    const landTask = await badReview('2026-11-02', 'GTJ-001');
    const lead = await staffAgent(t.app, 'waterlead');
    const own = await lead.agent.get('/staff/rectifications').expect(200);
    expect(own.text).toContain(`整改 #${task.id}`);
    expect(own.text).not.toContain(`整改 #${landTask.id}`);
    await lead.agent.get(`/staff/rectifications/${landTask.id}`).expect(403);
    const admin = await staffAgent(t.app, 'admin');
    const all = await admin.agent.get('/staff/rectifications').expect(200);
    expect(all.text).toContain(`整改 #${landTask.id}`);
    await admin.agent.post(`/staff/rectifications/${landTask.id}/follow-up`).type('form').send({ _csrf: admin.csrf, date: '2026-11-02', result: '已回访' }).expect(303);
    await admin.agent.post(`/staff/rectifications/${landTask.id}/close`).type('form').send({ _csrf: admin.csrf, note: '已整改' }).expect(303);
  });

  it('when an open task passes its deadline, then list and page flag it as overdue in words', async () => {
    const task = await badReview('2026-11-02');
    const lead = await staffAgent(t.app, 'waterlead');
    expect((await lead.agent.get('/staff/rectifications').expect(200)).text).toContain('整改中');
    clock.set(bj('2026-11-23'));
    const lead2 = await staffAgent(t.app, 'waterlead');
    const list = await lead2.agent.get('/staff/rectifications').expect(200);
    expect(task.dueDate).toBe('2026-11-23');
    expect(list.text).not.toContain('已逾期未整改');
    clock.set(bj('2026-11-24'));
    const lead3 = await staffAgent(t.app, 'waterlead');
    const late = await lead3.agent.get('/staff/rectifications').expect(200);
    expect(late.text).toContain('已逾期未整改');
    expect(late.text).toMatch(/<span class="summary-number">1<\/span> 件已逾期/);
    const page = await lead3.agent.get(`/staff/rectifications/${task.id}`).expect(200);
    expect(page.text).toContain('该任务已超过整改期限（2026-11-23）');
  });

  it('when a supervisor or admin looks at the staff header, then it links to 差评整改; window staff see no link', async () => {
    const lead = await staffAgent(t.app, 'waterlead');
    expect((await lead.agent.get('/staff').expect(200)).text).toContain('href="/staff/rectifications"');
    const water = await staffAgent(t.app, 'water');
    expect((await water.agent.get('/staff').expect(200)).text).not.toContain('href="/staff/rectifications"');
  });
});
