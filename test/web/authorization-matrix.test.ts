import type { Express } from 'express';
import request from 'supertest';
import { createQueryNo } from '../../src/domain/query-number';
import { hashPassword } from '../../src/services/passwords';
import { apiToken, createTestApp, csrfFrom, orgApplicant, PASSWORD, staffAgent, type TestApp } from '../helpers/test-app';

/**
 * Every staff route × every role, from one table. A route added without an entry here fails the
 * "every route is in the table" test, so nobody ships a page without deciding who may use it.
 *
 * Outcomes: 'ok' = the role gets past authorization (any status but 401/403; a 400 for an empty
 * form counts), 403 = refused. Anonymous visitors are always sent to the login page (GET) or get 401.
 */
type Role = 'water' | 'waterLead' | 'land' | 'admin' | 'office' | 'webmaster';
type Outcome = 'ok' | 403;
const ROLES: Role[] = ['water', 'waterLead', 'land', 'admin', 'office', 'webmaster'];
const USERNAMES: Record<Role, string> = {
  water: 'water',
  waterLead: 'waterlead',
  land: 'land',
  admin: 'admin',
  office: 'office',
  webmaster: 'webmaster',
};

/** Any signed-in account. */
const ANY = { water: 'ok', waterLead: 'ok', land: 'ok', admin: 'ok', office: 'ok', webmaster: 'ok' } as const;
/** Accounts of a department (and admins): the center office's reviewer and webmaster handle no cases. */
const CASE_STAFF = { water: 'ok', waterLead: 'ok', land: 'ok', admin: 'ok', office: 403, webmaster: 403 } as const;
/** The resource belongs to 市水利局: its staff and admins. */
const WATER = { water: 'ok', waterLead: 'ok', land: 403, admin: 'ok', office: 403, webmaster: 403 } as const;
/** Supervisors (own department) and admins. */
const SUPERVISOR = { water: 403, waterLead: 'ok', land: 403, admin: 'ok', office: 403, webmaster: 403 } as const;
const SUPERVISORS_ANY_DEPT = SUPERVISOR;
const ADMIN = { water: 403, waterLead: 403, land: 403, admin: 'ok', office: 403, webmaster: 403 } as const;
/** 办公室 reviews disclosure entries (政府信息公开). */
const OFFICE = { water: 403, waterLead: 403, land: 403, admin: 403, office: 'ok', webmaster: 403 } as const;
/** 依申请公开 is handled by the 办公室 and admins (the pages show identity numbers and phones). */
const REQUEST_HANDLERS = { water: 403, waterLead: 403, land: 403, admin: 'ok', office: 'ok', webmaster: 403 } as const;

const MATRIX: Record<string, Record<Role, Outcome>> = {
  'GET /staff/': ANY,
  'GET /staff/cases.csv': ANY,
  'GET /staff/cases/new': ANY,
  'POST /staff/cases': ANY,
  'GET /staff/cases/:queryNo': WATER,
  'GET /staff/cases/:queryNo/receipt': WATER,
  'GET /staff/cases/:queryNo/documents/:kind': WATER,
  'POST /staff/cases/:queryNo/transitions': WATER,
  'POST /staff/cases/:queryNo/extension': WATER,
  'GET /staff/supervision': SUPERVISORS_ANY_DEPT,
  'POST /staff/extensions/:id/decision': SUPERVISOR,
  'GET /staff/calendar': ADMIN,
  'POST /staff/calendar/overrides': ADMIN,
  'POST /staff/calendar/overrides/:date/delete': ADMIN,
  'POST /staff/calendar/years': ADMIN,
  'GET /staff/rectifications': SUPERVISORS_ANY_DEPT,
  'GET /staff/rectifications/:id': WATER,
  'POST /staff/rectifications/:id/follow-up': SUPERVISOR,
  'POST /staff/rectifications/:id/close': SUPERVISOR,
  'GET /staff/stats': CASE_STAFF,
  'GET /staff/stats.csv': CASE_STAFF,
  'GET /staff/admin/': ANY,
  'GET /staff/admin/departments': ADMIN,
  'GET /staff/admin/departments/new': ADMIN,
  'GET /staff/admin/departments/:id/edit': ADMIN,
  'POST /staff/admin/departments': ADMIN,
  'POST /staff/admin/departments/:id': ADMIN,
  'GET /staff/admin/windows': ADMIN,
  'GET /staff/admin/windows/new': ADMIN,
  'GET /staff/admin/windows/:id/edit': ADMIN,
  'POST /staff/admin/windows': ADMIN,
  'POST /staff/admin/windows/:id': ADMIN,
  'GET /staff/admin/items/new': ANY,
  'GET /staff/admin/items/:code/edit': WATER,
  'POST /staff/admin/items': ANY,
  'POST /staff/admin/items/:code': WATER,
  'GET /staff/admin/items/:code/files': WATER,
  'POST /staff/admin/materials/:id/files': WATER,
  'GET /staff/admin/laws': ADMIN,
  'GET /staff/admin/laws/new': ADMIN,
  'GET /staff/admin/laws/:id/edit': ADMIN,
  'POST /staff/admin/laws': ADMIN,
  'POST /staff/admin/laws/:id': ADMIN,
  'GET /staff/admin/intermediaries': ADMIN,
  'GET /staff/admin/intermediaries/new': ADMIN,
  'GET /staff/admin/intermediaries/:id/edit': ADMIN,
  'POST /staff/admin/intermediaries': ADMIN,
  'POST /staff/admin/intermediaries/:id': ADMIN,
  'GET /staff/admin/item-changes': ADMIN,
  'POST /staff/admin/item-changes': ADMIN,
  'GET /staff/admin/audit': ADMIN,
  'GET /staff/password': ANY,
  'POST /staff/password': ANY,
  'GET /staff/admin/accounts': ADMIN,
  'GET /staff/admin/accounts/new': ADMIN,
  'POST /staff/admin/accounts': ADMIN,
  'GET /staff/admin/accounts/:id/edit': ADMIN,
  'POST /staff/admin/accounts/:id': ADMIN,
  'POST /staff/admin/accounts/:id/password': ADMIN,
  'POST /staff/admin/login-locks/clear': ADMIN,
  'GET /staff/admin/auth-log': ADMIN,
  'GET /staff/tokens': ANY,
  'POST /staff/tokens/revoke': ANY,
  'GET /staff/disclosure/': ANY,
  'GET /staff/disclosure/new': ANY,
  'POST /staff/disclosure/': ANY,
  'GET /staff/disclosure/reports/': ANY,
  'GET /staff/disclosure/reports/:year': ANY,
  'GET /staff/disclosure/reports/:year/:file': ANY,
  'POST /staff/disclosure/reports/:year': OFFICE,
  'POST /staff/disclosure/reports/:year/submit': OFFICE,
  'GET /staff/disclosure/:id': ANY,
  'POST /staff/disclosure/:id': ANY,
  'POST /staff/disclosure/:id/steps/:step': OFFICE,
  'POST /staff/disclosure/:id/files': ANY,
  'POST /staff/disclosure/:id/files/:fileId/delete': ANY,
  'GET /staff/disclosure-requests/': REQUEST_HANDLERS,
  'GET /staff/disclosure-requests/:id': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/supplement': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/supply': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/extend': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/reply': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/abandon': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/fees': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/reviews': REQUEST_HANDLERS,
  'POST /staff/disclosure-requests/:id/reviews/:reviewId': REQUEST_HANDLERS,
  'GET /staff/disclosure-requests/:id/files/:fileId': REQUEST_HANDLERS,
};
/** Reached by everyone, signed in or not. */
const PUBLIC_STAFF_ROUTES = ['GET /staff/login', 'POST /staff/login', 'POST /staff/logout'];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
}

function staffRoutesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${l.route.path}`);
      else if (l.handle?.stack) walk(l.handle.stack, prefix + (l.rawPath && l.rawPath !== '/' ? String(l.rawPath) : ''));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out.filter((r) => r.split(' ')[1].startsWith('/staff'));
}

describe('authorization matrix of the staff side', () => {
  let t: TestApp;
  let params: Record<string, string>;
  const agents = {} as Record<Role, { agent: request.Agent; csrf: string }>;

  beforeAll(async () => {
    t = await createTestApp();
    const token = await apiToken(t.app, 'water');
    const api = (path: string, body: object) =>
      request(t.app).post(path).set('Authorization', `Bearer ${token}`).send(body);
    const q = (await api('/api/v1/cases', { itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201)).body.queryNo as string;
    await api(`/api/v1/cases/${q}/transitions`, { to: 'accepted' }).expect(200);
    const done = (await api('/api/v1/cases', { itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201)).body.queryNo as string;
    for (const to of ['accepted', 'denied', 'completed']) {
      await api(`/api/v1/cases/${done}/transitions`, { to, reason: '不符合条件' }).expect(200);
    }
    await request(t.app)
      .post(`/api/v1/cases/${done}/evaluation`)
      .send({ phoneLast4: '0183', level: 'dissatisfied', scores: { efficiency: 1, quality: 2, attitude: 2 } })
      .expect(201);
    const rectification = (await t.store.listRectifications({ limit: 1, offset: 0 })).rows[0];
    const hash = await hashPassword(PASSWORD);
    for (const [username, role] of [['office', 'office_reviewer'], ['webmaster', 'webmaster']] as const) {
      await t.store.createStaff({ username, displayName: username, role, departmentId: null, windowId: null, passwordHash: hash, isDemo: false });
    }
    for (const role of ROLES) agents[role] = await staffAgent(t.app, USERNAMES[role]);
    const draft = await agents.water.agent
      .post('/staff/disclosure')
      .type('form')
      .send({ _csrf: agents.water.csrf, title: '2026年行政许可事项目录', category: '政策文件', writtenDate: '2026-11-01', publisher: '市行政服务中心', summary: '目录', body: '正文' })
      .expect(303);
    const entryId = /\/staff\/disclosure\/(\d+)/.exec(draft.headers.location ?? '')?.[1] ?? '1';
    await agents.water.agent
      .post(`/staff/disclosure/${entryId}/steps/submit`)
      .type('form')
      .send({ _csrf: agents.water.csrf, version: '1' })
      .expect(303);
    await agents.water.agent
      .post(`/staff/cases/${q}/extension`)
      .type('form')
      .send({ _csrf: agents.water.csrf, reason: '需现场核查' })
      .expect(303);
    const extension = (await t.store.listExtensionRequests({ status: 'pending' }))[0];
    const disclosureRequest = await t.store.createDisclosureRequest({
      queryNo: createQueryNo('QR5K7M2P9X3'), applicantKind: 'person', applicantName: '张三', idNumber: '11010519491231002X', contactPerson: null,
      phone: '13812345678', email: null, address: null, description: '申请内容', deliveryForm: 'email',
      receivedAt: '2026-11-02T02:00:00.000Z', receivedOn: '2026-11-02', dueOn: '2026-11-30',
    });
    const office = (await t.store.findStaffByUsername('office'))!;
    const review = await t.store.addDisclosureRequestReview(
      { requestId: disclosureRequest.id, kind: 'review', filedOn: '2026-11-03', outcome: 'pending', decidedOn: null, note: '' },
      { staffId: office.id, at: '2026-11-03T02:00:00.000Z' },
    );
    t.store.db
      .prepare("INSERT INTO item_materials (item_id, seq, name, form) VALUES (?, 1, '取水许可申请书', '原件')")
      .run(t.items.water.id);
    const guide = await t.store.findItemGuide('SLJ-001');
    const law = (await t.store.listLaws({ limit: 1, offset: 0 })).rows[0];
    const windows = await t.store.listWindows();
    params = {
      queryNo: q,
      kind: 'receipt',
      id: '',
      code: 'SLJ-001',
      date: '2026-12-31',
      extensionId: String(extension.id),
      rectificationId: String(rectification.id),
      departmentId: String(t.depts.water.id),
      windowId: String(windows[0]?.id ?? 1),
      lawId: String(law?.id ?? 1),
      materialId: String(guide?.materials[0]?.id ?? 1),
      entryId,
      accountId: String(t.staff.land.id),
      requestId: String(disclosureRequest.id),
      reviewId: String(review.id),
    };
  });
  afterAll(() => t.cleanup());

  const urlOf = (route: string): string => {
    const path = route.split(' ')[1];
    const id =
      path.includes('/extensions/') ? params.extensionId
      : path.includes('/rectifications/') ? params.rectificationId
      : path.includes('/departments/') ? params.departmentId
      : path.includes('/windows/') ? params.windowId
      : path.includes('/laws/') ? params.lawId
      : path.includes('/materials/') ? params.materialId
      : path.includes('/disclosure/') ? params.entryId
      : path.includes('/disclosure-requests/') ? params.requestId
      : path.includes('/accounts/') ? params.accountId
      : '1';
    return path
      .replace(':queryNo', params.queryNo)
      .replace(':kind', params.kind)
      .replace(':code', params.code)
      .replace(':date', params.date)
      .replace(':step', 'approve')
      .replace(':year', '2025')
      .replace(':file', 'table3.csv')
      .replace(':reviewId', params.reviewId)
      .replace(':fileId', '1')
      .replace(':id', id);
  };

  it('every staff route is in the table, and every entry is a real route', () => {
    const actual = staffRoutesOf(t.app).filter((r) => !PUBLIC_STAFF_ROUTES.includes(r)).sort();
    expect(actual).toEqual(Object.keys(MATRIX).sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([route, outcomes]) => ROLES.map((role) => [route, role, outcomes[role]] as const));

  it.each(cases)('%s as %s → %s', async (route, role, expected) => {
    const [method, ] = route.split(' ');
    const { agent, csrf } = agents[role];
    const url = urlOf(route);
    const res = method === 'GET' ? await agent.get(url) : await agent.post(url).type('form').send({ _csrf: csrf });
    if (expected === 403) expect(res.status).toBe(403);
    else {
      expect(res.status).not.toBe(401);
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    }
  });

  it.each(Object.keys(MATRIX))('%s anonymously → login page or 401, never the content', async (route) => {
    const [method] = route.split(' ');
    const url = urlOf(route);
    if (method === 'GET') {
      const res = await request(t.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/staff\/login\?next=/);
    } else {
      const anon = request.agent(t.app);
      const csrf = csrfFrom((await anon.get('/staff/login')).text);
      const res = await anon.post(url).type('form').send({ _csrf: csrf });
      expect(res.status).toBe(401);
    }
  });

  it('a forged post (no CSRF token) is refused even for an admin', async () => {
    const res = await agents.admin.agent.post('/staff/calendar/years').type('form').send({ year: '2027', notice: 'x' });
    expect(res.status).toBe(403);
    expect(await t.store.listCalendarYears()).toEqual([]);
  });
});
