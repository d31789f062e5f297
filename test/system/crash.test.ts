import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { backupSqlite, checkSqliteIntegrity, restoreSqlite } from '../../src/store/sqlite/maintenance';
import { buildServer, call, freePort, startServer, type ServerProcess } from '../helpers/server-process';
import { createTestApp, orgApplicant, PASSWORD, personApplicant, type TestApp } from '../helpers/test-app';

/** What the server acknowledged (2xx) for one case: the stages of its timeline, in order. */
interface Acked {
  queryNo: string;
  stages: string[];
  /** A request on it got no answer (the server died): its outcome is unknown, so no further moves. */
  uncertain: boolean;
}

// Each case walks this path one acknowledged move at a time; `approved` publishes a bulletin entry.
const PATH = ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed'];
const WORKERS = 6;
const ROUNDS = 3;

describe('crash safety of the real server process', () => {
  let t: TestApp;
  let build: string;
  let server: ServerProcess | null = null;
  let smtpPort: number;

  beforeAll(async () => {
    build = buildServer();
    t = await createTestApp();
    await t.store.close();
    // Nothing listens there: outbox messages are written with every event and stay pending.
    smtpPort = await freePort();
  }, 60_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await t?.cleanup();
  });

  const start = () => startServer(build, t.config.databaseFile, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_FROM: 'noreply@example.gov.cn' });

  it('after each SIGKILL under load and a restart, every acknowledged write is there and nothing is half-written; a backup taken under load restores', async () => {
    server = await start();
    const tokens: string[] = [];
    for (const username of ['water', 'waterlead', 'admin']) {
      const res = await call(`${server.url}/api/v1/auth/token`, { body: { username, password: PASSWORD } });
      expect(res.status).toBe(200);
      tokens.push(res.json.token as string);
    }
    const acked = new Map<string, Acked>();
    let decisions = 0;
    let backedUp = new Map<string, string[]>();
    const backupFile = path.join(path.dirname(t.config.databaseFile), 'under-load.sqlite');

    for (let round = 1; round <= ROUNDS; round++) {
      const url = server.url;
      let stop = false;
      let acks = 0;
      let failure: unknown = null;
      /** One worker: registers a case and moves it along PATH, then the next one, until the server dies. */
      const worker = async (w: number) => {
        const auth = (n: number) => ({ authorization: `Bearer ${tokens[n % tokens.length]}` });
        while (!stop) {
          let a: Acked | null = null;
          try {
            const applicant = { ...(w % 2 ? orgApplicant() : personApplicant()), email: `applicant${w}@example.com` };
            const reg = await call(`${url}/api/v1/cases`, { body: { itemCode: 'SLJ-001', applicant, projectName: `压测项目${round}-${w}` }, headers: auth(w) });
            if (reg.status !== 201) throw new Error(`registration answered ${reg.status}: ${reg.text}`);
            a = { queryNo: reg.json.queryNo as string, stages: ['submitted'], uncertain: false };
            acked.set(a.queryNo, a);
            acks++;
            for (const to of PATH) {
              if (stop) break;
              const body = to === 'approved' ? { to, decisionNo: `衢水许〔2026〕${++decisions}号` } : { to };
              const res = await call(`${url}/api/v1/cases/${a.queryNo}/transitions`, {
                body,
                headers: { ...auth(w + a.stages.length), 'if-match': `"${a.queryNo}-v${a.stages.length}"` },
              });
              if (res.status !== 200) throw new Error(`${to} answered ${res.status}: ${res.text}`);
              a.stages.push(to);
              acks++;
            }
          } catch (err) {
            if (a) a.uncertain = true;
            if (!stop) {
              failure = err;
              stop = true;
            }
          }
        }
      };
      const running = Array.from({ length: WORKERS }, (_, w) => worker(w));
      // Killed at a random moment once the load is under way.
      const minAcks = 10 + Math.floor(Math.random() * 40);
      while (acks < minAcks && !failure) await new Promise((r) => setTimeout(r, 5));
      if (!failure) await new Promise((r) => setTimeout(r, Math.random() * 300));
      if (failure) throw failure;
      // Once, an online backup from this process while the server keeps writing.
      if (round === 2) {
        backedUp = new Map([...acked.values()].map((a) => [a.queryNo, [...a.stages]]));
        await backupSqlite(t.config.databaseFile, backupFile);
      }
      stop = true;
      server.child.kill('SIGKILL');
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await Promise.all(running);

      server = await start();
      // Acknowledged: present with every acknowledged event, in order; an unanswered move may or may not be there.
      for (const a of acked.values()) {
        const res = await call(`${server.url}/api/v1/cases/${a.queryNo}`);
        expect({ queryNo: a.queryNo, status: res.status }).toEqual({ queryNo: a.queryNo, status: 200 });
        const stages = (res.json.timeline as { stage: { code: string } }[]).map((e) => e.stage.code);
        expect(stages.slice(0, a.stages.length)).toEqual(a.stages);
        expect(stages.length).toBeLessThanOrEqual(a.stages.length + (a.uncertain ? 1 : 0));
        expect(res.json.version).toBe(stages.length);
        expect(res.json.stage.code).toBe(stages[stages.length - 1]);
      }
      const db = new Database(t.config.databaseFile, { readonly: true });
      try {
        expect(checkSqliteIntegrity(db)).toEqual([]);
        // Every event of a case with an e-mail address has its message, written in the same transaction.
        const unannounced = db
          .prepare('SELECT COUNT(*) FROM stage_events e WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.stage_event_id = e.id)')
          .pluck()
          .get();
        expect(unannounced).toBe(0);
        const approvedAcked = [...acked.values()].filter((a) => a.stages.includes('approved')).map((a) => a.queryNo);
        const published = db
          .prepare('SELECT c.query_no FROM bulletin_entries b JOIN cases c ON c.id = b.case_id')
          .pluck()
          .all() as string[];
        expect(published).toEqual(expect.arrayContaining(approvedAcked));
      } finally {
        db.close();
      }
    }
    expect(acked.size).toBeGreaterThanOrEqual(ROUNDS);
    expect([...acked.values()].some((a) => a.stages.includes('approved'))).toBe(true);

    // The backup restores into a new file that passes the checks and holds everything acknowledged before it began.
    const restoredFile = path.join(path.dirname(t.config.databaseFile), 'restored.sqlite');
    expect(restoreSqlite(backupFile, restoredFile)).toEqual([]);
    const restored = new Database(restoredFile, { readonly: true });
    try {
      const stagesOf = restored.prepare('SELECT e.to_stage FROM stage_events e JOIN cases c ON c.id = e.case_id WHERE c.query_no = ? ORDER BY e.seq').pluck();
      expect(backedUp.size).toBeGreaterThan(0);
      for (const [queryNo, stages] of backedUp) expect((stagesOf.all(queryNo) as string[]).slice(0, stages.length)).toEqual(stages);
    } finally {
      restored.close();
    }

    // The tokens issued before the first crash still work, and the server stops cleanly.
    const list = await call(`${server.url}/api/v1/cases`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    expect(list.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // npm run check agrees.
    const check = spawnSync(process.execPath, [path.join(build, 'src', 'tools', 'check.js')], {
      env: { PATH: process.env.PATH, DATABASE_FILE: t.config.databaseFile },
      encoding: 'utf8',
    });
    expect(check.stdout).toContain('All checks passed.');
    expect(check.status).toBe(0);
  }, 120_000);
});
