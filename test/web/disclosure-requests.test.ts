import request from 'supertest';
import { createQueryNo, formatQueryNo } from '../../src/domain/query-number';
import { hashPassword } from '../../src/services/passwords';
import { expireSupplements } from '../../src/services/disclosure-requests';
import { CalendarService } from '../../src/services/clock';
import { fakeExe, tinyPdf } from '../helpers/files';
import {
  createTestApp,
  csrfFrom,
  manualClock,
  PASSWORD,
  staffAgent,
  validCreditCode,
  validResidentId,
  type TestApp,
} from '../helpers/test-app';

/** 10:00 Beijing time on a date. */
const bj = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

const person = () => ({
  applicantKind: 'person',
  applicantName: '张三丰',
  idNumber: validResidentId(),
  contactPerson: '',
  phone: '13905701234',
  email: 'zsf@example.cn',
  address: '',
  description: '2025年本中心行政许可事项办理情况统计表（文号：衢服〔2025〕12号）',
  deliveryForm: 'email',
});

describe('依申请公开: disclosure requests', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    clock = manualClock(bj('2026-03-02'));
    t = await createTestApp({ REQUEST_RATE_LIMIT: '1000' }, { clock });
    const hash = await hashPassword(PASSWORD);
    for (const [username, role] of [['office', 'office_reviewer'], ['webmaster', 'webmaster']] as const) {
      await t.store.createStaff({ username, displayName: `${username}姓名`, role, departmentId: null, windowId: null, passwordHash: hash, isDemo: false });
    }
  });
  afterEach(() => t.cleanup());

  /** Fills the public form as a browser would (CSRF cookie and token from the form page). */
  async function submit(fields: Record<string, string>, agent = request.agent(t.app)) {
    const page = await agent.get('/disclosure/requests/new').expect(200);
    return agent.post('/disclosure/requests').type('form').send({ _csrf: csrfFrom(page.text), ...fields });
  }

  async function submitted(fields: Record<string, string> = person()) {
    const res = await submit(fields);
    expect(res.status).toBe(303);
    const no = /no=([2-9A-HJ-NP-Z]{12})$/.exec(res.headers.location)?.[1];
    if (!no) throw new Error(`no query number in ${res.headers.location}`);
    return (await t.store.findDisclosureRequestByQueryNo(no))!;
  }

  describe('public form', () => {
    it('is linked from the catalog and the 公开指南, and posts with a CSRF token', async () => {
      expect((await request(t.app).get('/disclosure').expect(200)).text).toContain('href="/disclosure/requests/new"');
      expect((await request(t.app).get('/disclosure/guide').expect(200)).text).toContain('href="/disclosure/requests/new"');
      const page = await request(t.app).get('/disclosure/requests/new').expect(200);
      expect(page.text).toContain('name="_csrf"');
      expect(page.text).toContain('法人或其他组织');
      expect(page.text).toContain('社会公益组织');
    });

    it('when a person submits, then a 查询号 is shown grouped, with the 20-working-day due date, and the request is stored', async () => {
      const res = await submit(person());
      expect(res.status).toBe(303);
      const page = await request(t.app).get(res.headers.location).expect(200);
      const r = (await t.store.listDisclosureRequests({ limit: 5, offset: 0 })).rows[0];
      expect(page.text).toContain(formatQueryNo(r.queryNo));
      expect(formatQueryNo(r.queryNo)).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      expect(page.text).toContain(`/lookup?no=${r.queryNo}`);
      expect(r).toMatchObject({
        applicantKind: 'person', applicantName: '张三丰', idNumber: validResidentId(), phone: '13905701234',
        email: 'zsf@example.cn', address: null, deliveryForm: 'email', stage: 'received',
        receivedOn: '2026-03-02', clockStartOn: '2026-03-02', dueOn: '2026-03-30',
      });
      expect((await t.store.listDisclosureRequestEvents(r.id)).map((e) => [e.action, e.staffId])).toEqual([['receive', null]]);
    });

    it('when an organization submits with its credit code (lower case, spaces), then the sub-kind and contact are kept', async () => {
      const code = validCreditCode();
      const r = await submitted({
        ...person(), applicantKind: 'legal_service', applicantName: '浙江某某律师事务所', idNumber: ` ${code.toLowerCase()} `,
        contactPerson: '李律师', phone: '0570-3890183', deliveryForm: 'paper_mail', address: '衢州市柯城区某路1号', email: '',
      });
      expect(r).toMatchObject({ applicantKind: 'legal_service', idNumber: code, contactPerson: '李律师', address: '衢州市柯城区某路1号', email: null });
    });

    it.each([
      ['applicantKind', { applicantKind: 'alien' }, '请选择申请人类型'],
      ['applicantName', { applicantName: '  ' }, '请填写申请人姓名或名称'],
      ['idNumber', { idNumber: '330802199001011230' }, '身份证号码有误'],
      ['idNumber', { idNumber: '' }, '请填写证件号码'],
      ['idNumber', { applicantKind: 'business', contactPerson: '王经理', idNumber: validResidentId() }, '统一社会信用代码有误'],
      ['contactPerson', { applicantKind: 'research', idNumber: validCreditCode(), contactPerson: '' }, '法人或其他组织请填写联系人'],
      ['phone', { phone: '12345' }, '联系电话有误'],
      ['email', { email: 'not-an-email' }, '电子邮箱格式有误'],
      ['email', { email: '' }, '请填写电子邮箱'],
      ['address', { deliveryForm: 'paper_mail', address: '' }, '请填写通信地址'],
      ['description', { description: '' }, '请填写所需政府信息'],
      ['description', { description: '长'.repeat(2001) }, '不能超过2000个字'],
      ['deliveryForm', { deliveryForm: 'carrier_pigeon' }, '请选择获取信息的方式'],
    ])('when %s is bad (case %#), then the form comes back with a Chinese message and nothing is stored', async (field, over, message) => {
      const res = await submit({ ...person(), ...over });
      expect(res.status).toBe(400);
      const error = new RegExp(`id="${field}-error">([^<]*)<`).exec(res.text)?.[1] ?? '';
      expect(error).toContain(message);
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).not.toContain('Error:');
      expect((await t.store.listDisclosureRequests({ limit: 1, offset: 0 })).total).toBe(0);
    });

    it('keeps what was typed when the form comes back', async () => {
      const res = await submit({ ...person(), phone: '12345', applicantName: '赵六' });
      expect(res.text).toContain('value="赵六"');
      expect(res.text).toContain(person().description);
    });

    it('refuses a post without the CSRF token', async () => {
      const res = await request(t.app).post('/disclosure/requests').type('form').send(person());
      expect(res.status).toBe(403);
      expect((await t.store.listDisclosureRequests({ limit: 1, offset: 0 })).total).toBe(0);
    });

    it('limits posts per client', async () => {
      const limited = await createTestApp({ REQUEST_RATE_LIMIT: '2' }, { clock });
      try {
        const agent = request.agent(limited.app);
        const csrf = csrfFrom((await agent.get('/disclosure/requests/new')).text);
        const post = () => agent.post('/disclosure/requests').type('form').send({ _csrf: csrf, ...person() });
        expect((await post()).status).toBe(303);
        expect((await post()).status).toBe(303);
        expect((await post()).status).toBe(429);
        expect((await limited.store.listDisclosureRequests({ limit: 5, offset: 0 })).total).toBe(2);
      } finally {
        await limited.cleanup();
      }
    });
  });

  describe('lookup by 查询号', () => {
    it('shows the stage, dates and masked name on the lookup page and in the API, never the ID number, phone or description', async () => {
      const r = await submitted();
      const html = await request(t.app).get(`/lookup?no=${formatQueryNo(r.queryNo).toLowerCase()}`).expect(200);
      expect(html.text).toContain('政府信息公开申请');
      expect(html.text).toContain('办理中');
      expect(html.text).toContain('2026-03-30');
      expect(html.text).toContain('张**');
      for (const secret of ['张三丰', r.idNumber, r.phone, '衢服〔2025〕12号', 'zsf@example.cn']) expect(html.text).not.toContain(secret);

      const api = await request(t.app).get(`/api/v1/disclosure-requests/${r.queryNo}`).expect(200);
      expect(api.body).toMatchObject({
        queryNo: r.queryNo, stage: { code: 'received', label: '办理中' }, receivedOn: '2026-03-02', dueOn: '2026-03-30',
        extended: false, outcome: null, applicant: { name: '张**', kind: 'person' },
      });
      const json = JSON.stringify(api.body);
      for (const secret of ['张三丰', r.idNumber, r.phone, '衢服', 'zsf@']) expect(json).not.toContain(secret);
    });

    it('shows an organization by its name, and a valid unknown number gets the same not-found path', async () => {
      const org = await submitted({ ...person(), applicantKind: 'business', applicantName: '衢州某某科技有限公司', idNumber: validCreditCode(), contactPerson: '王经理' });
      expect((await request(t.app).get(`/lookup?no=${org.queryNo}`).expect(200)).text).toContain('衢州某某科技有限公司');
      const valid = createQueryNo('2'.repeat(11));
      expect((await request(t.app).get(`/lookup?no=${valid}`)).status).toBe(404);
      expect((await request(t.app).get(`/api/v1/disclosure-requests/${valid}`)).body.error.code).toBe('request_not_found');
      expect((await request(t.app).get('/api/v1/disclosure-requests/NOT-A-NUMBER')).status).toBe(400);
    });
    it('shows 待定 while the due date falls in a year the calendar does not cover, and a date once the year is declared', async () => {
      clock.set(bj('2026-12-15'));
      const r = await submitted();
      expect(r.dueOn).toBeNull();
      expect((await request(t.app).get(`/lookup?no=${r.queryNo}`).expect(200)).text).toContain('待定');
      expect((await request(t.app).get(`/api/v1/disclosure-requests/${r.queryNo}`).expect(200)).body).toMatchObject({ dueOn: null, dueText: expect.stringContaining('待定') });
      const admin = await staffAgent(t.app, 'admin');
      await admin.agent.post('/staff/calendar/years').type('form').send({ _csrf: admin.csrf, year: '2027', notice: '国办发明电〔2026〕X号' }).expect(303);
      // 20 working days from 2026-12-15 with 2027 counted as plain weekdays and weekends (no holidays declared).
      expect((await t.store.findDisclosureRequest(r.id))!.dueOn).toBe('2027-01-12');
    });
  });

  describe('handling by the office', () => {
    async function office() {
      return staffAgent(t.app, 'office');
    }
    const post = (s: { agent: request.Agent; csrf: string }, path: string, body: Record<string, string | number>) =>
      s.agent.post(path).type('form').send({ _csrf: s.csrf, ...body });

    it('runs the clock through 补正 and one extension: paused, restarted from the day supplied, +20 once, applicant told', async () => {
      const r = await submitted();
      clock.set(bj('2026-03-05'));
      let s = await office();
      await post(s, `/staff/disclosure-requests/${r.id}/supplement`, { version: 1, notice: '请写明统计表的年度和文号', days: 10 }).expect(303);
      let now = (await t.store.findDisclosureRequest(r.id))!;
      expect(now).toMatchObject({ stage: 'supplement_requested', dueOn: null, supplementDueOn: '2026-03-19' });
      let lookup = await request(t.app).get(`/lookup?no=${r.queryNo}`).expect(200);
      expect(lookup.text).toContain('待补正');
      expect(lookup.text).toContain('2026-03-19');
      expect(lookup.text).not.toContain('请写明统计表');
      const waitingPage = await s.agent.get(`/staff/disclosure-requests/${r.id}`).expect(200);
      expect(waitingPage.text).toContain('记录补正');
      expect(waitingPage.text).toContain('请写明统计表的年度和文号');

      clock.set(bj('2026-03-11'));
      s = await office();
      await post(s, `/staff/disclosure-requests/${r.id}/supply`, { version: 2, suppliedOn: '2026-03-10' }).expect(303);
      now = (await t.store.findDisclosureRequest(r.id))!;
      // Day 0 is the day the 补正 arrived; 2026-04-04..06 is the 清明 holiday.
      expect(now).toMatchObject({ stage: 'received', clockStartOn: '2026-03-10', dueOn: '2026-04-08', supplementDueOn: null });

      await post(s, `/staff/disclosure-requests/${r.id}/extend`, { version: 3, approver: '王主任', reason: '需征求第三方意见' }).expect(303);
      now = (await t.store.findDisclosureRequest(r.id))!;
      // 40 working days from 2026-03-10, over 清明 and 劳动节 (2026-05-09 is a make-up Saturday).
      expect(now).toMatchObject({ extended: true, dueOn: '2026-05-09' });
      lookup = await request(t.app).get(`/lookup?no=${r.queryNo}`).expect(200);
      expect(lookup.text).toContain('答复期限延长20个工作日');
      expect(lookup.text).toContain('需征求第三方意见');
      expect(lookup.text).toContain('2026-05-09');
      expect(lookup.text).not.toContain('王主任');
      const api = await request(t.app).get(`/api/v1/disclosure-requests/${r.queryNo}`).expect(200);
      expect(api.body).toMatchObject({ extended: true, dueOn: '2026-05-09' });
      expect(api.body.extensionNotice).toContain('需征求第三方意见');

      const again = await post(s, `/staff/disclosure-requests/${r.id}/extend`, { version: 4, approver: '王主任', reason: '再延' });
      expect(again.status).toBe(409);
      expect(again.text).toContain('只能延长一次');
      const second = await post(s, `/staff/disclosure-requests/${r.id}/supplement`, { version: 4, notice: '再补正', days: 5 });
      expect(second.status).toBe(409);
      expect(second.text).toContain('一次性');
      const events = await t.store.listDisclosureRequestEvents(r.id);
      expect(events.map((e) => e.action)).toEqual(['receive', 'request_supplement', 'supply', 'extend']);
      expect(events[3].comment).toBe('批准人：王主任；理由：需征求第三方意见');
      const page = await s.agent.get(`/staff/disclosure-requests/${r.id}`).expect(200);
      expect(page.text).toContain(r.idNumber);
      expect(page.text).toContain('一次性补正告知');
    });

    it('refuses a 补正 notice after 7 working days from receipt, and accepts one on the 7th', async () => {
      const late = await submitted();
      const onTime = await submitted();
      clock.set(bj('2026-03-12'));
      let s = await office();
      const refused = await post(s, `/staff/disclosure-requests/${late.id}/supplement`, { version: 1, notice: '请明确', days: 15 });
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('7个工作日内');
      expect((await t.store.findDisclosureRequest(late.id))!.stage).toBe('received');
      clock.set(bj('2026-03-11'));
      s = await office();
      await post(s, `/staff/disclosure-requests/${onTime.id}/supplement`, { version: 1, notice: '请明确', days: '' }).expect(303);
      // The default deadline: 15 working days from the notice.
      expect((await t.store.findDisclosureRequest(onTime.id))!.supplementDueOn).toBe('2026-04-01');
    });

    it.each([['0'], ['31'], ['abc']])('refuses a 补正 deadline of %s working days', async (days) => {
      const r = await submitted();
      const res = await post(await office(), `/staff/disclosure-requests/${r.id}/supplement`, { version: 1, notice: '请明确', days });
      expect(res.status).toBe(400);
      expect(res.text).toContain('补正期限须为1至30个工作日');
    });

    it('closes a request whose 补正 deadline passed as 视为放弃 (hourly job), not one still in time', async () => {
      const r = await submitted();
      const waiting = await submitted();
      clock.set(bj('2026-03-05'));
      let s = await office();
      await post(s, `/staff/disclosure-requests/${r.id}/supplement`, { version: 1, notice: '请明确', days: 10 }).expect(303);
      clock.set(bj('2026-03-06'));
      s = await office();
      await post(s, `/staff/disclosure-requests/${waiting.id}/supplement`, { version: 1, notice: '请明确', days: 10 }).expect(303);
      const deps = { store: t.store, clock, config: t.config, calendars: new CalendarService(t.store), randomQueryBody: () => '22222222222' };
      clock.set(bj('2026-03-19', 23));
      expect(await expireSupplements(deps)).toBe(0);
      clock.set(bj('2026-03-20', 1));
      expect(await expireSupplements(deps)).toBe(1);
      const closed = (await t.store.findDisclosureRequest(r.id))!;
      expect(closed).toMatchObject({ stage: 'closed', outcome: 'other_no_supplement', closedOn: '2026-03-20' });
      const last = (await t.store.listDisclosureRequestEvents(r.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'abandon', staffId: null, fromStage: 'supplement_requested', toStage: 'closed' });
      expect((await t.store.findDisclosureRequest(waiting.id))!.stage).toBe('supplement_requested');
      expect(await expireSupplements(deps)).toBe(0);
      const lookup = await request(t.app).get(`/lookup?no=${r.queryNo}`).expect(200);
      expect(lookup.text).toContain('其他处理（申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请）');
      // Staff cannot close one still in time, nor record a 补正 that came after its deadline.
      s = await office();
      const early = await post(s, `/staff/disclosure-requests/${waiting.id}/abandon`, { version: 2 });
      expect(early.status).toBe(409);
      expect(early.text).toContain('尚未届满');
      clock.set(bj('2026-03-23'));
      s = await office();
      const tooLate = await post(s, `/staff/disclosure-requests/${waiting.id}/supply`, { version: 2, suppliedOn: '2026-03-23' });
      expect(tooLate.status).toBe(400);
      expect(tooLate.text).toContain('补正期限（2026-03-20）已过');
      await post(s, `/staff/disclosure-requests/${waiting.id}/abandon`, { version: 2 }).expect(303);
      expect((await t.store.findDisclosureRequest(waiting.id))!.outcome).toBe('other_no_supplement');
    });

    it.each([
      ['disclose', '予以公开'],
      ['partial', '部分公开'],
      ['withhold_state_secret', '不予公开（属于国家秘密）'],
      ['unable_not_held', '无法提供（本机关不掌握相关政府信息）'],
      ['not_handled_repeated', '不予处理（重复申请）'],
      ['other_fee_unpaid', '其他处理（申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请）'],
    ])('replies with %s: closed with the outcome, shown on the lookup page', async (outcome, text) => {
      const r = await submitted();
      clock.set(bj('2026-03-20'));
      await post(await office(), `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome, replyText: '答复书：经查……' }).expect(303);
      expect(await t.store.findDisclosureRequest(r.id)).toMatchObject({ stage: 'closed', outcome, replyText: '答复书：经查……', closedOn: '2026-03-20' });
      const lookup = await request(t.app).get(`/lookup?no=${r.queryNo}`).expect(200);
      expect(lookup.text).toContain(text);
      expect(lookup.text).toContain('已办结');
      expect(lookup.text).not.toContain('经查');
      const api = await request(t.app).get(`/api/v1/disclosure-requests/${r.queryNo}`).expect(200);
      expect(api.body).toMatchObject({ outcome: { code: outcome, text }, closedOn: '2026-03-20', dueOn: null });
      const staffPage = await (await office()).agent.get(`/staff/disclosure-requests/${r.id}`).expect(200);
      expect(staffPage.text).toContain(text);
      expect(staffPage.text).not.toContain('答复并办结');
    });

    it('refuses a reply without an outcome or text, with 视为放弃 as outcome, or to a closed request', async () => {
      const r = await submitted();
      const s = await office();
      const none = await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome: '', replyText: 'x' });
      expect(none.status).toBe(400);
      expect(none.text).toContain('请选择答复类型');
      expect((await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome: 'disclose', replyText: '' })).text).toContain('请填写答复内容');
      const abandon = await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome: 'other_no_supplement', replyText: 'x' });
      expect(abandon.status).toBe(400);
      await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome: 'disclose', replyText: 'x' }).expect(303);
      expect((await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 2, outcome: 'partial', replyText: 'y' })).status).toBe(409);
      const stale = await submitted();
      await post(s, `/staff/disclosure-requests/${stale.id}/extend`, { version: 1, approver: '王主任', reason: '复杂' }).expect(303);
      expect((await post(s, `/staff/disclosure-requests/${stale.id}/reply`, { version: 1, outcome: 'disclose', replyText: 'x' })).status).toBe(409);
    });

    it('sends reply attachments with the reply: staff download them, the public file route does not serve them', async () => {
      const r = await submitted();
      const s = await office();
      await s.agent
        .post(`/staff/disclosure-requests/${r.id}/reply`)
        .field('_csrf', s.csrf)
        .field('version', '1')
        .field('outcome', 'partial')
        .field('replyText', '部分公开，见附件')
        .attach('attachments', tinyPdf(), '政府信息公开申请答复书.pdf')
        .attach('attachments', tinyPdf(), '统计表（公开部分）.pdf')
        .expect(303);
      const files = await t.store.listDisclosureRequestFiles(r.id);
      expect(files.map((f) => f.originalName)).toEqual(['政府信息公开申请答复书.pdf', '统计表（公开部分）.pdf']);
      const reply = (await t.store.listDisclosureRequestEvents(r.id)).at(-1)!;
      expect(files.every((f) => f.eventId === reply.id)).toBe(true);
      const dl = await s.agent.get(`/staff/disclosure-requests/${r.id}/files/${files[0].id}`).expect(200);
      expect(dl.headers['content-type']).toContain('application/pdf');
      expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('政府信息公开申请答复书.pdf')}`);
      expect((await request(t.app).get(`/files/${files[0].id}`)).status).toBe(404);
      expect((await s.agent.get(`/staff/disclosure-requests/${r.id}/files/999999`)).status).toBe(404);
    });

    it('refuses an attachment whose bytes are not an allowed type, and nothing is closed', async () => {
      const r = await submitted();
      const s = await office();
      const res = await s.agent
        .post(`/staff/disclosure-requests/${r.id}/reply`)
        .field('_csrf', s.csrf)
        .field('version', '1')
        .field('outcome', 'disclose')
        .field('replyText', '见附件')
        .attach('attachments', fakeExe(), '答复书.pdf');
      expect(res.status).toBe(400);
      expect(res.text).toContain('文件类型不允许');
      expect((await t.store.findDisclosureRequest(r.id))!.stage).toBe('received');
      expect(await t.store.listDisclosureRequestFiles(r.id)).toEqual([]);
    });

    it('records fees in 元 as fen, and review/litigation records with their outcome', async () => {
      const r = await submitted();
      clock.set(bj('2026-03-10'));
      const s = await office();
      await post(s, `/staff/disclosure-requests/${r.id}/fees`, { chargedOn: '2026-03-10', amount: '12.5', waived: '2.05', note: '超出合理范围' }).expect(303);
      expect(await t.store.listDisclosureRequestFees(r.id)).toEqual([
        expect.objectContaining({ chargedOn: '2026-03-10', amountFen: 1250, waivedFen: 205, note: '超出合理范围' }),
      ]);
      for (const [body, message] of [
        [{ chargedOn: '2026-03-10', amount: 'abc', waived: '' }, '应收金额须为不小于0的金额'],
        [{ chargedOn: '2026-03-10', amount: '1.234', waived: '' }, '最多两位小数'],
        [{ chargedOn: '2026-03-10', amount: '5', waived: '6' }, '减免金额不能大于应收金额'],
        [{ chargedOn: '2026-02-01', amount: '5', waived: '' }, '收费日期不能早于收到申请的日期'],
        [{ chargedOn: '2026-02-30', amount: '5', waived: '' }, '收费日期须为有效日期'],
      ] as const) {
        const res = await post(s, `/staff/disclosure-requests/${r.id}/fees`, body);
        expect(res.status).toBe(400);
        expect(res.text).toContain(message);
      }
      expect(await t.store.listDisclosureRequestFees(r.id)).toHaveLength(1);
      const page = await s.agent.get(`/staff/disclosure-requests/${r.id}`).expect(200);
      expect(page.text).toContain('12.50');

      await post(s, `/staff/disclosure-requests/${r.id}/reviews`, { kind: 'review', filedOn: '2026-03-09', outcome: 'pending', decidedOn: '' }).expect(303);
      const [review] = await t.store.listDisclosureRequestReviews(r.id);
      expect(review).toMatchObject({ kind: 'review', outcome: 'pending', decidedOn: null });
      const noDate = await post(s, `/staff/disclosure-requests/${r.id}/reviews/${review.id}`, { version: 1, outcome: 'corrected', decidedOn: '' });
      expect(noDate.status).toBe(400);
      expect(noDate.text).toContain('已审结的请填写结案日期');
      const before = await post(s, `/staff/disclosure-requests/${r.id}/reviews/${review.id}`, { version: 1, outcome: 'upheld', decidedOn: '2026-03-01' });
      expect(before.text).toContain('结案日期不能早于');
      await post(s, `/staff/disclosure-requests/${r.id}/reviews/${review.id}`, { version: 1, outcome: 'corrected', decidedOn: '2026-03-10' }).expect(303);
      expect(await t.store.findDisclosureRequestReview(review.id)).toMatchObject({ outcome: 'corrected', decidedOn: '2026-03-10', version: 2 });
      expect((await s.agent.get(`/staff/disclosure-requests/${r.id}`).expect(200)).text).toContain('结果纠正（2026-03-10 审结）');
      expect((await post(s, `/staff/disclosure-requests/${r.id}/reviews/${review.id}`, { version: 1, outcome: 'upheld', decidedOn: '2026-03-10' })).status).toBe(409);
      const pendingWithDate = await post(s, `/staff/disclosure-requests/${r.id}/reviews`, { kind: 'litigation_direct', filedOn: '2026-03-09', outcome: 'pending', decidedOn: '2026-03-10' });
      expect(pendingWithDate.text).toContain('尚未审结的不填写结案日期');
      const otherRequest = await submitted();
      expect((await post(s, `/staff/disclosure-requests/${otherRequest.id}/reviews/${review.id}`, { version: 2, outcome: 'upheld', decidedOn: '2026-03-10' })).status).toBe(404);
    });

    it('lists requests with overdue and due-soon flags and finds them by name or number', async () => {
      const old = await submitted({ ...person(), applicantName: '钱七' });
      clock.set(bj('2026-03-25'));
      const fresh = await submitted({ ...person(), applicantName: '孙八' });
      clock.set(bj('2026-03-31'));
      const s = await office();
      const all = await s.agent.get('/staff/disclosure-requests').expect(200);
      expect(all.text).toContain('已逾期');
      const overdue = await s.agent.get('/staff/disclosure-requests?due=overdue').expect(200);
      expect(overdue.text).toContain('钱七');
      expect(overdue.text).not.toContain('孙八');
      const byName = await s.agent.get(`/staff/disclosure-requests?q=${encodeURIComponent('孙八')}`).expect(200);
      expect(byName.text).toContain(formatQueryNo(fresh.queryNo));
      expect(byName.text).not.toContain(formatQueryNo(old.queryNo));
      const byNo = await s.agent.get(`/staff/disclosure-requests?q=${old.queryNo}`).expect(200);
      expect(byNo.text).toContain('钱七');
      await s.agent.get('/staff/disclosure-requests?stage=bogus&due=x&page=-1').expect(200);
    });

    it('is for the office and admins only: window staff and supervisors are refused', async () => {
      const r = await submitted();
      for (const username of ['water', 'waterlead', 'webmaster']) {
        const s = await staffAgent(t.app, username);
        expect((await s.agent.get('/staff/disclosure-requests')).status).toBe(403);
        expect((await s.agent.get(`/staff/disclosure-requests/${r.id}`)).status).toBe(403);
        expect((await post(s, `/staff/disclosure-requests/${r.id}/reply`, { version: 1, outcome: 'disclose', replyText: 'x' })).status).toBe(403);
      }
      expect((await t.store.findDisclosureRequest(r.id))!.stage).toBe('received');
      const admin = await staffAgent(t.app, 'admin');
      expect((await admin.agent.get(`/staff/disclosure-requests/${r.id}`)).status).toBe(200);
      expect((await request(t.app).get('/staff/disclosure-requests')).status).toBe(303);
    });
  });

  describe('catalog entry attachments', () => {
    it('uploads on a draft, lists the download on the published entry, and serves it only once published', async () => {
      const author = await staffAgent(t.app, 'water');
      const draft = await author.agent
        .post('/staff/disclosure')
        .type('form')
        .send({ _csrf: author.csrf, title: '2026年行政许可事项目录', category: '政策文件', writtenDate: '2026-03-01', publisher: '市行政服务中心', summary: '目录', body: '正文' })
        .expect(303);
      const id = Number(/\/staff\/disclosure\/(\d+)/.exec(draft.headers.location)![1]);
      await author.agent.post(`/staff/disclosure/${id}/files`).field('_csrf', author.csrf).attach('file', tinyPdf(), '事项目录.pdf').expect(303);
      const bad = await author.agent.post(`/staff/disclosure/${id}/files`).field('_csrf', author.csrf).attach('file', fakeExe(), '目录.pdf');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('文件类型不允许');
      const [file] = await t.store.listDisclosureEntryFiles(id);
      expect(file.originalName).toBe('事项目录.pdf');
      expect((await request(t.app).get(`/files/${file.id}`)).status).toBe(404);

      await author.agent.post(`/staff/disclosure/${id}/steps/submit`).type('form').send({ _csrf: author.csrf, version: '1' }).expect(303);
      const office = await staffAgent(t.app, 'office');
      await office.agent.post(`/staff/disclosure/${id}/steps/approve`).type('form').send({ _csrf: office.csrf, version: '2' }).expect(303);
      const web = await staffAgent(t.app, 'webmaster');
      await web.agent.post(`/staff/disclosure/${id}/steps/publish`).type('form').send({ _csrf: web.csrf, version: '3' }).expect(303);

      const page = await request(t.app).get(`/disclosure/${id}`).expect(200);
      expect(page.text).toContain(`/files/${file.id}/`);
      expect(page.text).toContain('事项目录.pdf');
      const dl = await request(t.app).get(`/files/${file.id}`).expect(200);
      expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('事项目录.pdf')}`);

      const locked = await author.agent.post(`/staff/disclosure/${id}/files`).field('_csrf', author.csrf).attach('file', tinyPdf(), '新附件.pdf');
      expect(locked.status).toBe(409);
      expect((await author.agent.post(`/staff/disclosure/${id}/files/${file.id}/delete`).type('form').send({ _csrf: author.csrf })).status).toBe(409);
      expect(await t.store.listDisclosureEntryFiles(id)).toHaveLength(1);
    });

    it('removes an attachment from a draft', async () => {
      const author = await staffAgent(t.app, 'water');
      const draft = await author.agent
        .post('/staff/disclosure')
        .type('form')
        .send({ _csrf: author.csrf, title: '通知', category: '政策文件', writtenDate: '2026-03-01', publisher: '市行政服务中心', summary: '', body: '正文' })
        .expect(303);
      const id = Number(/\/staff\/disclosure\/(\d+)/.exec(draft.headers.location)![1]);
      await author.agent.post(`/staff/disclosure/${id}/files`).field('_csrf', author.csrf).attach('file', tinyPdf(), '附件.pdf').expect(303);
      const [file] = await t.store.listDisclosureEntryFiles(id);
      await author.agent.post(`/staff/disclosure/${id}/files/${file.id}/delete`).type('form').send({ _csrf: author.csrf }).expect(303);
      expect(await t.store.listDisclosureEntryFiles(id)).toEqual([]);
      expect((await author.agent.post(`/staff/disclosure/${id}/files/${file.id}/delete`).type('form').send({ _csrf: author.csrf })).status).toBe(404);
    });
  });
});
