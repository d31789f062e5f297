import request from 'supertest';
import { apiToken, createTestApp, orgApplicant, personApplicant, staffAgent, type TestApp } from '../helpers/test-app';
import { createQueryNo, formatQueryNo } from '../../src/domain/query-number';

describe('JSON API /api/v1', () => {
  let t: TestApp;
  let waterToken: string;
  beforeEach(async () => {
    t = await createTestApp();
    waterToken = await apiToken(t.app, 'water');
  });
  afterEach(() => t.cleanup());

  const register = (token: string, body: object) =>
    request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send(body);
  const transition = (token: string, queryNo: string, body: object, ifMatch?: string) => {
    const r = request(t.app).post(`/api/v1/cases/${queryNo}/transitions`).set('Authorization', `Bearer ${token}`);
    if (ifMatch) r.set('If-Match', ifMatch);
    return r.send(body);
  };
  async function newCase(applicant: object = personApplicant(), itemCode = 'SLJ-001') {
    const res = await register(waterToken, { itemCode, applicant, projectName: '乌溪江引水工程' }).expect(201);
    return res.body.queryNo as string;
  }

  describe('POST /auth/token', () => {
    it('when the credentials are right, then it returns a token and its expiry', async () => {
      const res = await request(t.app).post('/api/v1/auth/token').send({ username: 'water', password: 'correct-horse-battery' });
      expect(res.status).toBe(200);
      expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    });
    it.each([
      ['wrong password', { username: 'water', password: 'nope-nope' }],
      ['unknown user', { username: 'nobody', password: 'correct-horse-battery' }],
    ])('when %s, then 401 with the same message', async (_label, body) => {
      const res = await request(t.app).post('/api/v1/auth/token').send(body).expect(401);
      expect(res.body.error).toEqual({ code: 'unauthorized', message: '用户名或密码错误' });
    });
    it('when the body misses fields, then 400 validation_failed naming them', async () => {
      const res = await request(t.app).post('/api/v1/auth/token').send({}).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields).sort()).toEqual(['password', 'username']);
    });
  });

  describe('GET /items', () => {
    it('lists items in force with department and limits, not cancelled ones', async () => {
      const res = await request(t.app).get('/api/v1/items').expect(200);
      const codes = res.body.map((i: { code: string }) => i.code);
      expect(codes).toContain('SLJ-001');
      expect(codes).not.toContain('SLJ-099');
      expect(res.body.find((i: { code: string }) => i.code === 'SLJ-001')).toEqual({
        code: 'SLJ-001',
        name: '取水许可',
        category: '取水许可',
        department: { code: 'SLJ', name: '市水利局' },
        statutoryDays: 20,
        promisedDays: 10,
      });
    });
  });

  describe('POST /cases', () => {
    it('when input is valid, then 201 with the case, a Location and a valid query number', async () => {
      const res = await register(waterToken, { itemCode: 'SLJ-001', applicant: personApplicant(), note: '内部备注' });
      expect(res.status).toBe(201);
      expect(res.body.queryNo).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
      expect(res.headers.location).toBe(`/api/v1/cases/${res.body.queryNo}`);
      expect(res.headers.etag).toMatch(new RegExp(`^"${res.body.queryNo}-v1-d\\d{8}"$`));
      expect(res.body.stage).toEqual({ code: 'submitted', label: '已收件' });
      expect(res.body.applicant.idNumber).toBe(personApplicant().idNumber);
      expect(res.body.timeline).toHaveLength(1);
    });
    it('when there is no token, then 401', async () => {
      const res = await request(t.app).post('/api/v1/cases').send({ itemCode: 'SLJ-001', applicant: personApplicant() });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
    it('when the token is bad, then 401', async () => {
      await register('not-a-real-token-at-all', { itemCode: 'SLJ-001', applicant: personApplicant() }).expect(401);
    });
    it("when staff register another department's item, then 403 and nothing is written", async () => {
      const res = await register(waterToken, { itemCode: 'GTJ-001', applicant: personApplicant() });
      expect(res.status).toBe(403);
      expect((await t.store.listCases({ limit: 10, offset: 0 })).total).toBe(0);
    });
    it('when the item is cancelled, then 400 with a clear message on itemCode', async () => {
      const res = await register(waterToken, { itemCode: 'SLJ-099', applicant: personApplicant() }).expect(400);
      expect(res.body.error.fields.itemCode).toContain('已取消');
    });
    it('when several fields are bad, then 400 names each of them', async () => {
      const res = await register(waterToken, {
        itemCode: '',
        applicant: { name: '', kind: 'robot', idNumber: '123', phone: 'abc' },
      }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields)).toEqual(
        expect.arrayContaining(['itemCode', 'applicant.name', 'applicant.kind']),
      );
    });
    it('when a person ID number fails its check digit, then 400 on applicant.idNumber', async () => {
      const bad = { ...personApplicant(), idNumber: personApplicant().idNumber.slice(0, 17) + 'Y' };
      const res = await register(waterToken, { itemCode: 'SLJ-001', applicant: bad }).expect(400);
      expect(res.body.error.fields['applicant.idNumber']).toBeDefined();
      expect(res.body.error.fields['applicant.phone']).toBeUndefined();
    });
    it('when the JSON is malformed, then 400 invalid_json, never 500', async () => {
      const res = await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${waterToken}`)
        .set('Content-Type', 'application/json')
        .send('{"itemCode": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
      expect(res.text).not.toMatch(/SyntaxError|at .*\.js/);
    });
    it('when the body is too large, then 413', async () => {
      const res = await register(waterToken, { itemCode: 'SLJ-001', applicant: personApplicant(), note: 'x'.repeat(70_000) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });
    it('when the body is not an object, then 400', async () => {
      const res = await register(waterToken, [1, 2, 3] as unknown as object);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    });
  });

  describe('GET /cases/{queryNo}', () => {
    it('returns the public view, masked, with a timeline oldest first and an ETag', async () => {
      const q = await newCase();
      await transition(waterToken, q, { to: 'accepted', note: '材料齐全', notePublic: true }).expect(200);
      await transition(waterToken, q, { to: 'under_review', note: '内部：请科长把关' }).expect(200);
      const res = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
      expect(res.headers.etag).toMatch(new RegExp(`^"${q}-v3-d\\d{8}"$`));
      expect(res.body.queryNo).toBe(q);
      expect(res.body.item).toMatchObject({ code: 'SLJ-001', name: '取水许可' });
      expect(res.body.department).toEqual({ code: 'SLJ', name: '市水利局' });
      expect(res.body.applicant).toEqual({ name: '张**', kind: 'person' });
      expect(res.body.stage).toMatchObject({ code: 'under_review', label: '审查中' });
      expect(res.body.timeline.map((e: { stage: { code: string } }) => e.stage.code)).toEqual([
        'submitted',
        'accepted',
        'under_review',
      ]);
      expect(res.body.timeline[1].note).toBeUndefined();
      const detail = await request(t.app).post(`/api/v1/cases/${q}/detail`).send({ phoneLast4: '1234' }).expect(200);
      expect(detail.body.timeline[1].note).toBe('材料齐全');
      expect(detail.body.timeline[2].note).toBeUndefined();
      expect(JSON.stringify(detail.body)).not.toContain(personApplicant().phone);
      expect(JSON.stringify(detail.body)).not.toContain('请科长把关');
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(personApplicant().idNumber);
      expect(text).not.toContain(personApplicant().phone);
      expect(text).not.toContain('张三丰');
      expect(text).not.toContain('请科长把关');
    });
    it('accepts any input form: lower case, spaces, dashes, full-width', async () => {
      const q = await newCase();
      const fullWidth = [...formatQueryNo(q).toLowerCase()]
        .map((c) => String.fromCharCode(c === '-' ? 0xff0d : c.charCodeAt(0) + 0xfee0))
        .join('');
      for (const form of [q.toLowerCase(), ` ${formatQueryNo(q)} `, q.replace(/(.{4})/g, '$1 '), fullWidth]) {
        const res = await request(t.app).get(`/api/v1/cases/${encodeURIComponent(form)}`);
        expect(res.status).toBe(200);
        expect(res.body.queryNo).toBe(q);
      }
    });
    it('answers 304 to a matching If-None-Match', async () => {
      const q = await newCase();
      const first = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
      await request(t.app).get(`/api/v1/cases/${q}`).set('If-None-Match', first.headers.etag).expect(304);
    });
    it('shows organization names in full', async () => {
      const q = await newCase(orgApplicant());
      const res = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
      expect(res.body.applicant).toEqual({ name: '衢州市清源水务有限公司', kind: 'organization' });
    });
    it.each([['ABCD'], ['0000-0000-0000'], ['23456789ABCD-extra']])(
      'when the number %s is malformed, then 400 invalid_query_no',
      async (bad) => {
        const res = await request(t.app).get(`/api/v1/cases/${encodeURIComponent(bad)}`).expect(400);
        expect(res.body.error).toEqual({ code: 'invalid_query_no', message: '查询号有误，请核对' });
      },
    );
    it('when the check character is wrong, then 400 invalid_query_no (not 404)', async () => {
      const q = createQueryNo('23456789ABC');
      const wrong = q.slice(0, 11) + (q[11] === '2' ? '3' : '2');
      const res = await request(t.app).get(`/api/v1/cases/${wrong}`).expect(400);
      expect(res.body.error.code).toBe('invalid_query_no');
    });
    it('when a well-formed number is unknown, then 404 case_not_found', async () => {
      const res = await request(t.app).get(`/api/v1/cases/${createQueryNo('23456789ABC')}`).expect(404);
      expect(res.body.error.code).toBe('case_not_found');
    });
  });

  describe("a write's answer", () => {
    /** The timeline as stored, in the answer's shape (mapped here, independently of the route's code). */
    async function storedTimeline(queryNo: string) {
      const c = await t.store.findCaseByQueryNo(queryNo);
      return (await t.store.listStageEvents(c!.id)).map((e) => ({
        ...(e.kind === 'extension' ? { event: 'extension', extensionDays: e.extensionDays, approver: e.approverName } : {}),
        stage: { code: e.toStage },
        at: e.at,
        staff: e.staffName,
        note: e.note,
        notePublic: e.notePublic,
        decisionNo: e.decisionNo,
        reason: e.reason,
      }));
    }
    const expectStoredTimeline = async (res: request.Response) =>
      expect(res.body.timeline).toMatchObject(await storedTimeline(res.body.queryNo));

    it('carries the whole stored timeline: after registration, notes, an approved extension, a decision', async () => {
      const reg = await register(waterToken, { itemCode: 'SLJ-001', applicant: orgApplicant(), projectName: '乌溪江引水工程' }).expect(201);
      await expectStoredTimeline(reg);
      expect(reg.body.timeline).toHaveLength(1);
      const q = reg.body.queryNo as string;
      await expectStoredTimeline(await transition(waterToken, q, { to: 'accepted', note: '材料齐全', notePublic: true }).expect(200));
      await expectStoredTimeline(await transition(waterToken, q, { to: 'under_review', note: '内部：待现场核查' }).expect(200));

      // An extension event, written by another path (the supervisor's decision), sits between two moves.
      const water = await staffAgent(t.app, 'water');
      await water.agent.post(`/staff/cases/${q}/extension`).type('form').send({ _csrf: water.csrf, reason: '需现场踏勘' }).expect(303);
      const requestId = (await t.store.listExtensionRequests({ status: 'pending' }))[0].id;
      const lead = await staffAgent(t.app, 'waterlead');
      await lead.agent
        .post(`/staff/extensions/${requestId}/decision`)
        .type('form')
        .send({ _csrf: lead.csrf, decision: 'approve', note: '同意' })
        .expect(303);

      const approved = await transition(waterToken, q, { to: 'approved', decisionNo: ' 衢水许〔2026〕9号 ', note: '准予许可' }).expect(200);
      await expectStoredTimeline(approved);
      expect(approved.body.timeline.map((e: { event?: string; stage: { code: string } }) => e.event ?? e.stage.code)).toEqual([
        'submitted',
        'accepted',
        'under_review',
        'extension',
        'approved',
      ]);
      expect(approved.body.timeline[4]).toMatchObject({ decisionNo: '衢水许〔2026〕9号', note: '准予许可', staff: t.staff.water.displayName });
    });

    it("carries a denial's reason as stored", async () => {
      const q = await newCase();
      await transition(waterToken, q, { to: 'accepted' }).expect(200);
      const denied = await transition(waterToken, q, { to: 'denied', reason: ' 不符合取水许可条件 ' }).expect(200);
      await expectStoredTimeline(denied);
      expect(denied.body.timeline.at(-1)).toMatchObject({ stage: { code: 'denied' }, reason: '不符合取水许可条件' });
    });
  });

  describe('POST /cases/{queryNo}/transitions', () => {
    it('follows the stage machine and returns the new ETag', async () => {
      const q = await newCase();
      const res = await transition(waterToken, q, { to: 'accepted' }, `"${q}-v1"`).expect(200);
      expect(res.body.stage.code).toBe('accepted');
      expect(res.headers.etag).toMatch(new RegExp(`^"${q}-v2-d\\d{8}"$`));
      const again = await transition(waterToken, q, { to: 'under_review' }, res.headers.etag).expect(200);
      expect(again.body.stage.code).toBe('under_review');
    });
    it('when the move is not in the table, then 409 invalid_transition', async () => {
      const q = await newCase();
      const res = await transition(waterToken, q, { to: 'approved', decisionNo: '衢水许〔2026〕1号' }).expect(409);
      expect(res.body.error.code).toBe('invalid_transition');
    });
    it('when If-Match is stale, then 412 and nothing changes', async () => {
      const q = await newCase();
      await transition(waterToken, q, { to: 'accepted' }, `"${q}-v1"`).expect(200);
      const res = await transition(waterToken, q, { to: 'under_review' }, `"${q}-v1"`).expect(412);
      expect(res.body.error.code).toBe('stale_version');
      const after = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
      expect(after.body.stage.code).toBe('accepted');
      expect(after.body.timeline).toHaveLength(2);
    });
    it('when two staff move the same version at once, exactly one wins', async () => {
      const q = await newCase();
      const leadToken = await apiToken(t.app, 'waterlead');
      const results = await Promise.all([
        transition(waterToken, q, { to: 'accepted' }, `"${q}-v1"`),
        transition(leadToken, q, { to: 'supplement_requested' }, `"${q}-v1"`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
      const after = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
      expect(after.body.timeline).toHaveLength(2);
    });
    it.each([
      ['approved', 'decisionNo'],
      ['denied', 'reason'],
      ['not_accepted', 'reason'],
    ])('when %s lacks what the law needs, then 400 naming %s', async (to, fieldName) => {
      const q = await newCase();
      if (to !== 'not_accepted') {
        await transition(waterToken, q, { to: 'accepted' }).expect(200);
        await transition(waterToken, q, { to: 'under_review' }).expect(200);
      }
      const res = await transition(waterToken, q, { to }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields)).toContain(fieldName);
    });
    it('when `to` is not a stage, then 400 naming `to`', async () => {
      const q = await newCase();
      const res = await transition(waterToken, q, { to: 'teleported' }).expect(400);
      expect(res.body.error.fields.to).toBeDefined();
    });
    it("when staff of another department move the case, then 403", async () => {
      const q = await newCase();
      const landToken = await apiToken(t.app, 'land');
      const res = await transition(landToken, q, { to: 'accepted' }).expect(403);
      expect(res.body.error.code).toBe('forbidden');
    });
    it('when an admin moves any case, then it is allowed', async () => {
      const q = await newCase();
      await transition(await apiToken(t.app, 'admin'), q, { to: 'accepted' }).expect(200);
    });
    it('approval of a public item publishes a bulletin entry at once; a private item does not', async () => {
      const q = await newCase(orgApplicant());
      await transition(waterToken, q, { to: 'accepted' }).expect(200);
      await transition(waterToken, q, { to: 'approved', decisionNo: '衢水许〔2026〕088号' }).expect(200);
      const privateQ = await newCase(orgApplicant(), 'SLJ-009');
      await transition(waterToken, privateQ, { to: 'accepted' }).expect(200);
      await transition(waterToken, privateQ, { to: 'approved', decisionNo: '衢水密〔2026〕1号' }).expect(200);
      const res = await request(t.app).get('/api/v1/bulletin').expect(200);
      expect(res.body.total).toBe(1);
      expect(res.body.page).toBe(1);
      expect(res.body.entries[0]).toMatchObject({
        decisionNo: '衢水许〔2026〕088号',
        applicant: '衢州市清源水务有限公司',
        projectName: '乌溪江引水工程',
        item: { code: 'SLJ-001', name: '取水许可', category: '取水许可' },
        department: { code: 'SLJ', name: '市水利局' },
        validity: '5年',
      });
    });
    it('a person applicant appears masked in the bulletin', async () => {
      const q = await newCase(personApplicant());
      await transition(waterToken, q, { to: 'accepted' }).expect(200);
      await transition(waterToken, q, { to: 'approved', decisionNo: '衢水许〔2026〕089号' }).expect(200);
      const res = await request(t.app).get('/api/v1/bulletin').expect(200);
      expect(res.body.entries[0].applicant).toBe('张**');
      expect(JSON.stringify(res.body)).not.toContain(personApplicant().idNumber);
    });
  });

  describe('GET /bulletin', () => {
    it.each([['0'], ['-1'], ['abc'], ['1.5']])('when page=%s, then 400 naming page', async (page) => {
      const res = await request(t.app).get(`/api/v1/bulletin?page=${page}`).expect(400);
      expect(res.body.error.fields.page).toBeDefined();
    });
    it('when the page is past the end, then an empty list with the total', async () => {
      const res = await request(t.app).get('/api/v1/bulletin?page=9').expect(200);
      expect(res.body).toMatchObject({ entries: [], page: 9, total: 0 });
    });
  });

  it('unknown API paths answer a JSON 404', async () => {
    const res = await request(t.app).get('/api/v1/nothing-here').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
