import request from 'supertest';
import { formatQueryNo } from '../../src/domain/query-number';
import { missingMaterialsOf } from '../../src/services/documents';
import { decodeQrSvg } from '../helpers/qr-decode';
import { apiToken, createTestApp, orgApplicant, staffAgent, type TestApp } from '../helpers/test-app';

describe('documents the window prints', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://zwfw.example.gov.cn' });
    token = await apiToken(t.app, 'water');
  });
  afterEach(() => t.cleanup());

  const newCase = async () =>
    (
      await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant(), projectName: '乌溪江引水工程' })
        .expect(201)
    ).body.queryNo as string;
  const move = (q: string, body: object) =>
    request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send(body).expect(200);

  it('the receipt carries the grouped number and a QR code that decodes to the lookup URL', async () => {
    const q = await newCase();
    const { agent } = await staffAgent(t.app, 'water');
    const receipt = await agent.get(`/staff/cases/${q}/receipt`).expect(200);
    expect(receipt.text).toContain(formatQueryNo(q));
    expect(receipt.text).toContain(`src="/qr/${q}.svg"`);
    expect(receipt.text).toContain('承诺办理时限');
    const svg = await request(t.app)
      .get(`/qr/${q}.svg`)
      .buffer(true)
      .parse((res, done) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => done(null, body));
      })
      .expect(200)
      .expect('Content-Type', /image\/svg\+xml/);
    expect(decodeQrSvg(svg.body as string)).toBe(`https://zwfw.example.gov.cn/lookup?no=${q}`);
  });

  it('a QR code is only made for a valid number', async () => {
    await request(t.app).get('/qr/ABCDEFGHJKLM.svg').expect(404);
    await request(t.app).get('/qr/..%2F..%2Fetc%2Fpasswd').expect(404);
  });

  it('the 一次性补正告知书 lists every missing material and the deadline', async () => {
    const q = await newCase();
    await move(q, { to: 'supplement_requested', note: '1. 取水工程平面图；2. 水资源论证报告\n3. 法定代表人身份证明', notePublic: true });
    const { agent } = await staffAgent(t.app, 'water');
    const page = await agent.get(`/staff/cases/${q}`).expect(200);
    expect(page.text).toContain(`/staff/cases/${q}/documents/supplement_notice`);
    const doc = await agent.get(`/staff/cases/${q}/documents/supplement_notice`).expect(200);
    expect(doc.text).toContain('一次性补正告知书');
    expect(doc.text).toMatch(/<li>取水工程平面图<\/li>\s*<li>水资源论证报告<\/li>\s*<li>法定代表人身份证明<\/li>/);
    expect(doc.text).toMatch(/请于 <strong>\d{4}-\d{2}-\d{2}<\/strong> 前/);
  });

  it('受理通知书 gives the promised due date; 不予许可决定书 gives the reason and the right to review and sue', async () => {
    const q = await newCase();
    await move(q, { to: 'accepted' });
    await move(q, { to: 'denied', reason: '取水口位于饮用水水源保护区' });
    const { agent } = await staffAgent(t.app, 'water');
    const accept = await agent.get(`/staff/cases/${q}/documents/acceptance_notice`).expect(200);
    expect(accept.text).toContain('决定予以受理');
    expect(accept.text).toMatch(/预计于 <strong>\d{4}-\d{2}-\d{2}<\/strong> 前作出决定/);
    const denial = await agent.get(`/staff/cases/${q}/documents/denial_decision`).expect(200);
    expect(denial.text).toContain('取水口位于饮用水水源保护区');
    expect(denial.text).toContain('行政复议');
    expect(denial.text).toContain('行政诉讼');
    await agent.get(`/staff/cases/${q}/documents/not_accepted_decision`).expect(404);
    await agent.get(`/staff/cases/${q}/documents/nonsense`).expect(404);
  });

  it('不予受理决定书 and staff of another department', async () => {
    const q = await newCase();
    await move(q, { to: 'not_accepted', reason: '不属于本机关职权范围' });
    const { agent } = await staffAgent(t.app, 'water');
    const doc = await agent.get(`/staff/cases/${q}/documents/not_accepted_decision`).expect(200);
    expect(doc.text).toContain('决定不予受理');
    expect(doc.text).toContain('不属于本机关职权范围');
    const land = await staffAgent(t.app, 'land');
    await land.agent.get(`/staff/cases/${q}/documents/not_accepted_decision`).expect(403);
  });

  it.each([
    ['1. 平面图；2. 报告', ['平面图', '报告']],
    ['请补齐：1. 法定代表人身份证明复印件；2. 项目可行性研究报告（盖章原件）。', ['法定代表人身份证明复印件', '项目可行性研究报告（盖章原件）。']],
    ['平面图\n报告', ['平面图', '报告']],
    [null, []],
  ])('missingMaterialsOf(%j)', (note, expected) => {
    expect(missingMaterialsOf(note)).toEqual(expected);
  });
});
