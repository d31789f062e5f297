import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildServer, call, startServer, waitForOutput, type Answer, type ServerProcess } from '../helpers/server-process';
import { createTestApp, orgApplicant, PASSWORD, type TestApp } from '../helpers/test-app';

/**
 * A registration whose body arrives in two parts: the request is in flight at the server between
 * them. Resolves with the answer once `finish()` sends the rest.
 */
function slowRegistration(url: string, token: string) {
  const body = Buffer.from(JSON.stringify({ itemCode: 'SLJ-001', applicant: orgApplicant(), projectName: '停机时在途的登记' }));
  let answer!: Promise<Answer>;
  const req = http.request(`${url}/api/v1/cases`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${token}` },
  });
  answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  req.write(body.subarray(0, 20));
  return { answer, finish: () => req.end(body.subarray(20)) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Once a later request on another connection is answered, the server has read the earlier one's headers. */
async function settled(s: ServerProcess): Promise<void> {
  expect((await call(`${s.url}/healthz`)).status).toBe(200);
  await pause(100);
}

describe('shutdown of the real server process', () => {
  let t: TestApp;
  let build: string;
  let server: ServerProcess | null = null;

  beforeAll(async () => {
    build = buildServer();
  }, 60_000);
  beforeEach(async () => {
    t = await createTestApp();
    await t.store.close();
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = null;
    await t.cleanup();
  });

  const tokenFor = async (s: ServerProcess) =>
    (await call(`${s.url}/api/v1/auth/token`, { body: { username: 'water', password: PASSWORD } })).json.token as string;

  it('on SIGTERM: refuses new connections, finishes the request in flight, ends live streams, flushes, closes the database and exits 0', async () => {
    // With scheduled backups on: their timer must not hold the process open either.
    server = await startServer(build, t.config.databaseFile, { BACKUP_DIR: path.join(path.dirname(t.config.databaseFile), 'backups') });
    const s = server;
    const token = await tokenFor(s);
    const before = await call(`${s.url}/api/v1/cases`, { body: { itemCode: 'SLJ-001', applicant: orgApplicant() }, headers: { authorization: `Bearer ${token}` } });
    expect(before.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await call(`${s.url}/`)).status).toBe(200);
    // A live-status stream stays open until the server ends it.
    const stream = new Promise<string>((resolve, reject) => {
      http.get(`${s.url}/lookup/events?no=${before.json.queryNo}`, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    const inFlight = slowRegistration(s.url, token);
    await settled(s);

    s.child.kill('SIGTERM');
    await waitForOutput(s, 'SIGTERM: no new connections');
    await expect(call(`${s.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await stream).toContain(': connected');
    expect(s.child.exitCode).toBeNull();

    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    expect(await s.exited).toEqual({ code: 0, signal: null });

    const db = new Database(t.config.databaseFile, { readonly: true });
    try {
      const cases = db.prepare('SELECT query_no FROM cases ORDER BY id').pluck().all();
      expect(cases).toEqual([before.json.queryNo, answer.json.queryNo]);
      // The page views counted in memory were written on the way out.
      expect(db.prepare("SELECT value FROM site_counters WHERE name = 'site_visits'").pluck().get()).toBe(3);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a second SIGTERM exits at once, without waiting for the request in flight', async () => {
    server = await startServer(build, t.config.databaseFile);
    const s = server;
    const inFlight = slowRegistration(s.url, await tokenFor(s));
    inFlight.answer.catch(() => undefined);
    await settled(s);
    s.child.kill('SIGTERM');
    await waitForOutput(s, 'SIGTERM: no new connections');
    await pause(200);
    expect(s.child.exitCode).toBeNull();
    const sent = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(s.output()).toContain('SIGTERM again: exiting without waiting.');
    await expect(inFlight.answer).rejects.toThrow();
  }, 60_000);

  it('when requests in flight outlast SHUTDOWN_TIMEOUT_MS, then it exits 1 at the timeout', async () => {
    server = await startServer(build, t.config.databaseFile, { SHUTDOWN_TIMEOUT_MS: '700' });
    const s = server;
    const inFlight = slowRegistration(s.url, await tokenFor(s));
    inFlight.answer.catch(() => undefined);
    await settled(s);
    const sent = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(650);
    expect(s.output()).toContain('Shutdown did not finish within 700 ms: exiting anyway.');
  }, 60_000);
});
