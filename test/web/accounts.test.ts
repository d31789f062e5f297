import request from 'supertest';
import { passwordProblem } from '../../src/domain/password-policy';
import { apiToken, createTestApp, csrfFrom, PASSWORD, staffAgent, type TestApp } from '../helpers/test-app';

const STRONG = 'Quzhou-Window-2027';

async function login(t: TestApp, username: string, password: string) {
  const agent = request.agent(t.app);
  const csrf = csrfFrom((await agent.get('/staff/login')).text);
  const res = await agent.post('/staff/login').type('form').send({ _csrf: csrf, username, password });
  return { agent, res };
}

describe('account management and passwords', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const form = (csrf: string, over: Record<string, string> = {}) => ({
    _csrf: csrf,
    username: 'zhangsan',
    displayName: '张三',
    role: 'window_staff',
    departmentId: String(t.depts.water.id),
    windowId: '',
    active: 'on',
    password: STRONG,
    ...over,
  });

  it('an admin creates an account that can then log in; the creation is audited', async () => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.post('/staff/admin/accounts').type('form').send(form(admin.csrf)).expect(303);
    expect(res.headers.location).toBe('/staff/admin/accounts?saved=zhangsan');
    const list = await admin.agent.get('/staff/admin/accounts').expect(200);
    expect(list.text).toContain('zhangsan');
    const { res: ok } = await login(t, 'zhangsan', STRONG);
    expect(ok.status).toBe(303);
    const audit = await t.store.listAudit({ entity: 'staff', limit: 10, offset: 0 });
    expect(audit.rows[0]).toMatchObject({ entity: 'staff', action: 'create' });
  });

  it.each([
    [{ password: 'short' }, 'password', '至少 10 个字符'],
    [{ password: '1234567890' }, 'password', '过于常见'],
    [{ password: 'zhangsan-2027' }, 'password', '不能包含用户名'],
    [{ username: 'Bad Name' }, 'username', '小写字母'],
    [{ departmentId: '' }, 'departmentId', '须选择所属部门'],
    [{ role: 'admin' }, 'departmentId', '留空'],
  ])('when the form has %j, then 400 with the message beside %s and nothing saved', async (over, field, message) => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.post('/staff/admin/accounts').type('form').send(form(admin.csrf, over)).expect(400);
    expect(res.text).toMatch(new RegExp(`id="${field}-error">[^<]*${message}`));
    expect(await t.store.findStaffByUsername('zhangsan')).toBeNull();
  });

  it('a taken username is refused', async () => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent.post('/staff/admin/accounts').type('form').send(form(admin.csrf, { username: 'water' })).expect(400);
    expect(res.text).toContain('该用户名已被使用');
  });

  it('changing a role or deactivating ends the account’s sessions; a deactivated account cannot log in', async () => {
    const water = await staffAgent(t.app, 'water');
    const admin = await staffAgent(t.app, 'admin');
    const id = t.staff.water.id;
    await admin.agent
      .post(`/staff/admin/accounts/${id}`)
      .type('form')
      .send({ _csrf: admin.csrf, displayName: '水利窗口', role: 'supervisor', departmentId: String(t.depts.water.id), windowId: '', active: 'on' })
      .expect(303);
    await water.agent.get('/staff').expect(303);
    await admin.agent
      .post(`/staff/admin/accounts/${id}`)
      .type('form')
      .send({ _csrf: admin.csrf, displayName: '水利窗口', role: 'supervisor', departmentId: String(t.depts.water.id), windowId: '' })
      .expect(303);
    const { res } = await login(t, 'water', PASSWORD);
    expect(res.status).toBe(401);
  });

  it('an admin cannot demote or deactivate themselves', async () => {
    const admin = await staffAgent(t.app, 'admin');
    const res = await admin.agent
      .post(`/staff/admin/accounts/${t.staff.admin.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, displayName: '管理员', role: 'admin', departmentId: '', windowId: '' })
      .expect(400);
    expect(res.text).toContain('不能取消自己的管理员权限或停用自己的账号');
  });

  it('a password reset by an admin revokes the old sessions and API tokens', async () => {
    const token = await apiToken(t.app, 'water');
    const water = await staffAgent(t.app, 'water');
    const admin = await staffAgent(t.app, 'admin');
    await admin.agent.post(`/staff/admin/accounts/${t.staff.water.id}/password`).type('form').send({ _csrf: admin.csrf, password: 'abc' }).expect(400);
    await admin.agent.post(`/staff/admin/accounts/${t.staff.water.id}/password`).type('form').send({ _csrf: admin.csrf, password: STRONG }).expect(303);
    await water.agent.get('/staff').expect(303);
    await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(401);
    expect((await login(t, 'water', PASSWORD)).res.status).toBe(401);
    expect((await login(t, 'water', STRONG)).res.status).toBe(303);
  });

  it('staff change their own password: current checked, policy applied, then every session ends', async () => {
    const water = await staffAgent(t.app, 'water');
    const post = (body: Record<string, string>) => water.agent.post('/staff/password').type('form').send({ _csrf: water.csrf, ...body });
    expect((await post({ current: 'wrong-password', password: STRONG, confirm: STRONG }).expect(400)).text).toContain('当前密码不正确');
    expect((await post({ current: PASSWORD, password: 'short', confirm: 'short' }).expect(400)).text).toContain('至少 10 个字符');
    expect((await post({ current: PASSWORD, password: STRONG, confirm: 'other-Password-1' }).expect(400)).text).toContain('两次输入的新密码不一致');
    const done = await post({ current: PASSWORD, password: STRONG, confirm: STRONG }).expect(303);
    expect(done.headers.location).toBe('/staff/login?changed=1');
    await water.agent.get('/staff').expect(303);
    expect((await login(t, 'water', STRONG)).res.status).toBe(303);
  });

  it('window staff cannot open account management', async () => {
    const water = await staffAgent(t.app, 'water');
    await water.agent.get('/staff/admin/accounts').expect(403);
    await water.agent.post('/staff/admin/accounts').type('form').send(form(water.csrf)).expect(403);
  });
});

describe('password policy', () => {
  it.each([
    ['Quzhou-Window-2027', 'water', null],
    ['short', 'water', '至少'],
    ['qwertyuiop', 'water', '常见'],
    ['aaaaaaaaaaaa', 'water', '常见'],
    ['Banjiantong-2026', 'water', '常见'],
    ['water-window-2027', 'water', '用户名'],
  ])('passwordProblem(%j, %j)', (password, username, expected) => {
    const problem = passwordProblem(password, username);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});
