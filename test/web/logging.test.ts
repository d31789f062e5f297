import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createQueryNo } from '../../src/domain/query-number';
import { createLogger, loggedUrl, maskText } from '../../src/logging';
import { apiToken, createTestApp, csrfFrom, PASSWORD, personApplicant, staffAgent, validCreditCode, type TestApp } from '../helpers/test-app';

jest.setTimeout(30_000);

/** An app whose logger writes into `lines`, on the fixture database of `t`. */
function capturingApp(t: TestApp) {
  const lines: string[] = [];
  const stream: DestinationStream = { write: (s: string) => void lines.push(s) };
  const logger = createLogger('info', stream);
  const app = createApp({ store: t.store, config: t.config, sessionSecret: 'test-secret-test-secret-test-secret!', logger });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, lines, logger, records };
}

describe('structured logs', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  it('each request gets one access line whose request id equals the X-Request-Id response header', async () => {
    const { app, records } = capturingApp(t);
    const own = await request(app).get('/healthz').set('X-Request-Id', 'client-req.42').expect(200);
    expect(own.headers['x-request-id']).toBe('client-req.42');
    const generated = await request(app).get('/bulletin?page=1').set('X-Request-Id', 'has spaces and <b>').expect(200);
    const id = generated.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await request(app).get('/healthz').set('X-Request-Id', 'a'.repeat(65)).expect(200);
    expect(tooLong.headers['x-request-id']).not.toBe('a'.repeat(65));
    const access = records().filter((r) => r.msg === 'request');
    expect(access).toHaveLength(3);
    expect(access[0]).toMatchObject({ reqId: 'client-req.42', method: 'GET', url: '/healthz', status: 200, level: 30 });
    expect(typeof access[0].ms).toBe('number');
    expect(typeof access[0].time).toBe('string');
    expect(access[1]).toMatchObject({ reqId: id, url: '/bulletin?page=1', status: 200 });
  });

  it('with ACCESS_LOG=off, requests keep their ids but write no access line, and errors are still logged', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(s) });
    const config = { ...t.config, accessLog: false };
    const app = createApp({ store: t.store, config, sessionSecret: 'test-secret-test-secret-test-secret!', logger });
    const res = await request(app).get('/healthz').set('X-Request-Id', 'quiet-1').expect(200);
    expect(res.headers['x-request-id']).toBe('quiet-1');
    expect(lines.map((l) => JSON.parse(l) as { msg: string }).filter((r) => r.msg === 'request')).toHaveLength(0);
    t.store.findPublicCase = async () => {
      throw new Error('disk on fire');
    };
    await request(app).get(`/api/v1/cases/${createQueryNo('23456789ABC')}`).set('X-Request-Id', 'quiet-2').expect(500);
    expect(lines.map((l) => JSON.parse(l) as { level: number; reqId?: string }).filter((r) => r.level === 50)).toEqual([
      expect.objectContaining({ reqId: 'quiet-2' }),
    ]);
  });

  it('a failing request logs the error with its request id, masked, while the client sees no detail', async () => {
    const { app, records } = capturingApp(t);
    const id = personApplicant().idNumber;
    t.store.findPublicCase = async () => {
      throw new Error(`SQLITE_ERROR near '${id}' for phone 13905701234`);
    };
    const res = await request(app).get(`/api/v1/cases/${createQueryNo('23456789ABC')}`).set('X-Request-Id', 'err-1').expect(500);
    const errorLines = records().filter((r) => r.level === 50);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0].reqId).toBe('err-1');
    expect(JSON.stringify(errorLines[0])).toContain('SQLITE_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('SQLITE');
    const all = JSON.stringify(records());
    expect(all).not.toContain(id);
    expect(all).not.toContain('13905701234');
  });

  it('passwords, bearer tokens, cookies, ID numbers, credit codes and phones never reach the log', async () => {
    const { app, lines, logger } = capturingApp(t);
    // A login with a password (and a failed one), through the page.
    const agent = request.agent(app);
    const page = await agent.get('/staff/login').expect(200);
    await agent.post('/staff/login').type('form').send({ _csrf: csrfFrom(page.text), username: 'water', password: 'Wrong-Secret-99' }).expect(401);
    const w = await staffAgent(app, 'water');
    // A registration with an ID number and a phone, through the form and the API with a bearer token.
    const applicant = personApplicant();
    await w.agent
      .post('/staff/cases')
      .type('form')
      .send({ _csrf: w.csrf, itemCode: 'SLJ-001', applicantKind: 'person', applicantName: '张三丰', idNumber: applicant.idNumber, phone: applicant.phone, projectName: '', note: '' });
    const token = await apiToken(app, 'water');
    const created = await request(app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant }).expect(201);
    await request(app).get(`/api/v1/cases/${created.body.queryNo}?token=${token}&phone=${applicant.phone}`).expect(200);
    await request(app).get(`/documents/${created.body.queryNo}/receipt?t=${token}`);
    const cookie = w.agent.jar.getCookies({ path: '/', domain: '127.0.0.1', secure: false, script: false }).find((c) => c.name === 'bjt_sid')?.value;
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // Code that logs carelessly is still covered: names, paths and free text.
    const org = validCreditCode();
    logger.info({ body: { password: PASSWORD, applicant }, headers: { authorization: `Bearer ${token}`, cookie: `bjt_sid=${cookie}` } }, 'careless');
    logger.warn(`申请人 ${applicant.idNumber} 电话 ${applicant.phone} 单位 ${org} 座机 0570-3890183 token`);
    logger.error({ err: new Error(`duplicate idNumber ${applicant.idNumber}`) }, 'failed');
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(8);
    for (const secret of [PASSWORD, 'Wrong-Secret-99', token, cookie as string, applicant.idNumber, applicant.phone, org, '3890183']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[已隐藏]');
    expect(all).toContain('申请人 *** 电话 ***');
  });
});

describe('log masking', () => {
  it('masks ID numbers (18 and 15 digits), credit codes, mobiles and landlines in text, and keeps dates and short numbers', () => {
    expect(maskText('身份证 33080219900101123X，旧证 330802900101123')).toBe('身份证 ***，旧证 ***');
    expect(maskText(`代码 ${validCreditCode()} 手机13905701234 座机0570-3890183`)).toBe('代码 *** 手机*** 座机***');
    expect(maskText('2026-11-02T10:01:00.000Z 共 25 件，耗时 1234 毫秒')).toBe('2026-11-02T10:01:00.000Z 共 25 件，耗时 1234 毫秒');
  });

  it('hides secret query values in logged URLs', () => {
    expect(loggedUrl('/documents/X/receipt?t=123.abc&page=2')).toBe('/documents/X/receipt?t=[已隐藏]&page=2');
    expect(loggedUrl('/lookup?no=ABC&phone=13905701234')).toBe('/lookup?no=ABC&phone=[已隐藏]');
  });
});
