/**
 * `npm run bench`: generates (or reuses) a database of N cases, starts the real server on a copy of
 * it as a child process (NODE_ENV=production), drives it with autocannon from this process, and
 * writes bench/results/<date>.json plus a one-screen table. See docs/performance.md.
 *
 *   --cases N        cases in the generated database (default 1,000,000)
 *   --duration S     seconds per scenario (default 10)
 *   --connections C  concurrent connections (default 50)
 *   --quick          20,000 cases and 3 s per scenario (the test suite runs this, shorter still)
 *   --out FILE       where to write the JSON (default bench/results/<date>.json)
 *   --profile DIR    run the server with --cpu-prof, profiles written to DIR
 *   --server KIND    dist: the compiled server (what npm run bench uses); ts: the sources (default)
 *   --db KIND        sqlite (default) or postgres: the generated data copied into PostgreSQL, run
 *                    with one app instance, then two behind a round-robin TCP proxy
 *   --database-url U PostgreSQL server for --db postgres (a database is created and dropped on it);
 *                    default BENCH_DATABASE_URL, else a throwaway local cluster
 *   --only REGEX     run only the scenarios whose name matches (the Express baseline always runs)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import pg from 'pg';
import { startThrowawayCluster, type ThrowawayCluster } from '../pg-cluster';
import { copySqliteToPostgres } from '../../src/store/postgres/copy-from-sqlite';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { residentIdCheckChar, usccCheckChar } from '../../src/domain/identity';
import { BENCH_ADMIN, BENCH_PASSWORD, dbBytes, generateBenchDatabase, type GenerateResult } from './generate';

const ROOT = path.resolve(__dirname, '../..');

interface Args {
  cases: number;
  duration: number;
  connections: number;
  smallCases: number;
  out: string | null;
  /** 'dist': the compiled server (npm run bench builds it first); 'ts': the sources, transpiled on load. */
  server: 'dist' | 'ts';
  /** Folder for the server's --cpu-prof output (written when it stops), or null. */
  profile: string | null;
  db: 'sqlite' | 'postgres';
  databaseUrl: string | null;
  only: RegExp | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cases: 1_000_000, duration: 10, connections: 50, smallCases: 10_000, out: null, server: 'ts', profile: null, db: 'sqlite', databaseUrl: null, only: null };
  let quick = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return x;
    };
    const num = (x: string) => {
      const n = Number(x.replace(/_/g, ''));
      if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${x}`);
      return n;
    };
    switch (argv[i]) {
      case '--cases': a.cases = Math.floor(num(v())); explicit.add('cases'); break;
      case '--duration': a.duration = num(v()); explicit.add('duration'); break;
      case '--connections': a.connections = Math.floor(num(v())); break;
      case '--out': a.out = path.resolve(v()); break;
      case '--quick': quick = true; break;
      case '--profile': a.profile = path.resolve(v()); break;
      case '--only': a.only = new RegExp(v()); break;
      case '--server': {
        const x = v();
        if (x !== 'dist' && x !== 'ts') throw new Error('--server is dist or ts');
        a.server = x;
        break;
      }
      case '--db': {
        const x = v();
        if (x !== 'sqlite' && x !== 'postgres') throw new Error('--db is sqlite or postgres');
        a.db = x;
        break;
      }
      case '--database-url': a.databaseUrl = v(); break;
      default: throw new Error(`unknown option ${argv[i]} (see docs/performance.md)`);
    }
  }
  if (quick) {
    if (!explicit.has('cases')) a.cases = 20_000;
    if (!explicit.has('duration')) a.duration = 3;
  }
  // The lookup comparison runs on a smaller database: 10,000 cases, or half of a small run.
  a.smallCases = Math.min(a.smallCases, Math.floor(a.cases / 2));
  return a;
}

// ---------------------------------------------------------------- child processes

interface Running {
  child: ChildProcess;
  url: string;
  startupMs: number;
  /** CPU time (user + system) the process used until it answered. */
  startupCpuMs: number;
  /** What the process printed so far. */
  output: () => string;
  peakRssKb: () => number;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function get(url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

function postJson(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(payload));
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(data.length), ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** CPU time (user + system) the process has used so far, in ms: far less noisy than wall-clock on a shared machine. */
function readCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // After "pid (comm) ": state is field 0, utime 11, stime 12, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function readRssKb(pid: number): { hwm: number; rss: number } {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}

async function startChild(args: string[], env: NodeJS.ProcessEnv, port: number, readyPath: string): Promise<Running> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let exited = false;
  let stopping = false;
  child.on('exit', (code, signal) => {
    exited = true;
    if (!stopping && startedUp) console.log(`server ${child.pid} exited (${code ?? signal}) while the benchmark ran:\n${output.slice(-2000)}`);
  });
  let startedUp = false;
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`server exited during start-up:\n${output}`);
    try {
      if ((await get(url + readyPath)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Number(process.hrtime.bigint() - started) / 1e9 > 120) throw new Error(`server did not start in 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  // The server's own CPU time until it answered: what start-up costs, whatever else the machine runs.
  const startupCpuMs = readCpuMs(child.pid as number);
  startedUp = true;
  let peak = 0;
  const sample = () => {
    const r = readRssKb(child.pid as number);
    peak = Math.max(peak, r.hwm, r.rss);
  };
  const timer = setInterval(sample, 100);
  return {
    child,
    url,
    startupMs,
    startupCpuMs,
    output: () => output,
    peakRssKb: () => (sample(), peak),
    stop: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        stopping = true;
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForOutput(r: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(r.output());
    if (m || Date.now() > until) return m;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function serverArgs(kind: Args['server'], profile: string | null): string[] {
  const prof = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  return kind === 'dist'
    ? [...prof, path.join(ROOT, 'dist/server.js')]
    : [...prof, '-r', path.join(ROOT, 'scripts/bench/ts-register.js'), path.join(ROOT, 'src/server.ts')];
}

async function startServer(a: Args, dbFile: string, lookupLimit = 1_000_000, extraEnv: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  return startChild(
    serverArgs(a.server, a.profile),
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      DEMO_DATA: 'off',
      DATABASE_FILE: dbFile,
      HOST: '127.0.0.1',
      PORT: String(port),
      // Per client IP and minute; the benchmark is one client. (The schema's maximum.)
      LOOKUP_RATE_LIMIT: String(lookupLimit),
      UPLOAD_DIR: path.join(path.dirname(dbFile), 'uploads'),
      // The runner keeps the server's output for its error report: an access line per request would swamp it.
      // Info for the start-up lines the runner reads; no access lines (the runner keeps all output).
      LOG_LEVEL: 'info',
      ACCESS_LOG: 'off',
      ...extraEnv,
    },
    port,
    '/healthz',
  );
}

/** A bare node:http server answering every request with the bytes /healthz returned. */
async function startBare(body: string, contentType: string): Promise<Running> {
  const port = await freePort();
  const code = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': ${JSON.stringify(contentType)}, 'content-length': ${Buffer.byteLength(body)} }); s.end(${JSON.stringify(body)}); }).listen(${port}, '127.0.0.1');`;
  return startChild(['-e', code], { PATH: process.env.PATH }, port, '/');
}

// ---------------------------------------------------------------- scenarios

interface ScenarioResult {
  name: string;
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
  requests: number;
  /** Non-2xx answers to requests that expected a 4xx (unknown or malformed numbers). */
  expected4xx: number;
  /** Everything else that was not the expected answer, plus socket errors and timeouts. */
  unexpected: number;
  ratioToExpress?: number;
  /** Server CPU (user + system) per request, in µs: the number to compare across runs on a busy machine. */
  cpuUsPerRequest?: number;
  /** The load generator's own CPU per request (this process), in µs: it shares the machine's cores. */
  clientCpuUsPerRequest?: number;
  note?: string;
}

type Expect = 'ok' | '4xx' | 'starved';
interface Plan {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  expect: Expect;
  /** With `expect: '4xx'`: only this status counts as expected (any other answer is unexpected). */
  expectStatus?: number;
  onOk?: (body: string) => void;
}

async function drive(
  name: string,
  url: string,
  a: Args,
  next: () => Plan,
  connections = a.connections,
  serverPid?: number,
): Promise<ScenarioResult> {
  const cpuBefore = serverPid ? readCpuMs(serverPid) : NaN;
  const clientBefore = process.cpuUsage();
  let expected4xx = 0;
  let unexpected = 0;
  const statuses: Record<string, number> = {};
  const r = await autocannon({
    url,
    connections,
    duration: a.duration,
    requests: [
      {
        setupRequest: (req, ctx) => {
          const p = next();
          ctx.plan = p;
          return { ...req, method: p.method, path: p.path, body: p.body, headers: { ...(req.headers ?? {}), ...(p.headers ?? {}) } };
        },
        onResponse: (status, body, ctx) => {
          const p = ctx.plan as Plan;
          const ok = status >= 200 && status < 300;
          if (p.expect === 'ok' && ok) p.onOk?.(body);
          else if (p.expect === '4xx' && status >= 400 && status < 500 && (p.expectStatus === undefined || status === p.expectStatus)) expected4xx++;
          else {
            unexpected++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        },
      },
    ],
  });
  const result: ScenarioResult = {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    requests: r.requests.total,
    expected4xx,
    unexpected: unexpected + r.errors + r.timeouts,
  };
  if (serverPid) result.cpuUsPerRequest = ((readCpuMs(serverPid) - cpuBefore) * 1000) / Math.max(1, r.requests.total);
  const client = process.cpuUsage(clientBefore);
  result.clientCpuUsPerRequest = (client.user + client.system) / Math.max(1, r.requests.total);
  if (result.unexpected) result.note = `unexpected statuses ${JSON.stringify(statuses)}, errors ${r.errors}, timeouts ${r.timeouts}`;
  return result;
}

type Sample = { any: string[]; byStage: Map<string, string[]>; itemCodes: string[] };

function sampleQueryNos(file: string, n: number): Sample {
  const db = new Database(file, { readonly: true });
  try {
    const max = (db.prepare('SELECT MAX(id) AS m FROM cases').get() as { m: number }).m;
    const pick = db.prepare('SELECT query_no FROM cases WHERE id = ?').pluck();
    const any: string[] = [];
    for (let i = 0; i < n; i++) {
      const q = pick.get(1 + Math.floor(Math.random() * max)) as string | undefined;
      if (q) any.push(q);
    }
    const byStage = new Map<string, string[]>();
    for (const stage of ['submitted', 'accepted', 'under_review']) {
      byStage.set(stage, db.prepare('SELECT query_no FROM cases WHERE stage = ? ORDER BY id DESC LIMIT 200000').pluck().all(stage) as string[]);
    }
    const itemCodes = db
      .prepare(
        `SELECT code FROM items WHERE status = 'in_force' AND code LIKE '%-00_'
           AND id NOT IN (SELECT item_id FROM item_changes WHERE kind = 'cancel') ORDER BY code`,
      ).pluck().all() as string[];
    return { any, byStage, itemCodes };
  } finally {
    db.close();
  }
}

/** 10% unknown or malformed numbers among the lookups: well-formed unknown, bad check symbol, junk. */
function lookupPaths(any: string[], prefix: string): () => Plan {
  let i = 0;
  return () => {
    i++;
    if (i % 10 === 0) {
      const kind = (i / 10) % 3;
      const q = kind === 0 ? 'XXXXXXXXXXXX' : kind === 1 ? `${any[i % any.length].slice(0, 11)}${any[i % any.length][11] === '2' ? '3' : '2'}` : 'not-a-number!';
      return { method: 'GET', path: prefix + encodeURIComponent(q), expect: '4xx' };
    }
    return { method: 'GET', path: prefix + any[Math.floor(Math.random() * any.length)], expect: 'ok' };
  };
}

const ORG_ID = `91330800123456789${usccCheckChar('91330800123456789')}`;
const PERSON_ID = `33080219900101123${residentIdCheckChar('33080219900101123')}`;

const NEXT_STAGE: Record<string, string | undefined> = {
  submitted: 'accepted',
  accepted: 'under_review',
  under_review: 'approved',
  approved: 'certificate_issued',
  certificate_issued: 'completed',
};

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const log = (m: string) => console.log(m);
  const dataDir = path.join(ROOT, 'bench/data');
  const t0 = Date.now();

  log(`Generating ${a.cases.toLocaleString('en')} cases (reused when bench/data has a match) …`);
  const gen = await generateBenchDatabase({ cases: a.cases, file: path.join(dataDir, `cases-${a.cases}.sqlite`), log });
  log(`  ${gen.reused ? 'reused' : 'generated'}: ${gen.seconds.toFixed(1)} s (CPU ${gen.cpuSeconds?.toFixed(1) ?? '?'} s), ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.bulletinEntries} bulletin entries, ${gen.stageEvents} stage events`);
  let small: GenerateResult | null = null;
  if (a.smallCases < a.cases) {
    small = await generateBenchDatabase({ cases: a.smallCases, file: path.join(dataDir, `cases-${a.smallCases}.sqlite`), log });
  }

  // The server writes (transitions, registrations): it runs on a copy so the generated file stays reusable.
  const runFile = path.join(dataDir, `run-${a.cases}.sqlite`);
  for (const f of [runFile, `${runFile}-wal`, `${runFile}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(gen.file, runFile);
  const sample = sampleQueryNos(runFile, 20_000);
  if (a.db === 'postgres') return mainPostgres(a, gen, runFile, sample, log, t0);

  const results: ScenarioResult[] = [];
  // A first start on the fresh file does one-time work (the production check of the demo passwords,
  // remembered afterwards); the measured server is a restart, as in production.
  const first = await startServer(a, runFile);
  await first.stop();
  log(`First start ${first.startupMs.toFixed(0)} ms, ${first.startupCpuMs.toFixed(0)} ms of its CPU (one-time checks included).`);
  const server = await startServer(a, runFile);
  log(`Server restarted in ${server.startupMs.toFixed(0)} ms, ${server.startupCpuMs.toFixed(0)} ms of its CPU (pid ${server.child.pid}); ${a.duration} s per scenario, ${a.connections} connections.`);
  // The server recomputes open clocks in the background after listening; measuring during it would
  // slow the baseline and inflate every ratio, so the scenarios wait for it.
  const upkeep = await waitForOutput(server, /start-up upkeep done in (\d+) ms: (\d+) clocks changed, (\d+) search-index merge steps/, 300_000);
  log(`  background start-up upkeep: ${upkeep ? `${upkeep[1]} ms (${upkeep[2]} clocks changed, ${upkeep[3]} merge steps)` : 'not reported'}`);
  let bare: Running | null = null;
  let size: CostOfSize | null = null;
  try {
    const health = await get(server.url + '/healthz');
    const login = await postJson(server.url + '/api/v1/auth/token', { username: BENCH_ADMIN, password: BENCH_PASSWORD });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
    const auth = { authorization: `Bearer ${(JSON.parse(login.body) as { token: string }).token}`, 'content-type': 'application/json' };

    const run = async (name: string, next: () => Plan, connections?: number, url = server.url, pid = server.child.pid) => {
      if (a.only && results.length > 0 && !a.only.test(name)) return null;
      const r = await drive(name, url, a, next, connections, pid);
      results.push(r);
      log(`  ${name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, server CPU ${r.cpuUsPerRequest?.toFixed(0)} µs/req, client CPU ${r.clientCpuUsPerRequest?.toFixed(0)} µs/req, unexpected ${r.unexpected}`);
      return r;
    };

    await run('healthz (Express baseline)', () => ({ method: 'GET', path: '/healthz', expect: 'ok' }));
    await run('lookup JSON /api/v1/cases/{no}', lookupPaths(sample.any, '/api/v1/cases/'));
    await run('lookup HTML /lookup?no=', lookupPaths(sample.any, '/lookup?no='));
    // With 50 closed-loop connections, latency is 50 / throughput by Little's law whatever the route,
    // so that p99 measures saturation. At 5 connections it is close to the request's own time.
    // (autocannon's overallRate is no open loop: it sends each second's quota in a burst.)
    await run('lookup JSON, 5 connections', lookupPaths(sample.any, '/api/v1/cases/'), 5);
    // 土地登记 is in no generated item name (a search that finds nothing); 环境影响 is in two of them.
    for (const q of ['取水', '土地登记', '环境影响', '有限公司', '衢州巨化新材料有限公司']) {
      await run(`bulletin q=${q}`, () => ({ method: 'GET', path: `/api/v1/bulletin?q=${encodeURIComponent(q)}`, expect: 'ok' }));
    }

    // Registrations first: the new cases (submitted) feed the transitions that follow.
    const submitted = [...(sample.byStage.get('submitted') ?? [])];
    let reg = 0;
    await run('registrations POST /api/v1/cases', () => {
      reg++;
      const org = reg % 2 === 0;
      return {
        method: 'POST',
        path: '/api/v1/cases',
        headers: auth,
        expect: 'ok',
        body: JSON.stringify({
          itemCode: sample.itemCodes[reg % sample.itemCodes.length],
          applicant: org
            ? { name: '衢州市压测科技有限公司', kind: 'organization', idNumber: ORG_ID, phone: '0570-8123456' }
            : { name: '张三丰', kind: 'person', idNumber: PERSON_ID, phone: '13800001234' },
          projectName: org ? '压测项目' : undefined,
        }),
        onOk: (body) => submitted.push((JSON.parse(body) as { queryNo: string }).queryNo),
      };
    });

    // A registration of an item that does not exist: the token, the body, the checks and the item's
    // look-up, then a 400 (“没有这个审批事项”). Everything a registration does but its write
    // transaction (and its bigger answer): the floor of a write, in server CPU.
    const noSuchItem = JSON.stringify({
      itemCode: 'ZZZ-999',
      applicant: { name: '衢州市压测科技有限公司', kind: 'organization', idNumber: ORG_ID, phone: '0570-8123456' },
      projectName: '压测项目',
    });
    await run('registrations refused (400, no such item): all but the write', () => ({
      method: 'POST',
      path: '/api/v1/cases',
      headers: auth,
      expect: '4xx',
      expectStatus: 400,
      body: noSuchItem,
    }));

    // Each case moves one stage at a time; its next move is queued only after the last one answered.
    const ready: { queryNo: string; to: string }[] = submitted.map((q) => ({ queryNo: q, to: 'accepted' }));
    for (const q of sample.byStage.get('accepted') ?? []) ready.push({ queryNo: q, to: 'under_review' });
    let moves = 0;
    await run('transitions POST /api/v1/cases/{no}/transitions', () => {
      const m = ready.shift();
      // Out of movable cases: counted as unexpected (never silently as a transition).
      if (!m) return { method: 'GET', path: '/healthz', expect: 'starved' };
      moves++;
      return {
        method: 'POST',
        path: `/api/v1/cases/${m.queryNo}/transitions`,
        headers: auth,
        expect: 'ok',
        body: JSON.stringify(m.to === 'approved' ? { to: m.to, decisionNo: `衢压测〔2026〕${moves}号` } : { to: m.to }),
        onOk: () => {
          const after = NEXT_STAGE[m.to];
          if (after) ready.push({ queryNo: m.queryNo, to: after });
        },
      };
    });

    bare = await startBare(health.body, String(health.headers['content-type']));
    await run('bare node:http, same bytes', () => ({ method: 'GET', path: '/healthz', expect: 'ok' }), undefined, bare.url, bare.child.pid);

    if (small && (!a.only || a.only.test('lookup JSON at'))) size = await costOfSize(a, small, server, sample, log);
  } finally {
    await bare?.stop();
    await server.stop();
  }
  const peakRssMb = server.peakRssKb() / 1024;

  if (size) results.push(...size.results);

  const express = results[0].rps;
  for (const r of results) r.ratioToExpress = r.rps / express;
  const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix));
  const bulletin = results.filter((r) => r.name.startsWith('bulletin'));
  const scenarioTarget = (target: string, prefix: string, value: (r: ScenarioResult) => number, ok: (v: number) => boolean) => {
    const r = byName(prefix);
    return r ? [{ target, value: value(r), ok: ok(value(r)) }] : [];
  };
  // With --only, targets of scenarios that did not run are left out.
  const targets = [
    ...scenarioTarget('lookup JSON ≥ 0.6× Express baseline', 'lookup JSON /api', (r) => r.ratioToExpress as number, (v) => v >= 0.6),
    ...scenarioTarget('lookup HTML ≥ 0.4× Express baseline', 'lookup HTML', (r) => r.ratioToExpress as number, (v) => v >= 0.4),
    ...scenarioTarget('lookup p99 < 50 ms (50 connections, closed loop)', 'lookup JSON /api', (r) => r.p99, (v) => v < 50),
    ...scenarioTarget('lookup p99 < 50 ms (5 connections)', 'lookup JSON, 5', (r) => r.p99, (v) => v < 50),
    ...(bulletin.length
      ? [{ target: 'bulletin p99 < 100 ms (every term)', value: Math.max(...bulletin.map((r) => r.p99)), ok: bulletin.every((r) => r.p99 < 100) }]
      : []),
    ...scenarioTarget('≥ 1,000 transitions/s', 'transitions', (r) => r.rps, (v) => v >= 1000),
    ...scenarioTarget('≥ 1,000 registrations/s', 'registrations', (r) => r.rps, (v) => v >= 1000),
    ...(size ? [{ target: `lookup at ${a.cases.toLocaleString('en')} cases ≤ 10% slower than at ${a.smallCases.toLocaleString('en')} (paired rounds)`, value: size.slowdown, ok: size.slowdown <= 0.1 }] : []),
    { target: 'server RSS < 300 MB', value: peakRssMb, ok: peakRssMb < 300 },
    { target: 'start-up < 2 s', value: server.startupMs / 1000, ok: server.startupMs < 2000 },
    { target: 'start-up < 2 s of server CPU', value: server.startupCpuMs / 1000, ok: server.startupCpuMs < 2000 },
    // Generating fewer cases says nothing about this target: it is left out, not reported as missed.
    ...(a.cases >= 1_000_000 ? [{ target: '1,000,000-case generation < 180 s', value: gen.seconds, ok: gen.seconds < 180 }] : []),
  ];

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: require('node:os').cpus().length,
    cases: a.cases,
    durationSeconds: a.duration,
    connections: a.connections,
    generation: { seconds: gen.seconds, cpuSeconds: gen.cpuSeconds, reused: gen.reused, bytes: dbBytes(gen.file), bulletinEntries: gen.bulletinEntries, stageEvents: gen.stageEvents },
    startupMs: server.startupMs,
    startupCpuMs: server.startupCpuMs,
    firstStart: { ms: first.startupMs, cpuMs: first.startupCpuMs },
    upkeepMs: upkeep ? Number(upkeep[1]) : null,
    peakRssMb,
    scenarios: results,
    targets,
    wallSeconds: (Date.now() - t0) / 1000,
  };
  const out = a.out ?? path.join(ROOT, 'bench/results', `${report.date.slice(0, 19).replace(/:/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  for (const f of fs.readdirSync(dataDir)) if (f.startsWith('run-')) fs.rmSync(path.join(dataDir, f), { force: true });

  console.log(`\n${a.cases.toLocaleString('en')} cases · ${a.connections} connections · ${a.duration} s each · start-up ${server.startupMs.toFixed(0)} ms (CPU ${server.startupCpuMs.toFixed(0)} ms; + ${report.upkeepMs ?? '?'} ms background upkeep) · peak RSS ${peakRssMb.toFixed(0)} MB · generation ${gen.seconds.toFixed(0)} s${gen.reused ? ' (reused)' : ''}, ${(report.generation.bytes / 1e6).toFixed(0)} MB`);
  console.log(table(results));
  console.log('\nTargets:');
  for (const t of targets) console.log(`  ${t.ok ? 'met ' : 'MISS'}  ${t.target}: ${t.value.toFixed(2)}`);
  const writeCost = writeBudget(results);
  if (writeCost) console.log(`\n${writeCost}`);
  console.log(`\nWrote ${path.relative(process.cwd(), out)}`);
}

/**
 * What the write targets ask of this machine, from the run's own figures: at 1,000 writes/s every write
 * may use 1,000 µs of one core, and the load generator's CPU per write comes out of the same cores.
 */
function writeBudget(results: ScenarioResult[]): string | null {
  const find = (prefix: string) => results.find((r) => r.name.startsWith(prefix));
  const refused = find('registrations refused');
  const writes = [find('registrations POST'), find('transitions')].filter((r): r is ScenarioResult => !!r?.cpuUsPerRequest);
  if (!refused?.cpuUsPerRequest || writes.length === 0) return null;
  const us = (v: number | undefined) => `${(v ?? 0).toFixed(0)} µs`;
  return [
    'Writes, server CPU per request (1,000/s leaves 1,000 µs of a core per write):',
    `  refused just before its write (token, body, checks, the item's look-up, 400): ${us(refused.cpuUsPerRequest)}`,
    ...writes.map((w) => `  ${w.name.replace(/ POST.*/, '')}: ${us(w.cpuUsPerRequest)} + the load generator's ${us(w.clientCpuUsPerRequest)}`),
  ].join('\n');
}

interface CostOfSize {
  results: ScenarioResult[];
  /** 1 − (lookups/s at N) / (lookups/s at the small size): 0.1 is "10% slower". */
  slowdown: number;
}

/**
 * The cost of size: the lookup on the N-case server and on a small-database server, both running, in
 * alternating rounds (N, small, N, small, …), so that whatever else the machine does over the run weighs
 * on both alike. One run of each, minutes apart, differed by more than the effect being measured.
 */
async function costOfSize(a: Args, small: GenerateResult, server: Running, sample: Sample, log: (s: string) => void): Promise<CostOfSize> {
  const dataDir = path.dirname(small.file);
  const smallRun = path.join(dataDir, `run-${a.smallCases}.sqlite`);
  for (const f of [smallRun, `${smallRun}-wal`, `${smallRun}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(small.file, smallRun);
  const s = sampleQueryNos(smallRun, 5000);
  const smallServer = await startServer(a, smallRun);
  const rounds = 3;
  const roundArgs = { ...a, duration: Math.max(1, Math.round(a.duration / 2)) };
  const big: ScenarioResult[] = [];
  const little: ScenarioResult[] = [];
  try {
    // Unrecorded warm-up, as the main server had its other scenarios before.
    await drive('warm-up', smallServer.url, { ...a, duration: Math.min(3, a.duration) }, lookupPaths(s.any, '/api/v1/cases/'));
    for (let i = 0; i < rounds; i++) {
      big.push(await drive('big', server.url, roundArgs, lookupPaths(sample.any, '/api/v1/cases/'), a.connections, server.child.pid));
      little.push(await drive('small', smallServer.url, roundArgs, lookupPaths(s.any, '/api/v1/cases/'), a.connections, smallServer.child.pid));
    }
  } finally {
    await smallServer.stop();
  }
  const results = [
    combineRounds(`lookup JSON at ${a.cases.toLocaleString('en')} cases, ${rounds} paired rounds`, big, roundArgs.duration),
    combineRounds(`lookup JSON at ${a.smallCases.toLocaleString('en')} cases, ${rounds} paired rounds`, little, roundArgs.duration),
  ];
  const slowdown = 1 - results[0].rps / results[1].rps;
  log(`  cost of size: ${results[0].rps.toFixed(0)} vs ${results[1].rps.toFixed(0)} lookups/s over ${rounds} paired rounds (${(slowdown * 100).toFixed(1)}% slower at ${a.cases.toLocaleString('en')} cases)`);
  return { results, slowdown };
}

/** Rounds of one scenario as one: requests over the total time, the worst latency percentiles, CPU per request weighted. */
function combineRounds(name: string, rounds: ScenarioResult[], seconds: number): ScenarioResult {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const weighted = (f: (r: ScenarioResult) => number | undefined) =>
    rounds.reduce((sum, r) => sum + (f(r) ?? 0) * r.requests, 0) / Math.max(1, requests);
  const notes = rounds.map((r) => r.note).filter(Boolean);
  return {
    name,
    rps: requests / (seconds * rounds.length),
    p50: Math.max(...rounds.map((r) => r.p50)),
    p97_5: Math.max(...rounds.map((r) => r.p97_5)),
    p99: Math.max(...rounds.map((r) => r.p99)),
    requests,
    expected4xx: rounds.reduce((n, r) => n + r.expected4xx, 0),
    unexpected: rounds.reduce((n, r) => n + r.unexpected, 0),
    cpuUsPerRequest: weighted((r) => r.cpuUsPerRequest),
    clientCpuUsPerRequest: weighted((r) => r.clientCpuUsPerRequest),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

// ---------------------------------------------------------------- PostgreSQL

/** Connection-level round robin over the instances, as a reverse proxy without sticky sessions would. */
async function startProxy(targets: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const target = new URL(targets[next++ % targets.length]);
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The read and write scenarios against one base URL; `submitted` and `accepted` feed the transitions. */
async function pgScenarios(
  url: string,
  a: Args,
  sample: ReturnType<typeof sampleQueryNos>,
  movable: { submitted: string[]; accepted: string[] },
  label: string,
  log: (m: string) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const login = await postJson(url + '/api/v1/auth/token', { username: BENCH_ADMIN, password: BENCH_PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
  const auth = { authorization: `Bearer ${(JSON.parse(login.body) as { token: string }).token}`, 'content-type': 'application/json' };
  const run = async (name: string, next: () => Plan) => {
    const r = await drive(`${name} [${label}]`, url, a, next);
    results.push(r);
    log(`  ${r.name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, unexpected ${r.unexpected}`);
  };
  await run('healthz (Express baseline)', () => ({ method: 'GET', path: '/healthz', expect: 'ok' }));
  await run('lookup JSON /api/v1/cases/{no}', lookupPaths(sample.any, '/api/v1/cases/'));
  await run('lookup HTML /lookup?no=', lookupPaths(sample.any, '/lookup?no='));
  for (const q of ['取水', '有限公司']) {
    await run(`bulletin q=${q}`, () => ({ method: 'GET', path: `/api/v1/bulletin?q=${encodeURIComponent(q)}`, expect: 'ok' }));
  }
  let reg = 0;
  await run('registrations POST /api/v1/cases', () => {
    reg++;
    return {
      method: 'POST',
      path: '/api/v1/cases',
      headers: auth,
      expect: 'ok',
      body: JSON.stringify({
        itemCode: sample.itemCodes[reg % sample.itemCodes.length],
        applicant: { name: '衢州市压测科技有限公司', kind: 'organization', idNumber: ORG_ID, phone: '0570-8123456' },
      }),
      onOk: (body) => movable.submitted.push((JSON.parse(body) as { queryNo: string }).queryNo),
    };
  });
  const ready = [
    ...movable.submitted.splice(0).map((q) => ({ queryNo: q, to: 'accepted' })),
    ...movable.accepted.splice(0).map((q) => ({ queryNo: q, to: 'under_review' })),
  ];
  let moves = 0;
  await run('transitions POST /api/v1/cases/{no}/transitions', () => {
    const m = ready.shift();
    if (!m) return { method: 'GET', path: '/healthz', expect: 'starved' };
    moves++;
    return {
      method: 'POST',
      path: `/api/v1/cases/${m.queryNo}/transitions`,
      headers: auth,
      expect: 'ok',
      body: JSON.stringify(m.to === 'approved' ? { to: m.to, decisionNo: `衢压测〔2026〕${label}${moves}号` } : { to: m.to }),
      onOk: () => {
        const after = NEXT_STAGE[m.to];
        if (after) ready.push({ queryNo: m.queryNo, to: after });
      },
    };
  });
  for (const r of results) r.ratioToExpress = r.rps / results[0].rps;
  return results;
}

/**
 * --db postgres: the generated database copied into a new PostgreSQL database (npm run
 * migrate-to-postgres), then the scenarios on one instance and on two behind a round-robin proxy.
 */
async function mainPostgres(
  a: Args,
  gen: GenerateResult,
  runFile: string,
  sample: ReturnType<typeof sampleQueryNos>,
  log: (m: string) => void,
  t0: number,
): Promise<void> {
  let cluster: ThrowawayCluster | null = null;
  let serverUrl = a.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? '';
  if (!serverUrl) {
    log('Starting a throwaway PostgreSQL cluster …');
    cluster = await startThrowawayCluster();
    serverUrl = cluster.url;
  }
  const dbName = `bjt_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const byInstances: Record<string, ScenarioResult[]> = {};
  let copySeconds = 0;
  try {
    log(`Copying ${a.cases.toLocaleString('en')} cases into PostgreSQL …`);
    const tc = Date.now();
    await copySqliteToPostgres({ sqliteFile: runFile, databaseUrl: dbUrl });
    copySeconds = (Date.now() - tc) / 1000;
    log(`  copied in ${copySeconds.toFixed(1)} s`);
    const movable = { submitted: [...(sample.byStage.get('submitted') ?? [])], accepted: [...(sample.byStage.get('accepted') ?? [])] };
    // Instances behind one proxy share the secret, or a token issued by one is refused by the other.
    const sessionSecret = crypto.randomBytes(32).toString('hex');
    for (const instances of [1, 2]) {
      const servers: Running[] = [];
      let proxy: { url: string; stop: () => Promise<void> } | null = null;
      try {
        for (let k = 0; k < instances; k++) {
          servers.push(await startServer(a, runFile, 1_000_000, { DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: '20', SESSION_SECRET: sessionSecret }));
        }
        proxy = instances > 1 ? await startProxy(servers.map((s) => s.url)) : null;
        log(`${instances} instance${instances > 1 ? 's (round-robin proxy)' : ''} up; ${a.duration} s per scenario, ${a.connections} connections.`);
        byInstances[`${instances}`] = await pgScenarios(proxy?.url ?? servers[0].url, a, sample, movable, `${instances}×`, log);
      } finally {
        await proxy?.stop();
        for (const s of servers) await s.stop();
      }
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    cluster?.stop();
    for (const f of fs.readdirSync(path.dirname(runFile))) if (f.startsWith('run-')) fs.rmSync(path.join(path.dirname(runFile), f), { force: true });
  }
  const report = {
    date: new Date().toISOString(),
    db: 'postgres',
    node: process.version,
    cpus: require('node:os').cpus().length,
    cases: a.cases,
    durationSeconds: a.duration,
    connections: a.connections,
    copySeconds,
    generation: { seconds: gen.seconds, reused: gen.reused },
    scenarios: byInstances,
    wallSeconds: (Date.now() - t0) / 1000,
  };
  const out = a.out ?? path.join(ROOT, 'bench/results', `${report.date.slice(0, 19).replace(/:/g, '-')}-postgres.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  for (const [n, rows] of Object.entries(byInstances)) {
    console.log(`
PostgreSQL, ${n} instance(s) · ${a.cases.toLocaleString('en')} cases · ${a.connections} connections · ${a.duration} s each`);
    console.log(table(rows));
  }
  console.log(`
Wrote ${path.relative(process.cwd(), out)}`);
}

export function table(rows: ScenarioResult[]): string {
  const head = ['scenario', 'req/s', '×Express', 'p50', 'p97.5', 'p99 ms', 'server µs/req', 'client µs/req', '4xx exp.', 'unexpected'];
  const body = rows.map((r) => [
    r.name,
    r.rps.toFixed(0),
    (r.ratioToExpress ?? 0).toFixed(2),
    String(r.p50),
    String(r.p97_5),
    String(r.p99),
    r.cpuUsPerRequest === undefined || Number.isNaN(r.cpuUsPerRequest) ? '-' : r.cpuUsPerRequest.toFixed(0),
    r.clientCpuUsPerRequest === undefined ? '-' : r.clientCpuUsPerRequest.toFixed(0),
    String(r.expected4xx),
    String(r.unexpected),
  ]);
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const w = head.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c + ' '.repeat(w[i] - width(c)) : ' '.repeat(w[i] - width(c)) + c)).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
