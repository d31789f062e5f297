import request from 'supertest';
import { apiToken, createTestApp, manualClock, orgApplicant, staffAgent, type TestApp } from '../helpers/test-app';

/** 10:00 Beijing time on a date. */
const bj = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

describe('the statutory clock on cases', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  const tokens = new Map<string, Promise<string>>();
  beforeEach(async () => {
    clock = manualClock(bj('2026-11-02'));
    t = await createTestApp({}, { clock });
    tokens.clear();
  });
  afterEach(() => t.cleanup());

  const at = async (date: string, hour = 10) => {
    clock.set(bj(date, hour));
    return currentToken();
  };
  const register = async (_token: string) =>
    (
      await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${await currentToken()}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant(), projectName: '乌溪江引水工程' })
        .expect(201)
    ).body.queryNo as string;
  /** API tokens live 8 hours of the manual clock: one per clock setting. */
  const currentToken = () => {
    const key = clock.now().toISOString();
    if (!tokens.has(key)) tokens.set(key, apiToken(t.app, 'water'));
    return tokens.get(key) as Promise<string>;
  };
  const move = async (_token: string, q: string, body: object) =>
    request(t.app)
      .post(`/api/v1/cases/${q}/transitions`)
      .set('Authorization', `Bearer ${await currentToken()}`)
      .send(body)
      .expect(200);
  const lookup = async (q: string) => (await request(t.app).get(`/api/v1/cases/${q}`).expect(200)).body;

  it('when a case is received, then acceptance is due 5 working days later, shown to the applicant', async () => {
    const q = await register(await at('2026-11-02'));
    expect(await lookup(q)).toMatchObject({
      dueDate: '2026-11-09',
      workingDaysLeft: 5,
      pausedDays: 0,
      clockStatus: 'normal',
      clockKind: 'acceptance',
    });
    const page = await request(t.app).get(`/lookup?no=${q}`).expect(200);
    expect(page.text).toContain('受理期限');
    expect(page.text).toContain('2026-11-09');
    expect(page.text).toContain('还有 5 个工作日');
    expect(page.text).toContain('期限是怎样计算的');
    expect(page.text).toContain('2026-11-07（周末）');
  });

  it('when a case stays submitted past 5 working days, then it is overdue and flagged as deemed accepted for staff', async () => {
    const q = await register(await at('2026-11-02'));
    clock.set(bj('2026-11-06'));
    expect((await lookup(q)).clockStatus).toBe('due_soon');
    clock.set(bj('2026-11-10'));
    expect(await lookup(q)).toMatchObject({ clockStatus: 'overdue', workingDaysLeft: -1, deemedAccepted: false });
    const { agent } = await staffAgent(t.app, 'water');
    const page = await agent.get(`/staff/cases/${q}`).expect(200);
    expect(page.text).toContain('逾期未告知，视为受理');
    const list = await agent.get('/staff').expect(200);
    expect(list.text).toMatch(/<span class="summary-number">1<\/span> 件已逾期/);
    expect(list.text).toContain('逾期未告知，视为受理');
  });

  it('when accepted, then the decision is due after the promised limit, with the statutory date too', async () => {
    const token = await at('2026-11-02');
    const q = await register(token);
    clock.set(bj('2026-11-04'));
    await move(token, q, { to: 'accepted' });
    expect(await lookup(q)).toMatchObject({
      clockKind: 'decision',
      dueDate: '2026-11-18',
      statutoryDueDate: '2026-12-02',
      clockStatus: 'normal',
      workingDaysLeft: 10,
    });
  });

  it('when in special procedure, then the clock pauses and the paused days push the due date (第四十五条)', async () => {
    const token = await at('2026-11-02');
    const q = await register(token);
    clock.set(bj('2026-11-04'));
    await move(token, q, { to: 'accepted' });
    await move(token, q, { to: 'under_review' });
    clock.set(bj('2026-11-06'));
    await move(token, q, { to: 'special_procedure', note: '专家评审', notePublic: true });
    expect(await lookup(q)).toMatchObject({ clockStatus: 'paused', dueDate: null });
    const paused = await request(t.app).get(`/lookup?no=${q}`).expect(200);
    expect(paused.text).toContain('特别程序时间不计入期限');
    clock.set(bj('2026-11-13'));
    await move(token, q, { to: 'under_review' });
    expect(await lookup(q)).toMatchObject({ clockStatus: 'normal', dueDate: '2026-11-25', pausedDays: 5 });
  });

  it('when approved, then the certificate is due in 10 working days; when completed, the clock stops', async () => {
    const token = await at('2026-11-02');
    const q = await register(token);
    await move(token, q, { to: 'accepted' });
    await move(token, q, { to: 'approved', decisionNo: '衢水许〔2026〕001号' });
    expect(await lookup(q)).toMatchObject({ clockKind: 'certificate', dueDate: '2026-11-16' });
    await move(token, q, { to: 'completed' });
    expect(await lookup(q)).toMatchObject({ clockStatus: 'stopped', dueDate: null, workingDaysLeft: null });
  });

  describe('extension (第四十二条)', () => {
    async function acceptedCase() {
      const token = await at('2026-11-02');
      const q = await register(token);
      clock.set(bj('2026-11-04'));
      await move(token, q, { to: 'accepted' });
      return q;
    }

    it('when window staff request and a supervisor approves, then +10 working days, shown to the applicant with the reason', async () => {
      const q = await acceptedCase();
      const water = await staffAgent(t.app, 'water');
      await water.agent
        .post(`/staff/cases/${q}/extension`)
        .type('form')
        .send({ _csrf: water.csrf, reason: '需组织现场踏勘，材料核实时间较长' })
        .expect(303);
      const casePage = await water.agent.get(`/staff/cases/${q}`).expect(200);
      expect(casePage.text).toContain('等待科室负责人审批');
      const requestId = (await t.store.listExtensionRequests({ status: 'pending' }))[0].id;

      const refused = await water.agent
        .post(`/staff/extensions/${requestId}/decision`)
        .type('form')
        .send({ _csrf: water.csrf, decision: 'approve' });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('窗口工作人员不能审批');

      const lead = await staffAgent(t.app, 'waterlead');
      const board = await lead.agent.get('/staff/supervision').expect(200);
      expect(board.text).toContain('需组织现场踏勘');
      await lead.agent
        .post(`/staff/extensions/${requestId}/decision`)
        .type('form')
        .send({ _csrf: lead.csrf, decision: 'approve', note: '同意' })
        .expect(303);

      const view = await lookup(q);
      expect(view).toMatchObject({ dueDate: '2026-12-02', extensionDays: 10 });
      const ext = view.timeline.find((e: { event?: string }) => e.event === 'extension');
      expect(ext.note).toBe('办理期限延长10个工作日');
      const detail = await request(t.app).post(`/api/v1/cases/${q}/detail`).send({ phoneLast4: '0183' }).expect(200);
      const extDetail = detail.body.timeline.find((e: { event?: string }) => e.event === 'extension');
      expect(extDetail.note).toContain('需组织现场踏勘');
      const page = await request(t.app).get(`/lookup?no=${q}`).expect(200);
      expect(page.text).toContain('延长办理期限');

      const again = await water.agent.get(`/staff/cases/${q}`).expect(200);
      expect(again.text).not.toContain('申请延期（');
    });

    it('when a supervisor refuses without a reason, then 400; with a reason, the request closes and the date stays', async () => {
      const q = await acceptedCase();
      const water = await staffAgent(t.app, 'water');
      await water.agent.post(`/staff/cases/${q}/extension`).type('form').send({ _csrf: water.csrf, reason: '核查' }).expect(303);
      const id = (await t.store.listExtensionRequests({ status: 'pending' }))[0].id;
      const lead = await staffAgent(t.app, 'waterlead');
      await lead.agent.post(`/staff/extensions/${id}/decision`).type('form').send({ _csrf: lead.csrf, decision: 'refuse' }).expect(400);
      await lead.agent
        .post(`/staff/extensions/${id}/decision`)
        .type('form')
        .send({ _csrf: lead.csrf, decision: 'refuse', note: '可在承诺时限内办结' })
        .expect(303);
      expect((await t.store.findExtensionRequest(id))?.status).toBe('refused');
      expect((await lookup(q)).dueDate).toBe('2026-11-18');
    });

    it('when a supervisor of another department decides, then 403', async () => {
      const q = await acceptedCase();
      const water = await staffAgent(t.app, 'water');
      await water.agent.post(`/staff/cases/${q}/extension`).type('form').send({ _csrf: water.csrf, reason: '核查' }).expect(303);
      const id = (await t.store.listExtensionRequests({ status: 'pending' }))[0].id;
      const land = await staffAgent(t.app, 'land');
      await land.agent.post(`/staff/extensions/${id}/decision`).type('form').send({ _csrf: land.csrf, decision: 'approve' }).expect(403);
    });

    it('when the reason is empty, then 400 beside the field; a submitted case cannot be extended', async () => {
      const q = await acceptedCase();
      const water = await staffAgent(t.app, 'water');
      const res = await water.agent.post(`/staff/cases/${q}/extension`).type('form').send({ _csrf: water.csrf, reason: ' ' }).expect(400);
      expect(res.text).toContain('请填写延期理由');
      const q2 = await register(await apiToken(t.app, 'water'));
      const res2 = await water.agent.post(`/staff/cases/${q2}/extension`).type('form').send({ _csrf: water.csrf, reason: '核查' }).expect(409);
      expect(res2.text).toContain('只有已受理、审查中或特别程序中的办件可以申请延期');
    });
  });

  describe('worklists', () => {
    it('lists my department by urgency with status filters, and exports CSV with a BOM', async () => {
      const token = await at('2026-11-02');
      const late = await register(token);
      clock.set(bj('2026-11-05'));
      const soon = await register(token);
      clock.set(bj('2026-11-10'));
      const fresh = await register(token);
      const { agent } = await staffAgent(t.app, 'water');
      const all = await agent.get('/staff').expect(200);
      const order = [late, soon, fresh].map((q) => all.text.indexOf(`/staff/cases/${q}"`));
      expect(order[0]).toBeLessThan(order[1]);
      expect(order[1]).toBeLessThan(order[2]);
      const overdue = await agent.get('/staff?status=overdue').expect(200);
      expect(overdue.text).toContain(`/staff/cases/${late}"`);
      expect(overdue.text).not.toContain(`/staff/cases/${soon}"`);
      const dueSoon = await agent.get('/staff?status=due_soon').expect(200);
      expect(dueSoon.text).toContain(`/staff/cases/${soon}"`);
      expect(dueSoon.text).not.toContain(`/staff/cases/${fresh}"`);
      const csv = await agent.get('/staff/cases.csv?status=overdue').expect(200).expect('Content-Type', /text\/csv/);
      expect(csv.text.startsWith('\uFEFF查询号,事项,部门,申请人,阶段,期限类型,到期日,剩余工作日,期限状态')).toBe(true);
      const lines = csv.text.trim().split('\r\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('已逾期');
    });

    it('GET /api/v1/cases?clockStatus= lists by status for a staff token, paginated, own department only', async () => {
      const token = await at('2026-11-02');
      const late = await register(token);
      clock.set(bj('2026-11-10'));
      const fresh = await register(token);
      const now = await apiToken(t.app, 'water');
      const res = await request(t.app).get('/api/v1/cases?clockStatus=overdue').set('Authorization', `Bearer ${now}`).expect(200);
      expect(res.body).toMatchObject({ page: 1, total: 1 });
      expect(res.body.cases[0]).toMatchObject({ queryNo: late, clockStatus: 'overdue', dueDate: '2026-11-09' });
      const normal = await request(t.app).get('/api/v1/cases?clockStatus=normal').set('Authorization', `Bearer ${now}`).expect(200);
      expect(normal.body.cases.map((c: { queryNo: string }) => c.queryNo)).toEqual([fresh]);
      const land = await apiToken(t.app, 'land');
      const other = await request(t.app).get('/api/v1/cases?clockStatus=overdue').set('Authorization', `Bearer ${land}`).expect(200);
      expect(other.body.total).toBe(0);
      const bad = await request(t.app).get('/api/v1/cases?clockStatus=late').set('Authorization', `Bearer ${now}`).expect(400);
      expect(bad.body.error.fields.clockStatus).toBeDefined();
      await request(t.app).get('/api/v1/cases?clockStatus=overdue').expect(401);
    });

    it('the supervision page is for supervisors and admins only', async () => {
      const water = await staffAgent(t.app, 'water');
      await water.agent.get('/staff/supervision').expect(403);
      const admin = await staffAgent(t.app, 'admin');
      await admin.agent.get('/staff/supervision').expect(200);
    });
  });

  describe('calendar admin', () => {
    it('shows a month with holidays and make-up days marked, to admins only', async () => {
      const admin = await staffAgent(t.app, 'admin');
      const page = await admin.agent.get('/staff/calendar?month=2026-10').expect(200);
      expect(page.text).toMatch(/day-holiday[^>]*>\s*<span class="day-number">1<\/span>/);
      expect(page.text).toMatch(/day-makeup_workday[^>]*>\s*<span class="day-number">10<\/span>/);
      expect(page.text).toContain('调休上班');
      const water = await staffAgent(t.app, 'water');
      await water.agent.get('/staff/calendar').expect(403);
      await water.agent
        .post('/staff/calendar/overrides')
        .type('form')
        .send({ _csrf: water.csrf, date: '2026-11-12', kind: 'holiday', notice: 'x' })
        .expect(403);
    });

    it('when an admin adds a holiday, then due dates of affected open cases move', async () => {
      const token = await at('2026-11-02');
      const q = await register(token);
      await move(token, q, { to: 'accepted' });
      expect((await lookup(q)).dueDate).toBe('2026-11-16');
      const admin = await staffAgent(t.app, 'admin');
      const res = await admin.agent
        .post('/staff/calendar/overrides')
        .type('form')
        .send({ _csrf: admin.csrf, date: '2026-11-12', kind: 'holiday', notice: '市政府临时通知' })
        .expect(303);
      expect(res.headers.location).toBe('/staff/calendar?month=2026-11&updated=1');
      expect((await lookup(q)).dueDate).toBe('2026-11-17');
      const c = await t.store.findCaseByQueryNo(q);
      expect(c?.clock.dueDate).toBe('2026-11-17');
      await admin.agent.post('/staff/calendar/overrides/2026-11-12/delete').type('form').send({ _csrf: admin.csrf }).expect(303);
      expect((await lookup(q)).dueDate).toBe('2026-11-16');
    });

    it('when the override input is bad, then 400 with the message beside the field and the input kept', async () => {
      const admin = await staffAgent(t.app, 'admin');
      const res = await admin.agent
        .post('/staff/calendar/overrides')
        .type('form')
        .send({ _csrf: admin.csrf, date: '2026-02-30', kind: 'holiday', notice: '<b>通知</b>' })
        .expect(400);
      expect(res.text).toContain('日期格式应为 YYYY-MM-DD');
      expect(res.text).toContain('value="&lt;b&gt;通知&lt;/b&gt;"');
      expect(await t.store.listCalendarOverrides()).toEqual([]);
    });

    it('a deadline reaching into 2027 is 待定 until an admin enters the year, with a warning to admins', async () => {
      const token = await at('2026-12-21');
      const q = await register(token);
      await move(token, q, { to: 'accepted' });
      expect(await lookup(q)).toMatchObject({ dueDate: null, clockStatus: 'undetermined', workingDaysLeft: null });
      const page = await request(t.app).get(`/lookup?no=${q}`).expect(200);
      expect(page.text).toContain('待定');
      const admin = await staffAgent(t.app, 'admin');
      const home = await admin.agent.get('/staff').expect(200);
      expect(home.text).toContain('期限显示为“待定”');
      const cal = await admin.agent.get('/staff/calendar?month=2027-01').expect(200);
      expect(cal.text).toContain('未录入');
      await admin.agent
        .post('/staff/calendar/overrides')
        .type('form')
        .send({ _csrf: admin.csrf, date: '2027-01-01', kind: 'holiday', notice: '国办发明电〔2026〕X号' })
        .expect(303);
      expect((await lookup(q)).clockStatus).toBe('undetermined');
      await admin.agent
        .post('/staff/calendar/years')
        .type('form')
        .send({ _csrf: admin.csrf, year: '2027', notice: '国办发明电〔2026〕X号' })
        .expect(303);
      expect(await lookup(q)).toMatchObject({ dueDate: '2027-01-05', clockStatus: 'normal' });
      const after = await admin.agent.get('/staff').expect(200);
      expect(after.text).not.toContain('期限显示为“待定”');
    });
  });
});
