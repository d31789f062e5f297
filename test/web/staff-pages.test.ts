import request from 'supertest';
import { formatQueryNo } from '../../src/domain/query-number';
import { createTestApp, csrfFrom, personApplicant, PASSWORD, staffAgent, validCreditCode, type TestApp } from '../helpers/test-app';

describe('staff pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const registerForm = (csrf: string, overrides: Record<string, string> = {}) => ({
    _csrf: csrf,
    itemCode: 'SLJ-001',
    applicantKind: 'organization',
    applicantName: '衢州市清源水务有限公司',
    idNumber: validCreditCode(),
    phone: '0570-3890183',
    projectName: '衢江区水厂扩建工程',
    note: '',
    ...overrides,
  });

  async function registerViaForm(agent: request.Agent, csrf: string) {
    const res = await agent.post('/staff/cases').type('form').send(registerForm(csrf)).expect(303);
    const m = /^\/staff\/cases\/([2-9A-HJ-NP-Z]{12})\/receipt\?new=1$/.exec(res.headers.location);
    expect(m).not.toBeNull();
    return (m as RegExpExecArray)[1];
  }

  describe('login', () => {
    it('when not logged in, then staff pages redirect to the login page', async () => {
      const res = await request(t.app).get('/staff').expect(303);
      expect(res.headers.location).toBe('/staff/login?next=%2Fstaff');
    });
    it('sets an HttpOnly SameSite session cookie on success', async () => {
      const agent = request.agent(t.app);
      const page = await agent.get('/staff/login').expect(200);
      const res = await agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), username: 'water', password: PASSWORD, next: '/staff' })
        .expect(303);
      const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('bjt_sid='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(res.headers.location).toBe('/staff');
    });
    it.each([
      ['wrong password', 'water', 'wrong-password'],
      ['unknown user', 'nobody', PASSWORD],
    ])('when %s, then the same message', async (_label, username, password) => {
      const agent = request.agent(t.app);
      const page = await agent.get('/staff/login');
      const res = await agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), username, password })
        .expect(401);
      expect(res.text).toContain('用户名或密码错误');
    });
    it('when the CSRF token is missing, then the login is refused', async () => {
      const res = await request(t.app).post('/staff/login').type('form').send({ username: 'water', password: PASSWORD });
      expect(res.status).toBe(403);
      expect(res.text).toContain('页面已过期');
    });
    it('does not redirect off-site after login', async () => {
      const agent = request.agent(t.app);
      const page = await agent.get('/staff/login');
      const res = await agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), username: 'water', password: PASSWORD, next: '//evil.example/staff' })
        .expect(303);
      expect(res.headers.location).toBe('/staff');
    });
    it('is rate-limited with 429 and Retry-After', async () => {
      const agent = request.agent(t.app);
      const page = await agent.get('/staff/login');
      const csrf = csrfFrom(page.text);
      let last: request.Response | undefined;
      for (let i = 0; i < 11; i++) {
        last = await agent.post('/staff/login').type('form').send({ _csrf: csrf, username: 'water', password: 'bad-password' });
      }
      expect(last?.status).toBe(429);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    });
    it('logout ends the session', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      await agent.post('/staff/logout').type('form').send({ _csrf: csrf }).expect(303);
      await agent.get('/staff').expect(303);
    });
  });

  describe('register and move a case', () => {
    it('registers through the form and shows a receipt with the query number', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const form = await agent.get('/staff/cases/new').expect(200);
      expect(form.text).toContain('取水许可');
      expect(form.text).not.toContain('国有建设用地使用权首次登记');
      expect(form.text).not.toContain('已取消的审批事项');
      const q = await registerViaForm(agent, csrf);
      const receipt = await agent.get(`/staff/cases/${q}/receipt`).expect(200);
      expect(receipt.text).toContain('受理回执');
      expect(receipt.text).toContain(formatQueryNo(q));
      expect(receipt.text).toContain(`/lookup?no=${q}`);
      expect(receipt.text).not.toContain('已登记成功');
      const fresh = await agent.get(`/staff/cases/${q}/receipt?new=1`).expect(200);
      expect(fresh.text).toContain('已登记成功');
    });
    it('when PUBLIC_URL is set, then the receipt link uses it, not the Host header', async () => {
      const t2 = await createTestApp({ PUBLIC_URL: 'https://zwfw.example.gov.cn' });
      try {
        const { agent, csrf } = await staffAgent(t2.app, 'water');
        const q = await registerViaForm(agent, csrf);
        const receipt = await agent.get(`/staff/cases/${q}/receipt`).set('Host', 'evil.example').expect(200);
        expect(receipt.text).toContain(`https://zwfw.example.gov.cn/lookup?no=${q}`);
        expect(receipt.text).not.toContain('evil.example');
      } finally {
        await t2.cleanup();
      }
    });
    it('when fields are bad, then the form comes back 400 with messages beside them and the input kept', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const res = await agent
        .post('/staff/cases')
        .type('form')
        .send(registerForm(csrf, { idNumber: '123456', phone: 'abc', applicantName: '衢州<b>测试</b>公司' }))
        .expect(400);
      expect(res.text).toContain('统一社会信用代码有误');
      expect(res.text).toContain('联系电话有误');
      expect(res.text).toContain('value="衢州&lt;b&gt;测试&lt;/b&gt;公司"');
      expect(res.text).toMatch(/id="idNumber"[^>]*aria-invalid="true"/);
      expect((await t.store.listCases({ limit: 5, offset: 0 })).total).toBe(0);
    });
    it('when a person is registered, the form checks the resident ID', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const res = await agent
        .post('/staff/cases')
        .type('form')
        .send(registerForm(csrf, { applicantKind: 'person', applicantName: '张三', idNumber: validCreditCode() }))
        .expect(400);
      expect(res.text).toContain('身份证号码有误');
    });
    it('when the CSRF token is wrong, then nothing is registered', async () => {
      const { agent } = await staffAgent(t.app, 'water');
      await agent.post('/staff/cases').type('form').send(registerForm('forged-token')).expect(403);
      expect((await t.store.listCases({ limit: 5, offset: 0 })).total).toBe(0);
    });
    it('the case page offers exactly the allowed next stages, and moving works', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const q = await registerViaForm(agent, csrf);
      const page = await agent.get(`/staff/cases/${q}`).expect(200);
      const offered = [...page.text.matchAll(/name="to" value="([a-z_]+)"/g)].map((m) => m[1]);
      expect(offered).toEqual(['supplement_requested', 'accepted', 'not_accepted', 'withdrawn']);
      expect(page.text).toContain(validCreditCode());
      const moved = await agent
        .post(`/staff/cases/${q}/transitions`)
        .type('form')
        .send({ _csrf: csrf, version: '1', to: 'accepted', note: '材料齐全' })
        .expect(303);
      expect(moved.headers.location).toBe(`/staff/cases/${q}?moved=accepted`);
      const after = await agent.get(moved.headers.location).expect(200);
      expect(after.text).toContain('已变更为「已受理」');
      const lookup = await request(t.app).get(`/lookup?no=${q}`).expect(200);
      expect(lookup.text).toContain('已受理');
    });
    it('when the page was stale, then the move is refused with a message and not lost silently', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const q = await registerViaForm(agent, csrf);
      await agent.post(`/staff/cases/${q}/transitions`).type('form').send({ _csrf: csrf, version: '1', to: 'accepted' }).expect(303);
      const res = await agent
        .post(`/staff/cases/${q}/transitions`)
        .type('form')
        .send({ _csrf: csrf, version: '1', to: 'withdrawn' })
        .expect(409);
      expect(res.text).toContain('该办件已被他人更新');
      expect((await t.store.listStageEvents((await t.store.findCaseByQueryNo(q))!.id)).length).toBe(2);
    });
    it('when approval has no decision number, then 400 with the message beside the field', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const q = await registerViaForm(agent, csrf);
      await agent.post(`/staff/cases/${q}/transitions`).type('form').send({ _csrf: csrf, version: '1', to: 'accepted' }).expect(303);
      const res = await agent
        .post(`/staff/cases/${q}/transitions`)
        .type('form')
        .send({ _csrf: csrf, version: '2', to: 'approved', decisionNo: '  ', note: '同意' })
        .expect(400);
      expect(res.text).toContain('准予许可须填写决定文号');
      expect(res.text).toMatch(/<details class="transition" open>/);
    });
    it('when the move is illegal, then 409 with a message', async () => {
      const { agent, csrf } = await staffAgent(t.app, 'water');
      const q = await registerViaForm(agent, csrf);
      const res = await agent
        .post(`/staff/cases/${q}/transitions`)
        .type('form')
        .send({ _csrf: csrf, version: '1', to: 'completed' })
        .expect(409);
      expect(res.text).toContain('不能变更为「已办结」');
    });
  });

  describe('case list and departments', () => {
    it('lists only my department, filtered by stage and item', async () => {
      const water = await staffAgent(t.app, 'water');
      const q = await registerViaForm(water.agent, water.csrf);
      const q2 = await registerViaForm(water.agent, water.csrf);
      await water.agent.post(`/staff/cases/${q2}/transitions`).type('form').send({ _csrf: water.csrf, version: '1', to: 'accepted' });
      const all = await water.agent.get('/staff').expect(200);
      expect(all.text).toContain(formatQueryNo(q));
      expect(all.text).toContain(formatQueryNo(q2));
      const accepted = await water.agent.get('/staff?stage=accepted&item=SLJ-001').expect(200);
      expect(accepted.text).not.toContain(formatQueryNo(q));
      expect(accepted.text).toContain(formatQueryNo(q2));
      const land = await staffAgent(t.app, 'land');
      const other = await land.agent.get('/staff').expect(200);
      expect(other.text).not.toContain(formatQueryNo(q));
      expect(other.text).toContain('没有符合条件的办件');
    });
    it("when staff open another department's case, then 403 and no private data", async () => {
      const water = await staffAgent(t.app, 'water');
      const q = await registerViaForm(water.agent, water.csrf);
      const land = await staffAgent(t.app, 'land');
      const res = await land.agent.get(`/staff/cases/${q}`).expect(403);
      expect(res.text).not.toContain(validCreditCode());
      await land.agent.get(`/staff/cases/${q}/receipt`).expect(403);
    });
    it('an admin sees every department', async () => {
      const water = await staffAgent(t.app, 'water');
      const q = await registerViaForm(water.agent, water.csrf);
      const admin = await staffAgent(t.app, 'admin');
      const res = await admin.agent.get('/staff').expect(200);
      expect(res.text).toContain(formatQueryNo(q));
      await admin.agent.get(`/staff/cases/${q}`).expect(200);
    });
    it('the person ID number never reaches the public lookup of a case registered by form', async () => {
      const water = await staffAgent(t.app, 'water');
      const res = await water.agent
        .post('/staff/cases')
        .type('form')
        .send(registerForm(water.csrf, { applicantKind: 'person', applicantName: '欧阳娜娜', idNumber: personApplicant().idNumber, phone: '13905701234' }))
        .expect(303);
      const q = /cases\/(\w+)\/receipt/.exec(res.headers.location)![1];
      const lookup = await request(t.app).get(`/lookup?no=${q}`).expect(200);
      expect(lookup.text).toContain('欧***');
      expect(lookup.text).not.toContain('欧阳娜娜');
      expect(lookup.text).not.toContain(personApplicant().idNumber);
      expect(lookup.text).not.toContain('13905701234');
    });
  });
});
