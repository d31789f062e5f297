import request from 'supertest';
import { createQueryNo, formatQueryNo } from '../../src/domain/query-number';
import { apiToken, createTestApp, orgApplicant, personApplicant, type TestApp } from '../helpers/test-app';

describe('public pages', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp();
    token = await apiToken(t.app, 'water');
  });
  afterEach(() => t.cleanup());

  async function newCase(applicant: object = personApplicant()) {
    const res = await request(t.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .send({ itemCode: 'SLJ-001', applicant, projectName: '乌溪江引水工程' })
      .expect(201);
    return res.body.queryNo as string;
  }
  const move = (q: string, body: object) =>
    request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send(body).expect(200);

  it('when the home page is opened, then it shows the query box as a plain GET form', async () => {
    const res = await request(t.app).get('/').expect(200).expect('Content-Type', /html; charset=utf-8/);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toMatch(/<form class="query-box" method="get" action="\/lookup"/);
    expect(res.text).toContain('name="no"');
    expect(res.text).toContain('取水许可');
  });

  it('when a real number is looked up, then the page shows item, department, masked applicant, stage and timeline', async () => {
    const q = await newCase();
    await move(q, { to: 'supplement_requested', note: '请补齐取水工程平面图', notePublic: true });
    const res = await request(t.app).get(`/lookup?no=${q.toLowerCase()}`).expect(200);
    expect(res.text).toContain(formatQueryNo(q));
    expect(res.text).toContain('取水许可');
    expect(res.text).toContain('市水利局');
    expect(res.text).toContain('张**');
    expect(res.text).toContain('待补正');
    expect(res.text).toContain('请按一次性补正告知书补齐全部材料');
    expect(res.text).not.toContain('请补齐取水工程平面图');
    expect(res.text).toContain('联系电话后四位');
    expect(res.text).toContain('已收件');
    expect(res.text).not.toContain('/evaluate?no=');
    expect(res.text).not.toContain('张三丰');
    expect(res.text).not.toContain(personApplicant().idNumber);
    expect(res.text).not.toContain(personApplicant().phone);
  });

  it('when the number is malformed, then a friendly 400 page says 查询号有误，请核对', async () => {
    const res = await request(t.app).get('/lookup?no=ABCD-1234').expect(400);
    expect(res.text).toContain('查询号有误，请核对');
    expect(res.text).not.toContain('未查询到办件');
    // The box itself is marked and carries the reason, for screen readers too.
    expect(res.text).toMatch(/aria-describedby="query-no-error query-hint" aria-invalid="true"/);
    expect(res.text).toContain('<p class="field-error" id="query-no-error">查询号只含数字2–9和字母，不含 0、O、1、I</p>');
  });

  it('when the check character is wrong, then the malformed page, not the not-found page', async () => {
    const q = createQueryNo('23456789ABC');
    const wrong = q.slice(0, 11) + (q[11] === '2' ? '3' : '2');
    const res = await request(t.app).get(`/lookup?no=${wrong}`).expect(400);
    expect(res.text).toContain('查询号有误，请核对');
    expect(res.text).toContain('校验位');
    expect(res.text).toContain('id="query-no-error">校验位不符');
  });

  it('when a well-formed number is unknown, then a distinct 404 page', async () => {
    const res = await request(t.app).get(`/lookup?no=${createQueryNo('23456789ABC')}`).expect(404);
    expect(res.text).toContain('未查询到办件');
    expect(res.text).not.toContain('查询号有误');
  });

  it('when the box was left empty, then it asks for a number', async () => {
    const res = await request(t.app).get('/lookup?no=').expect(400);
    expect(res.text).toContain('请输入查询号');
  });

  it('escapes user-supplied text on every public page', async () => {
    const res = await request(t.app).get(`/lookup?no=${encodeURIComponent('<script>alert(1)</script>')}`).expect(400);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('the bulletin lists approvals newest first and links each entry', async () => {
    const q1 = await newCase(orgApplicant());
    await move(q1, { to: 'accepted' });
    await move(q1, { to: 'approved', decisionNo: '衢水许〔2026〕001号' });
    const q2 = await newCase(personApplicant());
    await move(q2, { to: 'accepted' });
    await move(q2, { to: 'approved', decisionNo: '衢水许〔2026〕002号' });
    const res = await request(t.app).get('/bulletin').expect(200);
    expect(res.text.indexOf('衢水许〔2026〕002号')).toBeLessThan(res.text.indexOf('衢水许〔2026〕001号'));
    expect(res.text).toContain('衢州市清源水务有限公司');
    expect(res.text).toContain('张**');
    const id = /href="\/bulletin\/(\d+)"/.exec(res.text)?.[1];
    const entry = await request(t.app).get(`/bulletin/${id}`).expect(200);
    expect(entry.text).toContain('衢水许〔2026〕002号');
    expect(entry.text).toContain('5年');
  });

  it('the bulletin paginates', async () => {
    for (let i = 0; i < 21; i++) {
      const q = await newCase(orgApplicant());
      await move(q, { to: 'accepted' });
      await move(q, { to: 'approved', decisionNo: `衢水许〔2026〕${100 + i}号` });
    }
    const p1 = await request(t.app).get('/bulletin').expect(200);
    expect(p1.text).toContain('第 1 / 2 页');
    expect(p1.text).toContain('href="/bulletin?page=2"');
    const p2 = await request(t.app).get('/bulletin?page=2').expect(200);
    expect(p2.text).toContain('衢水许〔2026〕100号');
    await request(t.app).get('/bulletin?page=abc').expect(400);
  });

  it('unknown bulletin entries and pages get a Chinese 404 page', async () => {
    const a = await request(t.app).get('/bulletin/999').expect(404);
    expect(a.text).toContain('未找到该公告');
    const b = await request(t.app).get('/no-such-page').expect(404);
    expect(b.text).toContain('您访问的页面不存在');
  });

  it('GET /healthz answers ok', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the stylesheet', async () => {
    await request(t.app).get('/static/css/site.css').expect(200).expect('Content-Type', /css/);
  });
});
