import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createQueryNo } from '../../src/domain/query-number';
import { LiveConnections } from '../../src/web/live-routes';
import { apiToken, createTestApp, orgApplicant, type TestApp } from '../helpers/test-app';

/** Opens an SSE stream and collects what arrives. */
function openStream(port: number, path: string) {
  let buffer = '';
  let status = 0;
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  const req = http.get({ host: '127.0.0.1', port, path }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (const w of [...waiters]) {
        const m = w.re.exec(buffer);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m[0]);
        }
      }
    });
  });
  req.on('error', () => {});
  return {
    status: () => status,
    text: () => buffer,
    waitFor(re: RegExp, ms = 2000): Promise<string> {
      const m = re.exec(buffer);
      if (m) return Promise.resolve(m[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got ${JSON.stringify(buffer)}`)), ms);
        waiters.push({ re, resolve: (s) => (clearTimeout(timer), resolve(s)) });
      });
    },
    close: () => req.destroy(),
  };
}

describe('live status over server-sent events', () => {
  let t: TestApp;
  let server: http.Server;
  let port: number;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    token = await apiToken(t.app, 'water');
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.cleanup();
  });

  const newCase = async () =>
    (
      await request(t.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({ itemCode: 'SLJ-001', applicant: orgApplicant() })
        .expect(201)
    ).body.queryNo as string;

  it('when staff move a case, then an open lookup stream receives the new stage', async () => {
    const q = await newCase();
    const stream = openStream(port, `/lookup/events?no=${q.toLowerCase()}`);
    await stream.waitFor(/: connected/);
    await request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    const event = await stream.waitFor(/event: stage\ndata: (.*)\n\n/);
    expect(JSON.parse(event.split('data: ')[1])).toEqual({ version: 2, stage: 'accepted', label: '已受理' });
    stream.close();
  });

  it('another case’s change does not reach the stream, and an unknown number stays silent', async () => {
    const q = await newCase();
    const other = await newCase();
    const stream = openStream(port, `/lookup/events?no=${q}`);
    const unknown = openStream(port, `/lookup/events?no=${createQueryNo('23456789ABC')}`);
    await stream.waitFor(/: connected/);
    await unknown.waitFor(/: connected/);
    await request(t.app).post(`/api/v1/cases/${other}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.text()).not.toContain('event: stage');
    expect(unknown.text()).not.toContain('event: stage');
    stream.close();
    unknown.close();
  });

  it('a malformed number is refused with 400', async () => {
    const res = await request(t.app).get('/lookup/events?no=ABCD').expect(400);
    expect(res.text).toContain('查询号有误，请核对');
  });

  it('the lookup page loads the live script and carries the version it shows', async () => {
    const q = await newCase();
    const page = await request(t.app).get(`/lookup?no=${q}`).expect(200);
    expect(page.text).toMatch(/<script src="\/static\/js\/live\.[0-9a-f]{10}\.js" defer><\/script>/);
    expect(page.text).toContain(`data-live-query="${q}" data-live-version="1"`);
  });
});

describe('LiveConnections caps', () => {
  const res = () => ({ end: jest.fn() }) as never;
  it('refuses past the total, per-IP and per-case limits, and frees slots on release', () => {
    const live = new LiveConnections({ total: 3, perIp: 2, perCase: 2 });
    const a = live.tryAdd(res(), 'ip1', 'Q1');
    expect(live.tryAdd(res(), 'ip1', 'Q2')).not.toBeNull();
    expect(live.tryAdd(res(), 'ip1', 'Q3')).toBeNull();
    expect(live.tryAdd(res(), 'ip2', 'Q1')).not.toBeNull();
    expect(live.tryAdd(res(), 'ip3', 'Q1')).toBeNull();
    expect(live.size).toBe(3);
    a?.();
    a?.();
    expect(live.size).toBe(2);
    expect(live.tryAdd(res(), 'ip3', 'Q1')).not.toBeNull();
  });
  it('closeAll ends every open stream', () => {
    const live = new LiveConnections({ total: 10, perIp: 10, perCase: 10 });
    const streams = [res(), res()];
    streams.forEach((r, i) => live.tryAdd(r, 'ip', `Q${i}`));
    live.closeAll();
    streams.forEach((r) => expect((r as unknown as { end: jest.Mock }).end).toHaveBeenCalled());
  });
});
