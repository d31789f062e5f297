import request from 'supertest';
import { createApp } from '../../src/app';
import { API_TOKEN_TTL_MS } from '../../src/services/auth';
import { apiToken, createTestApp, csrfFrom, manualClock, PASSWORD, staffAgent, type TestApp } from '../helpers/test-app';

/**
 * Lockout, the authentication log and API token revocation. Each test speaks from its own client
 * address (TRUST_PROXY on + X-Forwarded-For), so the per-address counters of one test do not leak
 * into the next.
 */
jest.setTimeout(30_000);

describe('login security', () => {
  let t: TestApp;
  const clock = manualClock('2026-11-02T02:00:00Z');
  let ipSeq = 0;
  const freshIp = () => `198.51.100.${++ipSeq}`;

  beforeEach(async () => {
    clock.set('2026-11-02T02:00:00Z');
    t = await createTestApp({ TRUST_PROXY: 'on' }, { clock });
  });
  afterEach(() => t.cleanup());

  /** Posts the login form from `ip`; returns the response. */
  async function pageLogin(app: typeof t.app, username: string, password: string, ip: string) {
    const agent = request.agent(app);
    const page = await agent.get('/staff/login').set('X-Forwarded-For', ip).expect(200);
    return agent
      .post('/staff/login')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username, password, next: '/staff' });
  }

  const errorText = (html: string) => /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

  it('when an account name fails 5 times, then the 5th answer is 429 with Retry-After and a Chinese retry time, and the right password is refused until the lock ends', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await pageLogin(t.app, 'water', 'wrong-password', ip)).status).toBe(401);
    const fifth = await pageLogin(t.app, 'water', 'wrong-password', ip);
    expect(fifth.status).toBe(429);
    expect(Number(fifth.headers['retry-after'])).toBe(60);
    expect(errorText(fifth.text)).toBe('登录失败次数过多，已暂时锁定。请于北京时间 2026-11-02 10:01 之后（约 1 分钟后）再试。');
    // Another address does not help: the lock is on the account name.
    expect((await pageLogin(t.app, 'water', PASSWORD, freshIp())).status).toBe(429);
    clock.set('2026-11-02T02:01:01Z');
    expect((await pageLogin(t.app, 'water', PASSWORD, ip)).status).toBe(303);
  });

  it('an unknown user name gets exactly the same answers as a known one with a wrong password (no enumeration)', async () => {
    const ip = freshIp();
    const seq = async (username: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await pageLogin(t.app, username, 'wrong-password', ip);
        out.push(`${r.status} ${r.headers['retry-after'] ?? '-'} ${errorText(r.text)}`);
      }
      return out;
    };
    const known = await seq('water');
    const unknown = await seq('nobody-here');
    expect(unknown).toEqual(known);
    expect(known[0]).toBe('401 - 用户名或密码错误');
    expect(known[5]).toMatch(/^429 60 登录失败次数过多/);
  });

  it('a successful login resets the account counter', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await pageLogin(t.app, 'water', 'wrong-password', ip);
    expect((await pageLogin(t.app, 'water', PASSWORD, ip)).status).toBe(303);
    expect(await t.store.findLoginThrottles(['user:water'])).toEqual([]);
    for (let i = 0; i < 4; i++) expect((await pageLogin(t.app, 'water', 'wrong-password', ip)).status).toBe(401);
  });

  it('locks grow: the second lock of the same name lasts 2 minutes', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await pageLogin(t.app, 'water', 'wrong-password', ip);
    clock.set('2026-11-02T02:01:30Z');
    let last;
    for (let i = 0; i < 5; i++) last = await pageLogin(t.app, 'water', 'wrong-password', ip);
    expect(last?.status).toBe(429);
    expect(Number(last?.headers['retry-after'])).toBe(120);
  });

  it('20 failures from one address lock the address, whatever the names; other addresses still log in', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const r = await pageLogin(t.app, `guess${i % 5}`, 'wrong-password', ip);
      expect(r.status).toBe(i === 19 ? 429 : 401);
    }
    expect((await pageLogin(t.app, 'land', PASSWORD, ip)).status).toBe(429);
    expect((await pageLogin(t.app, 'land', PASSWORD, freshIp())).status).toBe(303);
  });

  it('the lock is in the database: a new app instance on the same database still refuses', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await pageLogin(t.app, 'water', 'wrong-password', ip);
    const restarted = createApp({ store: t.store, config: t.config, clock, sessionSecret: 'test-secret-test-secret-test-secret!', log: () => {} });
    expect((await pageLogin(restarted, 'water', PASSWORD, freshIp())).status).toBe(429);
  });

  it('the token endpoint shares the counters and answers 429 login_locked with Retry-After', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i++) {
      await request(t.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip).send({ username: 'water', password: 'nope-nope-nope' }).expect(401);
    }
    const res = await request(t.app)
      .post('/api/v1/auth/token')
      .set('X-Forwarded-For', ip)
      .send({ username: 'water', password: PASSWORD })
      .expect(200);
    expect(res.body.token).toBeTruthy();
    for (let i = 0; i < 5; i++) {
      await request(t.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip).send({ username: 'water', password: 'nope-nope-nope' });
    }
    const locked = await request(t.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip).send({ username: 'water', password: PASSWORD }).expect(429);
    expect(locked.body.error.code).toBe('login_locked');
    expect(locked.headers['retry-after']).toBe('60');
    expect((await pageLogin(t.app, 'water', PASSWORD, freshIp())).status).toBe(429);
  });

  it('an administrator sees the lock on the accounts page and clears it; the account logs in again and the clearing is logged', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await pageLogin(t.app, 'water', 'wrong-password', ip);
    const admin = await staffAgent(t.app, 'admin');
    const page = await admin.agent.get('/staff/admin/accounts').expect(200);
    expect(page.text).toContain('用户名 water');
    expect(page.text).toContain('2026-11-02 10:01');
    await admin.agent.post('/staff/admin/login-locks/clear').type('form').send({ _csrf: admin.csrf, key: 'user:water' }).expect(303);
    expect((await admin.agent.get('/staff/admin/accounts').expect(200)).text).not.toContain('用户名 water');
    expect((await pageLogin(t.app, 'water', PASSWORD, ip)).status).toBe(303);
    const cleared = (await t.store.listAuthEvents({ kind: 'lock_cleared', limit: 10, offset: 0 })).rows;
    expect(cleared).toEqual([expect.objectContaining({ staffId: t.staff.water.id, actorId: t.staff.admin.id, detail: 'user:water' })]);
    const w = await staffAgent(t.app, 'water');
    await w.agent.post('/staff/admin/login-locks/clear').type('form').send({ _csrf: w.csrf, key: 'user:water' }).expect(403);
  });

  it('logins, failures, locks and logouts are written to the authentication log, with the name and address but never the password', async () => {
    const ip = freshIp();
    const secret = 'Secret-Typed-Password-42';
    for (let i = 0; i < 5; i++) await pageLogin(t.app, 'water', secret, ip);
    clock.set('2026-11-02T02:05:00Z');
    const ok = await pageLogin(t.app, 'water', PASSWORD, ip);
    expect(ok.status).toBe(303);
    const cookie = ok.headers['set-cookie'];
    const home = await request(t.app).get('/staff').set('Cookie', cookie).expect(200);
    await request(t.app).post('/staff/logout').set('Cookie', cookie).set('X-Forwarded-For', ip).type('form').send({ _csrf: csrfFrom(home.text) }).expect(303);
    const { rows } = await t.store.listAuthEvents({ limit: 50, offset: 0 });
    const kinds = rows.map((e) => e.kind).reverse();
    expect(kinds).toEqual([...Array(5).fill('login_failed'), 'login_locked', 'login_succeeded', 'logout']);
    const failed = rows.find((e) => e.kind === 'login_failed');
    expect(failed).toMatchObject({ username: 'water', ip, staffId: null });
    expect(rows.find((e) => e.kind === 'login_succeeded')).toMatchObject({ staffId: t.staff.water.id, ip });
    expect(rows.find((e) => e.kind === 'logout')).toMatchObject({ staffId: t.staff.water.id });
    const dump = JSON.stringify(t.store.db.prepare('SELECT * FROM auth_events').all());
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(PASSWORD);
    // The administrator reads it on the 登录日志 page.
    const admin = await staffAgent(t.app, 'admin');
    const log = await admin.agent.get('/staff/admin/auth-log?kind=login_failed').expect(200);
    expect(log.text).toContain(ip);
    expect(log.text).not.toContain('退出登录</td>');
  });

  it('a role change is in the audit log with before and after', async () => {
    const admin = await staffAgent(t.app, 'admin');
    await admin.agent
      .post(`/staff/admin/accounts/${t.staff.water.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, displayName: 'water姓名', role: 'supervisor', departmentId: String(t.depts.water.id), windowId: '', active: 'on' })
      .expect(303);
    const { rows } = await t.store.listAudit({ entity: 'staff', limit: 10, offset: 0 });
    expect(rows[0]).toMatchObject({ entityId: t.staff.water.id, action: 'update', staffId: t.staff.admin.id, changes: { role: ['window_staff', 'supervisor'] } });
  });
});

describe('API token revocation', () => {
  let t: TestApp;
  const clock = manualClock('2026-11-02T02:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.cleanup());

  const listCases = (token: string) => request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`);

  it('DELETE /api/v1/tokens/current revokes the token in use: 204, then 401 unauthorized; other tokens keep working; both are logged', async () => {
    const a = await apiToken(t.app, 'water');
    const b = await apiToken(t.app, 'water');
    await listCases(a).expect(200);
    await request(t.app).delete('/api/v1/tokens/current').set('Authorization', `Bearer ${a}`).expect(204);
    const after = await listCases(a).expect(401);
    expect(after.body.error.code).toBe('unauthorized');
    await request(t.app).delete('/api/v1/tokens/current').set('Authorization', `Bearer ${a}`).expect(401);
    await listCases(b).expect(200);
    const kinds = (await t.store.listAuthEvents({ staffId: t.staff.water.id, limit: 20, offset: 0 })).rows.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'token_issued').length).toBeGreaterThanOrEqual(2);
    expect(kinds).toContain('token_revoked');
  });

  it('an expired token is refused with the same 401', async () => {
    const a = await apiToken(t.app, 'water');
    clock.set(new Date(Date.parse('2026-11-02T02:00:00Z') + API_TOKEN_TTL_MS).toISOString());
    const res = await listCases(a).expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    clock.set('2026-11-02T02:00:00Z');
  });

  it('a staff member lists and revokes own tokens on the 访问令牌 page, but cannot revoke somebody else’s', async () => {
    const mine = await apiToken(t.app, 'land');
    const theirs = await apiToken(t.app, 'water');
    const land = await staffAgent(t.app, 'land');
    const page = await land.agent.get('/staff/tokens').expect(200);
    const ids = [...page.text.matchAll(/name="id" value="([^"]+)"/g)].map((m) => m[1]);
    const landTokens = await t.store.listApiTokens({ staffId: t.staff.land.id, activeAt: clock.now().toISOString() });
    expect(ids.sort()).toEqual(landTokens.map((x) => x.id).sort());
    expect(page.text).not.toContain('全部账号的访问令牌');
    const waterId = (await t.store.listApiTokens({ staffId: t.staff.water.id, activeAt: clock.now().toISOString() }))[0].id;
    await land.agent.post('/staff/tokens/revoke').type('form').send({ _csrf: land.csrf, id: waterId }).expect(404);
    await listCases(theirs).expect(200);
    for (const id of ids) await land.agent.post('/staff/tokens/revoke').type('form').send({ _csrf: land.csrf, id }).expect(303);
    await listCases(mine).expect(401);
    expect((await land.agent.get('/staff/tokens?revoked=1').expect(200)).text).toContain('没有有效的访问令牌');
  });

  it('an administrator sees every account’s tokens and revokes any; the revocation names the administrator', async () => {
    const theirs = await apiToken(t.app, 'waterlead');
    const admin = await staffAgent(t.app, 'admin');
    const page = await admin.agent.get('/staff/tokens').expect(200);
    expect(page.text).toContain('全部账号的访问令牌');
    expect(page.text).toContain('waterlead姓名（waterlead）');
    const id = (await t.store.listApiTokens({ staffId: t.staff.waterLead.id, activeAt: clock.now().toISOString() }))[0].id;
    await admin.agent.post('/staff/tokens/revoke').type('form').send({ _csrf: admin.csrf, id }).expect(303);
    await listCases(theirs).expect(401);
    const revoked = (await t.store.listAuthEvents({ kind: 'token_revoked', staffId: t.staff.waterLead.id, limit: 5, offset: 0 })).rows;
    expect(revoked[0]).toMatchObject({ actorId: t.staff.admin.id });
  });
});
