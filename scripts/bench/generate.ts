/**
 * Builds the benchmark database: the demo catalog (departments, windows, items, guides) through the
 * real loader, bench staff accounts with a strong password, then N cases written in bulk with the
 * same SQL shape the store uses. The rows (cases with their clocks, sealed stage events, bulletin
 * entries) are computed by `generate-rows.ts` in a worker thread while this thread inserts the
 * previous batch, so the two share the machine's cores. Clocks are computed by the real clock
 * functions, so the server's start-up recompute finds nothing to change; the bulletin search index
 * is built after the load with the same functions migration 004's triggers use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { customAlphabet } from 'nanoid';
import { loadConfig } from '../../src/config';
import { loadDemoData } from '../../src/demo/load-demo';
import { DEMO_ITEMS } from '../../src/demo/demo-data';
import { QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';
import { CalendarService } from '../../src/services/clock';
import { hashPassword } from '../../src/services/passwords';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { MIGRATIONS_DIR } from '../../src/paths';
import { searchGrams } from '../../src/store/sqlite/search-index';
import { generateRows, type RowBatch, type RowContext, type RowItem, type RowMessage, type RowWorkerData } from './generate-rows';

/** Bump when the shape of generated data changes, so an old file is not reused. */
export const GENERATOR_VERSION = 3;
export const BENCH_PASSWORD = 'Bench-Only-Str0ng-Passw0rd-2026!';
export const BENCH_ADMIN = 'bench_admin';
/** Cases per batch (one write transaction each). */
const BATCH = 5000;

export interface GenerateOptions {
  cases: number;
  /** Target file; a file with matching parameters is reused as is. */
  file: string;
  seed?: number;
  /** The generation's "now" (ms since 1970; default the current time): for comparing two runs. */
  now?: number;
  /** Compute the rows on this thread instead of a worker thread (slower; for comparisons). */
  inline?: boolean;
  log?: (msg: string) => void;
}

export interface GenerateResult {
  file: string;
  reused: boolean;
  seconds: number;
  /** Process CPU time of the generation (null for a file written before it was recorded). */
  cpuSeconds: number | null;
  bytes: number;
  cases: number;
  bulletinEntries: number;
  stageEvents: number;
}

function paramsKey(o: GenerateOptions): string {
  // The schema is part of the parameters: a new migration means a new file.
  const migrations = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
  return JSON.stringify({ generator: GENERATOR_VERSION, cases: o.cases, seed: o.seed ?? 1, migrations });
}

export function dbBytes(file: string): number {
  return [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}

function readMeta(file: string): { params: string; seconds: number; cpuSeconds?: number; bulletin: number; events: number } | null {
  if (!fs.existsSync(file)) return null;
  try {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare("SELECT value FROM settings WHERE key = 'bench.meta'").get() as { value: string } | undefined;
      return r ? JSON.parse(r.value) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

export async function generateBenchDatabase(o: GenerateOptions): Promise<GenerateResult> {
  const log = o.log ?? (() => {});
  const key = paramsKey(o);
  const meta = readMeta(o.file);
  if (meta && meta.params === key) {
    return { file: o.file, reused: true, seconds: meta.seconds, cpuSeconds: meta.cpuSeconds ?? null, bytes: dbBytes(o.file), cases: o.cases, bulletinEntries: meta.bulletin, stageEvents: meta.events };
  }
  for (const f of [o.file, `${o.file}-wal`, `${o.file}-shm`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(o.file), { recursive: true });
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();

  // Started first: it loads its modules while this thread loads the demo catalog.
  const rowWorker = o.inline
    ? null
    : new Worker(
        `require(${JSON.stringify(path.join(__dirname, 'ts-register.js'))});
         require(${JSON.stringify(path.join(__dirname, 'generate-rows.ts'))}).runRowWorker();`,
        { eval: true },
      );
  const store = new SqliteStore({ file: o.file });
  const db = store.db;
  try {
    const config = { ...loadConfig({ NODE_ENV: 'test' }), databaseFile: o.file, demoData: true };
    const calendars = new CalendarService(store);
    const systemClock = { now: () => new Date() };
    const randomQueryBody = customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH);
    // The demo catalog and its ~50 cases, with accounts that carry the bench password (not the
    // published demo one, which production refuses).
    await loadDemoData({ store, clock: systemClock, config, randomQueryBody, calendars }, BENCH_PASSWORD);
    await store.createStaff({
      username: BENCH_ADMIN,
      displayName: '压测管理员',
      role: 'admin',
      departmentId: null,
      windowId: null,
      passwordHash: await hashPassword(BENCH_PASSWORD),
      isDemo: false,
    });

    // Bulk-load settings: no rollback journal (a failed load leaves no bench.meta, so the file is
    // regenerated), no syncs, a 200 MB page cache, the index builds' sorts in memory, and no foreign
    // key lookups per row (every id written comes from the catalog just read, or is a new case's).
    // WAL and NORMAL are back at the end, as the server expects them.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -200000');
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = OFF');
    const calendarInputs = {
      overrides: (await store.listCalendarOverrides()).map((c) => ({ date: c.date, kind: c.kind })),
      years: (await store.listCalendarYears()).map((y) => y.year),
    };
    const prefix = new Map(DEMO_ITEMS.map((d) => [d.code, d.decisionPrefix]));
    const items: RowItem[] = (await store.listItems({ inForceOnly: true }))
      .filter((i) => prefix.has(i.code))
      .map((i) => ({
        id: i.id, code: i.code, departmentId: i.departmentId, promisedDays: i.promisedDays, statutoryDays: i.statutoryDays,
        resultsPublic: i.resultsPublic, resultValidity: i.resultValidity, decisionPrefix: prefix.get(i.code) as string,
      }));
    const windows = new Map<number, number | null>();
    for (const i of items) windows.set(i.departmentId, (await store.listWindows(i.departmentId))[0]?.id ?? null);
    const staffRows = db.prepare("SELECT id, department_id FROM staff WHERE role = 'window_staff'").all() as { id: number; department_id: number }[];
    const adminId = (db.prepare('SELECT id FROM staff WHERE username = ?').get(BENCH_ADMIN) as { id: number }).id;

    const insertCase = db.prepare(
      `INSERT INTO cases (id, query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number,
         applicant_phone, project_name, note, stage, version, registered_by, registered_at, updated_at, decision_no,
         decided_at, window_id, clock_state, clock_rank, clock_kind, due_date, statutory_due_date, paused_days,
         extension_days, deemed_accepted, undetermined_year, decision_due_date, decided_on_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = db.prepare(
      `INSERT INTO stage_events (case_id, seq, from_stage, to_stage, at, staff_id, note, note_public, decision_no, reason, hash)
       VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?)`,
    );
    // The search index is built in one pass after the load (below), as migration 004 builds it; so
    // the entry carries its order key already and the insert trigger is off meanwhile.
    const insertBulletin = db.prepare(
      `INSERT INTO bulletin_entries (id, case_id, decision_no, item_id, department_id, applicant_name, project_name, decided_at, validity, search_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const firstBulletinId = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM bulletin_entries').get() as { m: number }).m;
    // Case ids as SQLite would assign them (one past the largest), given explicitly so the rows
    // (and the event hashes, which cover the case id) can be computed away from the database.
    const firstCaseId = (db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS m FROM cases').get() as { m: number }).m;
    // Secondary indexes and the search trigger are dropped for the load and rebuilt after it: one
    // sorted build per index instead of a random B-tree insert per row. Except the stage events'
    // (to_stage, at) index: a dozen stages, each appended in about time order, is cheap to keep up
    // during the load, which overlaps with the row worker, while its build afterwards (4.4 million
    // rows) was the longest one at 1,000,000 cases (12 s); and the partial unsealed-events index,
    // empty (every event is sealed).
    const KEPT = ['stage_events_to_stage_at_ix', 'stage_events_unsealed_ix'];
    const deferred = (
      db
        .prepare(
          `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('cases', 'stage_events', 'bulletin_entries')
             AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') OR (type = 'trigger' AND name = 'bulletin_entries_search_insert'))`,
        )
        .all() as { type: string; name: string; sql: string }[]
    ).filter((d) => !KEPT.includes(d.name));
    for (const d of deferred) db.exec(`DROP ${d.type.toUpperCase()} ${d.name}`);

    const ctx: RowContext = {
      cases: o.cases, seed: o.seed ?? 1, now: o.now ?? Date.now(), items, windows: [...windows], staffOf: staffRows.map((s) => [s.department_id, s.id]),
      adminId, calendar: calendarInputs, firstCaseId, firstBulletinId,
    };
    const at = () => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`;
    log(`  catalog loaded at ${at()}; writing the cases`);
    let events = 0;
    let bulletin = 0;
    let written = 0;
    const writeBatch = db.transaction((b: RowBatch) => {
      for (const c of b.cases) insertCase.run(c);
      for (const e of b.events) insertEvent.run(e);
      for (const e of b.bulletins) insertBulletin.run(e);
    });
    const write = (b: RowBatch) => {
      writeBatch(b);
      events += b.events.length;
      bulletin += b.bulletins.length;
      written += b.cases.length;
      if (written % 100_000 < BATCH) log(`  generated ${written} cases`);
    };
    if (o.inline) {
      for (const b of generateRows(ctx, BATCH)) write(b);
    } else {
      const w = rowWorker as Worker;
      const shared = new Int32Array(new SharedArrayBuffer(4));
      let idleMs = 0;
      let idleFrom = performance.now();
      let failed = false;
      const waitedMs = await new Promise<number>((resolve, reject) => {
        w.on('message', (m: RowMessage) => {
          if (failed) return;
          if ('done' in m) return resolve(m.waitedMs);
          idleMs += performance.now() - idleFrom;
          try {
            write(m.batch);
          } catch (err) {
            failed = true;
            reject(err);
            return;
          }
          Atomics.add(shared, 0, 1);
          Atomics.notify(shared, 0);
          idleFrom = performance.now();
        });
        w.on('error', reject);
        w.on('exit', (code) => reject(new Error(`row worker exited (${code}) before the last batch`)));
        w.postMessage({ ctx, batchSize: BATCH, written: shared, ahead: 4 } satisfies RowWorkerData);
      });
      log(`  the writer waited ${(idleMs / 1000).toFixed(1)} s for rows, the row worker ${(waitedMs / 1000).toFixed(1)} s for the writer`);
    }
    // bjt_search_grams with its answers kept, for the columns whose values repeat (item names,
    // company and masked person names, project names; decision numbers are all different).
    const grams = new Map<string, string>();
    db.function('bench_search_grams', { deterministic: true }, (text: unknown) => {
      if (typeof text !== 'string') return searchGrams(null);
      let g = grams.get(text);
      if (g === undefined) {
        g = searchGrams(text);
        if (grams.size < 200_000) grams.set(text, g);
      }
      return g;
    });
    log(`  rows written at ${at()}; building indexes and the search index`);
    const steps: string[] = [];
    let stepFrom = performance.now();
    const step = (name: string) => {
      steps.push(`${name} ${((performance.now() - stepFrom) / 1000).toFixed(1)} s`);
      stepFrom = performance.now();
    };
    db.transaction(() => {
      for (const d of deferred) if (d.type === 'index') db.exec(d.sql);
      step('indexes');
      // In rowid (-search_key) order: FTS5 flushes its pending terms to a new segment whenever a rowid
      // is not larger than the last one, so entry order (about, not exactly, by date) meant many small
      // segments to merge. The index ends up with the same terms either way.
      db.prepare(
        `INSERT INTO bulletin_search (rowid, item_name, applicant, project, decision_no, tags)
         SELECT -b.search_key, bench_search_grams(i.name), bench_search_grams(b.applicant_name), bench_search_grams(b.project_name),
                bjt_search_grams(b.decision_no), bjt_search_tags(i.category, b.department_id)
         FROM bulletin_entries b JOIN items i ON i.id = b.item_id WHERE b.id > ? ORDER BY b.search_key DESC`,
      ).run(firstBulletinId);
      step('search index');
      for (const d of deferred) if (d.type === 'trigger') db.exec(d.sql);
    })();
    step('commit');
    // One b-tree, as the server's upkeep leaves it (compactSearchIndex).
    db.exec("INSERT INTO bulletin_search (bulletin_search) VALUES ('optimize')");
    step('optimize');
    db.exec('ANALYZE');
    step('analyze');
    log(`  ${steps.join(', ')}; done at ${at()}`);
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    // CPU time too: on a shared machine the wall-clock time says more about the neighbours.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    db.prepare("INSERT INTO settings (key, value) VALUES ('bench.meta', ?)").run(
      JSON.stringify({ params: key, seconds, cpuSeconds, bulletin, events }),
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { file: o.file, reused: false, seconds, cpuSeconds, bytes: dbBytes(o.file), cases: o.cases, bulletinEntries: bulletin, stageEvents: events };
  } finally {
    await rowWorker?.terminate();
    await store.close();
  }
}
