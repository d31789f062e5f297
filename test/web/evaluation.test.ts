import request from 'supertest';
import { formatQueryNo } from '../../src/domain/query-number';
import { bj, caseDriver } from '../helpers/cases';
import { createTestApp, manualClock, personApplicant, type TestApp } from '../helpers/test-app';

const GOOD = { phoneLast4: '1234', level: 'satisfied', comment: '窗口服务热情', scores: { efficiency: 5, quality: 4, attitude: 5 } };
const form = (no: string, extra: Record<string, string> = {}) => ({
  no,
  phoneLast4: '1234',
  level: 'very_satisfied',
  comment: '',
  'scores.efficiency': '5',
  'scores.quality': '5',
  'scores.attitude': '4',
  ...extra,
});

describe('好差评: the applicant evaluates a completed case', () => {
  let t: TestApp;
  let clock: ReturnType<typeof manualClock>;
  let cases: ReturnType<typeof caseDriver>;
  beforeEach(async () => {
    clock = manualClock(bj('2026-11-02'));
    t = await createTestApp({}, { clock });
    cases = caseDriver(t, clock);
  });
  afterEach(() => t.cleanup());

  it('when the form is opened with a number, then it asks for the last four digits and never shows case data', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    const page = await request(t.app).get(`/evaluate?no=${q.toLowerCase()}`).expect(200);
    expect(page.text).toContain(formatQueryNo(q));
    expect(page.text).toContain('联系电话后四位');
    for (const label of ['非常满意', '满意', '基本满意', '不满意', '非常不满意', '服务效率', '服务水平', '服务态度']) {
      expect(page.text).toContain(label);
    }
    expect(page.text).not.toContain('张三丰');
    expect(page.text).not.toContain('取水许可');
    expect(page.text).not.toContain(personApplicant().phone);
    expect(page.text).not.toContain(personApplicant().idNumber);
  });

  it('when the applicant submits the form with full-width digits, then it is saved once and a thank-you page follows', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    const res = await request(t.app).post('/evaluate').type('form').send(form(formatQueryNo(q), { phoneLast4: '１２３４' })).expect(303);
    expect(res.headers.location).toBe('/evaluate/thanks');
    const thanks = await request(t.app).get(res.headers.location).expect(200);
    expect(thanks.text).toContain('感谢您的评价');
    const c = await t.store.findCaseByQueryNo(q);
    expect(await t.store.findEvaluationByCase(c!.id)).toMatchObject({
      level: 'very_satisfied',
      comment: null,
      scores: { efficiency: 5, quality: 5, attitude: 4 },
      evaluatedAt: clock.now().toISOString(),
    });
    expect((await t.store.listRectifications({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it('when the API gets a valid evaluation, then 201 with the level, and the phone appears nowhere in the answer', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    const res = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send(GOOD).expect(201);
    expect(res.body).toMatchObject({
      queryNo: q,
      level: { code: 'satisfied', label: '满意' },
      scores: { efficiency: 5, quality: 4, attitude: 5 },
      comment: '窗口服务热情',
      followUp: false,
    });
    expect(JSON.stringify(res.body)).not.toContain('1390570');
  });

  it('when fields are missing or out of range, then 400 with a message beside each field and the input kept', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    const page = await request(t.app)
      .post('/evaluate')
      .type('form')
      .send(form(q, { level: '', 'scores.quality': '9', comment: '很好'.repeat(260), phoneLast4: '12' }))
      .expect(400);
    expect(page.text).toContain('请选择总体满意程度');
    expect(page.text).toContain('请为服务水平打分（1–5分）');
    expect(page.text).toContain('意见建议不能超过500个字');
    expect(page.text).toContain('请填写办理时所留联系电话的后四位数字');
    expect(page.text).toContain('很好很好');
    const api = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send({ ...GOOD, level: 'great', scores: { efficiency: 0 } }).expect(400);
    expect(api.body.error.code).toBe('validation_failed');
    expect(Object.keys(api.body.error.fields)).toEqual(expect.arrayContaining(['level', 'scores.efficiency', 'scores.quality']));
  });

  it('when the digits are wrong or the number does not exist, then the same neutral 403 answer, revealing nothing', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    const unknown = 'ABCDEFGHJKL';
    const { createQueryNo } = await import('../../src/domain/query-number');
    const missing = createQueryNo(unknown);
    const wrong = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send({ ...GOOD, phoneLast4: '4321' }).expect(403);
    const none = await request(t.app).post(`/api/v1/cases/${missing}/evaluation`).send(GOOD).expect(403);
    expect(wrong.body).toEqual(none.body);
    expect(wrong.body.error.code).toBe('applicant_check_failed');
    const pageWrong = await request(t.app).post('/evaluate').type('form').send(form(q, { phoneLast4: '4321' })).expect(403);
    const pageNone = await request(t.app).post('/evaluate').type('form').send(form(missing)).expect(403);
    const message = (html: string) => /<div class="form-error" role="alert"><p>([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(pageWrong.text)).toBe('查询号或联系电话后四位不正确，请核对后重试');
    expect(message(pageNone.text)).toBe(message(pageWrong.text));
    expect(pageWrong.text).not.toContain('取水许可');
    expect(pageWrong.text).not.toContain('张三丰');
    const c = await t.store.findCaseByQueryNo(q);
    expect(await t.store.findEvaluationByCase(c!.id)).toBeNull();
  });

  it('when wrong digits are tried 10 times from one address, then the 11th try is refused with 429 and Retry-After, even with the right digits', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    for (let i = 0; i < 10; i++) {
      await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send({ ...GOOD, phoneLast4: String(1000 + i) }).expect(403);
    }
    const limited = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send(GOOD).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
    const page = await request(t.app).post('/evaluate').type('form').send(form(q)).expect(429);
    expect(page.headers['retry-after']).toBeDefined();
    expect(page.text).toContain('尝试次数过多');
  });

  it('when one number is tried from many addresses, then the per-case limit refuses it too', async () => {
    t = await (async () => {
      await t.cleanup();
      return createTestApp({ TRUST_PROXY: 'on' }, { clock });
    })();
    cases = caseDriver(t, clock);
    const q = await cases.completed({ registered: '2026-11-02' });
    for (let i = 0; i < 10; i++) {
      await request(t.app)
        .post(`/api/v1/cases/${q}/evaluation`)
        .set('X-Forwarded-For', `10.0.0.${i + 1}`)
        .send({ ...GOOD, phoneLast4: '0000' })
        .expect(403);
    }
    await request(t.app).post(`/api/v1/cases/${q}/evaluation`).set('X-Forwarded-For', '10.0.1.1').send(GOOD).expect(429);
  });

  it('when the case is evaluated a second time, then it is refused with a clear message (一事一评)', async () => {
    const q = await cases.completed({ registered: '2026-11-02' });
    await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send(GOOD).expect(201);
    const again = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send({ ...GOOD, level: 'very_dissatisfied' }).expect(409);
    expect(again.body.error.code).toBe('already_evaluated');
    const page = await request(t.app).post('/evaluate').type('form').send(form(q)).expect(409);
    expect(page.text).toContain('该办件已经评价过');
    const c = await t.store.findCaseByQueryNo(q);
    expect((await t.store.findEvaluationByCase(c!.id))?.level).toBe('satisfied');
    expect((await t.store.listRectifications({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it('when the case is not completed yet, then 409 not_completed with a clear message', async () => {
    const q = await cases.register(bj('2026-11-02'));
    await cases.move(q, bj('2026-11-03'), 'accepted');
    const api = await request(t.app).post(`/api/v1/cases/${q}/evaluation`).send(GOOD).expect(409);
    expect(api.body.error.code).toBe('not_completed');
    const page = await request(t.app).post('/evaluate').type('form').send(form(q)).expect(409);
    expect(page.text).toContain('该办件尚未办结，办结后才能评价');
  });

  it('when the number is malformed, then 400 "查询号有误" beside the field', async () => {
    const page = await request(t.app).post('/evaluate').type('form').send(form('ABCD')).expect(400);
    expect(page.text).toContain('查询号有误，请核对');
    const api = await request(t.app).post('/api/v1/cases/ABCD/evaluation').send(GOOD).expect(400);
    expect(api.body.error.code).toBe('invalid_query_no');
  });
});
