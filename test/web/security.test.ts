import request from 'supertest';
import { createQueryNo } from '../../src/domain/query-number';
import { apiToken, createTestApp, orgApplicant, type TestApp } from '../helpers/test-app';

describe('security headers and limits', () => {
  let t: TestApp;
  afterEach(() => t.cleanup());

  it('sends a strict CSP with a fresh nonce, no unsafe-inline, and frame-ancestors none', async () => {
    t = await createTestApp();
    const a = await request(t.app).get('/').expect(200);
    const b = await request(t.app).get('/').expect(200);
    const csp = a.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toEqual(b.headers['content-security-policy']);
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['referrer-policy']).toBe('same-origin');
    expect(a.headers['x-powered-by']).toBeUndefined();
  });

  it('pages carry no inline script or style and no external URLs', async () => {
    t = await createTestApp();
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=/);
    expect(res.text).not.toMatch(/\son[a-z]+=/);
    expect(res.text).not.toMatch(/(src|href)="https?:\/\//);
  });

  it('rate-limits the public lookup per client with 429 and Retry-After, on pages and the API', async () => {
    t = await createTestApp({ LOOKUP_RATE_LIMIT: '3' });
    const q = createQueryNo('23456789ABC');
    for (let i = 0; i < 3; i++) await request(t.app).get(`/api/v1/cases/${q}`).expect(404);
    const api = await request(t.app).get(`/api/v1/cases/${q}`).expect(429);
    expect(api.body.error.code).toBe('rate_limited');
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    const page = await request(t.app).get(`/lookup?no=${q}`).expect(429);
    expect(page.text).toContain('操作过于频繁');
  });

  it('known and unknown numbers take the same path: both count against the limit, and once limited both get the same 429', async () => {
    t = await createTestApp({ LOOKUP_RATE_LIMIT: '4' });
    const token = await apiToken(t.app, 'water');
    const known = (await request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201)).body.queryNo;
    const unknown = createQueryNo('23456789ABC');
    await request(t.app).get(`/api/v1/cases/${known}`).expect(200);
    await request(t.app).get(`/api/v1/cases/${unknown}`).expect(404);
    await request(t.app).get(`/lookup?no=${known}`).expect(200);
    await request(t.app).get(`/lookup?no=${unknown}`).expect(404);
    const a = await request(t.app).get(`/api/v1/cases/${known}`).expect(429);
    const b = await request(t.app).get(`/api/v1/cases/${unknown}`).expect(429);
    expect(a.body).toEqual(b.body);
    expect(a.headers['retry-after']).toBe(b.headers['retry-after']);
  });

  it('honours X-Forwarded-For only when TRUST_PROXY is set', async () => {
    t = await createTestApp({ LOOKUP_RATE_LIMIT: '1', TRUST_PROXY: '1' });
    const q = createQueryNo('23456789ABC');
    await request(t.app).get(`/api/v1/cases/${q}`).set('X-Forwarded-For', '203.0.113.1').expect(404);
    await request(t.app).get(`/api/v1/cases/${q}`).set('X-Forwarded-For', '203.0.113.2').expect(404);
    await request(t.app).get(`/api/v1/cases/${q}`).set('X-Forwarded-For', '203.0.113.2').expect(429);
  });

  it('without TRUST_PROXY, a spoofed X-Forwarded-For does not escape the limit', async () => {
    t = await createTestApp({ LOOKUP_RATE_LIMIT: '1' });
    const q = createQueryNo('23456789ABC');
    await request(t.app).get(`/api/v1/cases/${q}`).set('X-Forwarded-For', '203.0.113.1').expect(404);
    await request(t.app).get(`/api/v1/cases/${q}`).set('X-Forwarded-For', '203.0.113.2').expect(429);
  });

  it('an expired or unknown bearer token gets 401 JSON, never a page', async () => {
    t = await createTestApp();
    const res = await request(t.app)
      .post(`/api/v1/cases/${createQueryNo('23456789ABC')}/transitions`)
      .set('Authorization', 'Bearer abcdefghijklmnopqrstuvwxyz')
      .send({ to: 'accepted' })
      .expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('an internal error reaches the client as a plain 500 without stack or SQL', async () => {
    t = await createTestApp();
    await t.store.close();
    const api = await request(t.app).get(`/api/v1/cases/${createQueryNo('23456789ABC')}`).expect(500);
    expect(api.body).toEqual({ error: { code: 'internal_error', message: '系统繁忙，请稍后再试' } });
    const page = await request(t.app).get('/bulletin').expect(500);
    expect(page.text).toContain('系统繁忙');
    expect(page.text).not.toMatch(/at .*\(|sqlite|SELECT/i);
  });
});
