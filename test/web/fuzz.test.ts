import fc from 'fast-check';
import request from 'supertest';
import { createQueryNo, QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';
import { apiToken, createTestApp, csrfFrom, orgApplicant, staffAgent, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/**
 * Property tests over every write endpoint of the API and the public forms: whatever arrives,
 * the answer is below 500, a 4xx carries the JSON error shape (API) or a page (forms), nothing
 * looks like a stack trace, and a rejected request leaves every business table as it was.
 */

const TABLES = ['cases', 'stage_events', 'bulletin_entries', 'case_materials', 'extension_requests', 'evaluations', 'rectifications', 'outbox', 'api_tokens', 'sessions', 'audit_log'];
const STACK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+:\d+|SqliteError|TypeError|ReferenceError|RangeError|SQLITE_/;

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const queryNoArb = fc.array(fc.constantFrom(...QUERY_NO_ALPHABET), { minLength: QUERY_NO_BODY_LENGTH, maxLength: QUERY_NO_BODY_LENGTH }).map((a) => createQueryNo(a.join('')));
/** Values a field might get: anything JSON, and near-misses of the real types. */
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('accepted', 'approved', 'denied', 'completed', 'satisfied', 'dissatisfied', 'organization', 'person', 'SLJ-001', '0183', '2026-13-45', '1e309', '__proto__'),
);
/** An object with (some of) the schema's keys, arbitrary values; or any JSON at all. */
const shaped = (keys: string[], nested: Record<string, fc.Arbitrary<unknown>> = {}) =>
  fc.oneof(
    fc.record(Object.fromEntries(keys.map((k) => [k, nested[k] ?? value])), { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 3 }),
  );
const applicant = shaped(['name', 'kind', 'idNumber', 'phone', 'email']);
/** Path segments: arbitrary text (encoded), real-looking numbers, and raw broken escapes. */
const segment = (real: string) =>
  fc.oneof(
    text.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')) || 'x'),
    queryNoArb,
    fc.constant(real),
    fc.constantFrom('%', '%E0%A4%A', '%00', '..%2F..%2Fetc%2Fpasswd', '%ZZ', '%C0%AE', 'a'.repeat(300)),
  );
const query = fc.dictionary(fc.oneof(fc.constantFrom('q', 'page', 'stage', 'item', 'clockStatus', 'category', 'department', 'from', 'to', 'no'), fc.string({ maxLength: 8 })), fc.oneof(text, fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })), { maxKeys: 5 });
const qs = (q: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one.replace(/[\uD800-\uDFFF]/g, ''));
  return p.toString();
};

describe('fuzzing the API and the public forms', () => {
  let t: TestApp;
  let token: string;
  let queryNo: string;
  let ipSeq = 0;
  const ip = () => {
    ipSeq++;
    return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
  };
  const counts = () => TABLES.map((tb) => (t.store.db.prepare(`SELECT COUNT(*) AS n FROM ${tb}`).get() as { n: number }).n);

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'on' });
    token = await apiToken(t.app, 'water');
    const res = await request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201);
    queryNo = res.body.queryNo;
  });
  afterAll(() => t.cleanup());

  /** Sends, then checks the invariants; `api` answers must use the JSON error shape. */
  async function check(send: () => request.Test, api: boolean): Promise<void> {
    const before = counts();
    const res = await send();
    expect(res.status).toBeLessThan(500);
    expect(res.text ?? '').not.toMatch(STACK);
    if (res.status >= 400) {
      expect(counts()).toEqual(before);
      if (api) {
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
      }
    }
  }

  const run = (prop: fc.IAsyncPropertyWithHooks<never> | fc.IAsyncProperty<unknown[]>, numRuns = 40) =>
    fc.assert(prop as fc.IAsyncProperty<unknown[]>, { numRuns });

  it('POST /api/v1/auth/token', async () => {
    await run(
      fc.asyncProperty(shaped(['username', 'password']), async (body) => {
        await check(() => request(t.app).post('/api/v1/auth/token').set('X-Forwarded-For', ip()).set('Content-Type', 'application/json').send(JSON.stringify(body)), true);
      }),
      25,
    );
  });

  it('POST /api/v1/cases (registration)', async () => {
    await run(
      fc.asyncProperty(shaped(['itemCode', 'applicant', 'projectName', 'note', 'materialsReceived'], { applicant }), async (body) => {
        await check(() => request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(JSON.stringify(body)), true);
      }),
    );
  });

  it('any request body that is not JSON at all', async () => {
    await run(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom('/api/v1/cases', '/api/v1/auth/token', `/api/v1/cases/Q/transitions`, '/api/v1/cases/Q/evaluation'), async (raw, path) => {
        await check(
          () => request(t.app).post(path.replace('Q', queryNo)).set('X-Forwarded-For', ip()).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(raw),
          true,
        );
      }),
    );
  });

  it('POST /api/v1/cases/:queryNo/transitions (with any If-Match)', async () => {
    await run(
      fc.asyncProperty(segment(queryNo), shaped(['to', 'note', 'notePublic', 'decisionNo', 'reason']), fc.option(fc.string({ maxLength: 60 }), { nil: null }), async (q, body, ifMatch) => {
        await check(() => {
          const r = request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`);
          if (typeof ifMatch === 'string') r.set('If-Match', ifMatch.replace(/[^\x20-\x7e]/g, ''));
          return r.set('Content-Type', 'application/json').send(JSON.stringify(body));
        }, true);
      }),
    );
  });

  it('POST /api/v1/cases/:queryNo/detail and /evaluation', async () => {
    const scores = shaped(['efficiency', 'quality', 'attitude']);
    await run(
      fc.asyncProperty(segment(queryNo), shaped(['phoneLast4']), shaped(['phoneLast4', 'level', 'comment', 'scores'], { scores }), async (q, detail, evaluation) => {
        await check(() => request(t.app).post(`/api/v1/cases/${q}/detail`).set('X-Forwarded-For', ip()).set('Content-Type', 'application/json').send(JSON.stringify(detail)), true);
        await check(() => request(t.app).post(`/api/v1/cases/${q}/evaluation`).set('X-Forwarded-For', ip()).set('Content-Type', 'application/json').send(JSON.stringify(evaluation)), true);
      }),
    );
  });

  it('DELETE /api/v1/tokens/current with any Authorization header', async () => {
    await run(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`)), async (auth) => {
        await check(() => request(t.app).delete('/api/v1/tokens/current').set('Authorization', auth.replace(/[^\x20-\x7e]/g, '')), true);
      }),
    );
    // The fixture's own token survived all of it.
    await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('GET endpoints with arbitrary path segments and query strings', async () => {
    await run(
      fc.asyncProperty(segment(queryNo), query, async (q, params) => {
        const s = qs(params as Record<string, string | string[]>);
        await check(() => request(t.app).get(`/api/v1/cases?${s}`).set('Authorization', `Bearer ${token}`), true);
        await check(() => request(t.app).get(`/api/v1/bulletin?${s}`), true);
        await check(() => request(t.app).get(`/api/v1/cases/${q}?${s}`).set('X-Forwarded-For', ip()), true);
        await check(() => request(t.app).get(`/api/v1/items/${q}`), true);
        await check(() => request(t.app).get(`/lookup?${s}&no=${q}`).set('X-Forwarded-For', ip()), false);
        await check(() => request(t.app).get(`/bulletin?${s}`), false);
      }),
      25,
    );
  });

  it('the public forms: detail lookup and 好差评', async () => {
    const form = (keys: string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })), fc.oneof(text, fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })), { maxKeys: 8 });
    await run(
      fc.asyncProperty(
        form(['no', 'digits']),
        form(['no', 'phoneLast4', 'level', 'comment', 'scores.efficiency', 'scores.quality', 'scores.attitude']),
        fc.boolean(),
        async (detail, evaluation, realNo) => {
          if (realNo) {
            detail.no = queryNo;
            evaluation.no = queryNo;
          }
          const clean = (o: Record<string, unknown>) => qs(o as Record<string, string | string[]>);
          await check(() => request(t.app).post('/lookup/detail').set('X-Forwarded-For', ip()).type('form').send(clean(detail)), false);
          await check(() => request(t.app).post('/evaluate').set('X-Forwarded-For', ip()).type('form').send(clean(evaluation)), false);
        },
      ),
      30,
    );
  });

  it('the staff login and registration forms', async () => {
    const staff = await staffAgent(t.app, 'water');
    const agent = request.agent(t.app);
    const csrf = csrfFrom((await agent.get('/staff/login').expect(200)).text);
    const fields = ['itemCode', 'applicantKind', 'applicantName', 'idNumber', 'phone', 'email', 'projectName', 'note', 'materialsReceived'];
    await run(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('username', 'password', 'next'), text, { maxKeys: 3 }),
        fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 6 })), fc.oneof(text, fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })), { maxKeys: 9 }),
        async (login, registration) => {
          await check(() => agent.post('/staff/login').set('X-Forwarded-For', ip()).type('form').send(qs({ ...(login as Record<string, string>), _csrf: csrf })), false);
          await check(
            () => staff.agent.post('/staff/cases').type('form').send(qs({ ...(registration as Record<string, string | string[]>), _csrf: staff.csrf })),
            false,
          );
        },
      ),
      15,
    );
  });
});
