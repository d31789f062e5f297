import request from 'supertest';
import { createQueryNo } from '../../src/domain/query-number';
import { apiToken, createTestApp, manualClock, personApplicant, type TestApp } from '../helpers/test-app';

describe('two-tier lookup: number alone, or number + phone last 4 digits', () => {
  let t: TestApp;
  let token: string;
  const clock = manualClock('2026-11-02T02:00:00Z');
  beforeEach(async () => {
    clock.set('2026-11-02T02:00:00Z');
    t = await createTestApp({}, { clock });
    token = await apiToken(t.app, 'water');
  });
  afterEach(() => t.cleanup());

  async function supplementCase() {
    const q = (
      await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: personApplicant() })
        .expect(201)
    ).body.queryNo as string;
    await request(t.app)
      .post(`/api/v1/cases/${q}/transitions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to: 'supplement_requested', note: '1. 取水工程平面图；2. 水资源论证报告', notePublic: true })
      .expect(200);
    return q;
  }
  const detail = (no: string, digits: string) => request(t.app).post('/lookup/detail').type('form').send({ no, digits });

  it('when the digits are right, then the detail shows the missing materials, public notes and documents', async () => {
    const q = await supplementCase();
    const res = await detail(q, '1234').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('需要补正的材料');
    expect(res.text).toMatch(/<li>取水工程平面图<\/li>\s*<li>水资源论证报告<\/li>/);
    expect(res.text).toContain('一次性补正告知书');
    expect(res.text).not.toContain(personApplicant().phone);
    expect(res.text).not.toContain(personApplicant().idNumber);
    const link = /href="(\/lookup\/documents\/supplement_notice\?no=[^"]+)"/.exec(res.text)?.[1].replace(/&amp;/g, '&');
    const doc = await request(t.app).get(link as string).expect(200);
    expect(doc.text).toContain('水资源论证报告');
  });

  it('accepts full-width digits', async () => {
    const q = await supplementCase();
    await detail(q, '１２３４').expect(200);
  });

  it('when the digits are wrong or the number unknown, then the same refusal, revealing nothing', async () => {
    const q = await supplementCase();
    const wrong = await detail(q, '9999').expect(403);
    const unknown = await detail(createQueryNo('23456789ABC'), '1234').expect(403);
    expect(wrong.text).toContain('查询号或联系电话后四位不正确');
    expect(unknown.text).toContain('查询号或联系电话后四位不正确');
    expect(wrong.text).not.toContain('取水许可');
    const api1 = await request(t.app).post(`/api/v1/cases/${q}/detail`).send({ phoneLast4: '9999' }).expect(403);
    const api2 = await request(t.app).post(`/api/v1/cases/${createQueryNo('23456789ABC')}/detail`).send({ phoneLast4: '1234' }).expect(403);
    expect(api1.body).toEqual(api2.body);
    expect(api1.body.error.code).toBe('applicant_check_failed');
  });

  it('when digits are guessed repeatedly, then 429 with Retry-After, even with the right digits afterwards', async () => {
    const q = await supplementCase();
    for (let i = 0; i < 10; i++) await detail(q, String(1000 + i)).expect(403);
    const res = await detail(q, '1234').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('the summary tier keeps notes, reasons and documents out', async () => {
    const q = await supplementCase();
    const res = await request(t.app).get(`/lookup?no=${q}`).expect(200);
    expect(res.text).not.toContain('取水工程平面图');
    expect(res.text).not.toContain('/lookup/documents/');
    const api = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
    expect(JSON.stringify(api.body)).not.toContain('取水工程平面图');
  });

  it('document links expire and cannot be forged', async () => {
    const q = await supplementCase();
    const res = await detail(q, '1234').expect(200);
    const link = (/href="(\/lookup\/documents\/supplement_notice\?no=[^"]+)"/.exec(res.text)?.[1] ?? '').replace(/&amp;/g, '&');
    await request(t.app).get(link.replace(/t=\d+\./, 't=9999999999999.')).expect(403);
    await request(t.app).get(`/lookup/documents/supplement_notice?no=${q}`).expect(403);
    clock.set('2026-11-02T02:31:00Z');
    await request(t.app).get(link).expect(403);
  });

  it('the API detail needs four digits', async () => {
    const q = await supplementCase();
    const res = await request(t.app).post(`/api/v1/cases/${q}/detail`).send({ phoneLast4: '12' }).expect(400);
    expect(res.body.error.fields.phoneLast4).toBeDefined();
  });
});
