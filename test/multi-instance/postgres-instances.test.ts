/**
 * Two app processes on two ports, one PostgreSQL database: what a scale-out deployment behind a
 * reverse proxy (no sticky sessions) relies on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { PG_MIGRATIONS_DIR, ROOT } from '../../src/paths';
import { readMigrations } from '../../src/store/migrate';
import { afterAllBeforePgStops, describePg, usePgServer } from '../helpers/pg';
import { validCreditCode } from '../helpers/test-app';

jest.setTimeout(240_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Instance {
  port: number;
  proc: ChildProcess;
  output: string[];
  base: string;
}

async function waitHealthy(i: Instance, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (i.proc.exitCode !== null) throw new Error(`instance on ${i.port} exited:\n${i.output.join('')}`);
    try {
      const r = await fetch(`${i.base}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`instance on ${i.port} did not become healthy:\n${i.output.join('')}`);
}

function startInstance(env: Record<string, string>): Instance {
  const port = Number(env.PORT);
  const proc = spawn(process.execPath, ['-r', './scripts/bench/ts-register.js', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, HOST: '127.0.0.1', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  return { port, proc, output, base: `http://127.0.0.1:${port}` };
}

async function api(i: Instance, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${i.base}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Opens the live status stream of a case and resolves with the first stage event it carries. */
function firstLiveEvent(i: Instance, queryNo: string): { connected: Promise<void>; event: Promise<string>; close(): void } {
  let resolveConnected!: () => void;
  let resolveEvent!: (s: string) => void;
  const connected = new Promise<void>((r) => (resolveConnected = r));
  const event = new Promise<string>((r) => (resolveEvent = r));
  const req = http.get(`${i.base}/lookup/events?no=${queryNo}`, (res) => {
    let buf = '';
    res.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      if (buf.includes(': connected')) resolveConnected();
      const m = /event: stage\ndata: (.*)\n/.exec(buf);
      if (m) resolveEvent(m[1]);
    });
  });
  req.on('error', () => undefined);
  return { connected, event, close: () => req.destroy() };
}

describePg('two app instances on one PostgreSQL database', () => {
  const server = usePgServer();
  const dbName = `bjt_multi_${process.pid}`;
  let dir: string;
  let dbUrl: string;
  let a: Instance;
  let b: Instance;
  const mails: { to: string; subject: string }[] = [];
  let smtp: SMTPServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-multi-'));
    const admin = new pg.Client({ connectionString: server() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    await admin.end();
    const u = new URL(server());
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();

    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
          for (const to of session.envelope.rcptTo) mails.push({ to: to.address, subject });
          callback();
        });
      },
    });
    // Killing an instance resets its pooled SMTP connection: expected, not a test failure.
    smtp.on('error', () => undefined);
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as net.AddressInfo).port;
    const common = {
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '5',
      LOOKUP_RATE_LIMIT: '100000',
      UPLOAD_DIR: path.join(dir, 'uploads'),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      SMTP_FROM: 'noreply@zwfw.example.gov.cn',
      SESSION_SECRET: 'multi-instance-test-secret-0123456789abcdef',
    };
    // Both start at once on the empty database: one migrates and loads the demo data, the other waits.
    a = startInstance({ ...common, PORT: String(await freePort()), DEMO_DATA: 'on' });
    b = startInstance({ ...common, PORT: String(await freePort()), DEMO_DATA: 'on' });
    await Promise.all([waitHealthy(a), waitHealthy(b)]);
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const counts = await db.query(
      "SELECT (SELECT COUNT(*)::int FROM schema_migrations) AS migrations, (SELECT COUNT(*)::int FROM staff WHERE username = 'shuili') AS demo",
    );
    await db.end();
    expect(counts.rows[0]).toEqual({ migrations: readMigrations(PG_MIGRATIONS_DIR).length, demo: 1 });
  });

  afterAllBeforePgStops(async () => {
    await Promise.all(
      [a, b]
        .filter((i) => i && i.proc.exitCode === null && i.proc.signalCode === null)
        .map((i) => new Promise((r) => (i.proc.once('exit', r), i.proc.kill('SIGKILL')))),
    );
    // smtp-server waits for open client connections to end; the killed instances' are gone.
    await Promise.race([new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r())), new Promise((r) => setTimeout(r, 3000))]);
    const admin = new pg.Client({ connectionString: server() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    } finally {
      await admin.end();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const token = async (i: Instance) => {
    const r = await api(i, 'POST', '/api/v1/auth/token', { username: 'shuili', password: 'Banjiantong-2026' });
    expect(r.status).toBe(200);
    return `Bearer ${r.body.token as string}`;
  };
  const applicant = (n: number) => ({
    name: '衢州市清源水务有限公司',
    kind: 'organization',
    idNumber: validCreditCode(),
    phone: '0570-3890183',
    email: `applicant${n}@example.cn`,
  });
  let itemCode = '';

  it('when a case is registered on A, then B finds it, and a token from A works on B (no sticky sessions)', async () => {
    const items = await api(a, 'GET', '/api/v1/items');
    itemCode = (items.body as unknown as { code: string; department: { code: string } }[]).find((i) => i.department.code === 'SLJ')!.code;
    const auth = await token(a);
    const reg = await api(a, 'POST', '/api/v1/cases', { itemCode, applicant: applicant(0), projectName: '双实例测试' }, { authorization: auth });
    expect(reg.status).toBe(201);
    const q = reg.body.queryNo as string;
    const onB = await api(b, 'GET', `/api/v1/cases/${q}`);
    expect(onB.status).toBe(200);
    expect((onB.body.stage as { code: string }).code).toBe('submitted');
    const staffView = await api(b, 'GET', `/api/v1/cases/${q}`, undefined, { authorization: auth });
    expect(staffView.status).toBe(200);
  });

  it('when B moves a case, then a live lookup page open on A gets the new stage', async () => {
    const auth = await token(b);
    const reg = await api(b, 'POST', '/api/v1/cases', { itemCode, applicant: applicant(1) }, { authorization: auth });
    const q = reg.body.queryNo as string;
    const live = firstLiveEvent(a, q);
    try {
      await live.connected;
      const moved = await api(b, 'POST', `/api/v1/cases/${q}/transitions`, { to: 'accepted' }, { authorization: auth, 'if-match': `"${q}-v1"` });
      expect(moved.status).toBe(200);
      const event = JSON.parse(await Promise.race([live.event, new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no live event on A')), 15_000))]));
      expect(event).toMatchObject({ version: 2, stage: 'accepted' });
    } finally {
      live.close();
    }
  });

  it('when both instances deliver notifications, then every message is sent exactly once', async () => {
    const [authA, authB] = [await token(a), await token(b)];
    const queryNos: string[] = [];
    for (let n = 10; n < 30; n++) {
      const [i, auth] = n % 2 ? [a, authA] : [b, authB];
      const reg = await api(i, 'POST', '/api/v1/cases', { itemCode, applicant: applicant(n) }, { authorization: auth });
      expect(reg.status).toBe(201);
      queryNos.push(reg.body.queryNo as string);
    }
    const expected = queryNos.map((_, k) => `applicant${k + 10}@example.cn`);
    const deadline = Date.now() + 60_000;
    while (expected.some((to) => !mails.some((m) => m.to === to)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    // Past the next poll of both workers, so a double delivery would have happened.
    await new Promise((r) => setTimeout(r, 6_000));
    for (const to of expected) expect(mails.filter((m) => m.to === to)).toHaveLength(1);
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const r = await db.query("SELECT COUNT(*)::int AS n FROM outbox WHERE recipient LIKE 'applicant%' AND status = 'sent' AND attempts = 1");
    await db.end();
    expect(r.rows[0].n).toBeGreaterThanOrEqual(expected.length);
  });

  it('when one instance is killed in the middle of a load, then every registration it confirmed is kept whole', async () => {
    const [authA, authB] = [await token(a), await token(b)];
    const confirmed: string[] = [];
    const attempts = Array.from({ length: 40 }, (_, n) => n);
    const killAfter = new Promise<void>((r) => setTimeout(r, 300)).then(() => a.proc.kill('SIGKILL'));
    await Promise.all([
      killAfter,
      ...attempts.map(async (n) => {
        const [i, auth] = n % 2 ? [a, authA] : [b, authB];
        try {
          const reg = await api(i, 'POST', '/api/v1/cases', { itemCode, applicant: applicant(100 + n) }, { authorization: auth });
          if (reg.status === 201) confirmed.push(reg.body.queryNo as string);
        } catch {
          // A's connection dropped: not confirmed, so the client would retry on B.
        }
      }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.proc.signalCode).toBe('SIGKILL');
    expect(confirmed.length).toBeGreaterThanOrEqual(20);
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      for (const q of confirmed) {
        const onB = await api(b, 'GET', `/api/v1/cases/${q}`);
        expect(onB.status).toBe(200);
        const rows = await db.query(
          `SELECT (SELECT COUNT(*)::int FROM stage_events e WHERE e.case_id = c.id AND e.hash IS NOT NULL) AS events,
                  (SELECT COUNT(*)::int FROM outbox o WHERE o.case_id = c.id) AS messages
           FROM cases c WHERE c.query_no = $1`,
          [q],
        );
        expect(rows.rows[0]).toEqual({ events: 1, messages: 1 });
      }
      // A transaction cut off by the kill left nothing half-written: every case has its first event.
      const orphans = await db.query('SELECT COUNT(*)::int AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.case_id = c.id)');
      expect(orphans.rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
    // B still serves.
    expect((await api(b, 'GET', '/healthz')).status).toBe(200);
  });
});
