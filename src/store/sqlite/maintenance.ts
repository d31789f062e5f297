import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { eventHash } from '../../domain/event-hash';
import { hashedContent } from './sqlite-store';

export interface IntegrityProblem {
  check: string;
  detail: string;
}

/**
 * SQLite's own checks plus the domain invariants that must hold after any crash, i.e. no record is
 * half-written: every case starts with its registration event, its events are numbered 1..n with n
 * its version, its stage is its last stage event's target, every approval of a public item has its
 * bulletin entry, every outbox message announcing an event has that event, and every hash chain holds.
 */
export function checkSqliteIntegrity(db: Database.Database, limit = 100): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  for (const r of db.pragma('integrity_check') as { integrity_check: string }[]) {
    if (r.integrity_check !== 'ok') problems.push({ check: 'integrity_check', detail: r.integrity_check });
  }
  for (const r of db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]) {
    problems.push({ check: 'foreign_key_check', detail: `${r.table} row ${r.rowid} points at a missing ${r.parent}` });
  }
  const firstEvent = db
    .prepare(
      `SELECT c.query_no FROM cases c WHERE NOT EXISTS (
         SELECT 1 FROM stage_events e WHERE e.case_id = c.id AND e.seq = 1 AND e.kind = 'stage'
           AND e.from_stage IS NULL AND e.to_stage = 'submitted') LIMIT ?`,
    )
    .all(limit) as { query_no: string }[];
  for (const r of firstEvent) {
    problems.push({ check: 'first_event', detail: `case ${r.query_no} has no registration event (#1 → submitted)` });
  }
  // Each write that moves a case bumps its version and appends exactly one event.
  const numbering = db
    .prepare(
      `SELECT c.query_no, c.version, COUNT(e.id) AS n, COALESCE(MIN(e.seq), 0) AS lo, COALESCE(MAX(e.seq), 0) AS hi
       FROM cases c LEFT JOIN stage_events e ON e.case_id = c.id GROUP BY c.id
       HAVING n <> c.version OR lo <> 1 OR hi <> n LIMIT ?`,
    )
    .all(limit) as { query_no: string; version: number; n: number; lo: number; hi: number }[];
  for (const r of numbering) {
    problems.push({
      check: 'event_numbering',
      detail: `case ${r.query_no} is at version ${r.version} but has ${r.n} event(s) numbered ${r.lo}..${r.hi}`,
    });
  }
  const stageMismatch = db
    .prepare(
      `SELECT c.query_no, c.stage, e.to_stage FROM cases c
       LEFT JOIN stage_events e ON e.case_id = c.id AND e.kind = 'stage'
         AND e.seq = (SELECT MAX(seq) FROM stage_events WHERE case_id = c.id AND kind = 'stage')
       WHERE e.to_stage IS NULL OR e.to_stage <> c.stage LIMIT ?`,
    )
    .all(limit) as { query_no: string; stage: string; to_stage: string | null }[];
  for (const r of stageMismatch) {
    problems.push({
      check: 'case_stage',
      detail: `case ${r.query_no} is ${r.stage} but its last stage event says ${r.to_stage ?? '(none)'}`,
    });
  }
  const missingBulletin = db
    .prepare(
      `SELECT c.query_no FROM cases c JOIN items i ON i.id = c.item_id
       WHERE i.results_public = 1 AND c.decision_no IS NOT NULL
         AND EXISTS (SELECT 1 FROM stage_events e WHERE e.case_id = c.id AND e.to_stage = 'approved')
         AND NOT EXISTS (SELECT 1 FROM bulletin_entries b WHERE b.case_id = c.id) LIMIT ?`,
    )
    .all(limit) as { query_no: string }[];
  for (const r of missingBulletin) {
    problems.push({ check: 'bulletin', detail: `approval of case ${r.query_no} has no bulletin entry (第四十条)` });
  }
  const orphanOutbox = db
    .prepare(
      `SELECT o.id, c.query_no FROM outbox o JOIN cases c ON c.id = o.case_id
       WHERE o.stage_event_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.id = o.stage_event_id AND e.case_id = o.case_id) LIMIT ?`,
    )
    .all(limit) as { id: number; query_no: string }[];
  for (const r of orphanOutbox) {
    problems.push({ check: 'outbox_event', detail: `outbox message ${r.id} of case ${r.query_no} announces an event the case does not have` });
  }
  problems.push(...verifyHashChains(db, limit));
  return problems;
}

/** Recomputes every case's chain; names the first broken link of each case. */
export function verifyHashChains(db: Database.Database, limit = 100): IntegrityProblem[] {
  const hasHash = db.prepare("SELECT 1 FROM pragma_table_info('stage_events') WHERE name = 'hash'").get();
  if (!hasHash) return [];
  const problems: IntegrityProblem[] = [];
  let caseId = -1;
  let previous: string | null = null;
  let broken = false;
  const rows = db
    .prepare('SELECT e.*, c.query_no FROM stage_events e JOIN cases c ON c.id = e.case_id ORDER BY e.case_id, e.seq')
    .iterate() as IterableIterator<Record<string, unknown>>;
  for (const r of rows) {
    if (r.case_id !== caseId) {
      caseId = r.case_id as number;
      previous = null;
      broken = false;
    }
    const expected = eventHash(previous, hashedContent(r));
    if (!broken && r.hash !== expected) {
      broken = true;
      problems.push({ check: 'hash_chain', detail: `case ${r.query_no}: stage event #${r.seq} does not match its hash (first broken link)` });
      if (problems.length >= limit) break;
    }
    previous = (r.hash as string | null) ?? expected;
  }
  return problems;
}

/**
 * After the first step, copy every remaining page in one step. In small steps, each write by another
 * connection between two steps restarts the backup, so a busy server could keep it from ever finishing;
 * one step reads one snapshot, and in WAL mode that read does not hold up writers.
 */
const WHOLE_REST = 0x7fffffff;

/** Online backup (SQLite backup API): consistent while the server keeps writing. */
export async function backupSqlite(sourceFile: string, targetFile: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(targetFile)), { recursive: true });
  const db = new Database(sourceFile, { readonly: true, fileMustExist: true });
  try {
    await db.backup(targetFile, { progress: () => WHOLE_REST });
  } finally {
    db.close();
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
(async () => {
  const db = new Database(workerData.source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(workerData.target, { progress: () => ${WHOLE_REST} });
  } finally {
    db.close();
  }
})().then(
  () => parentPort.postMessage({ ok: true }),
  (err) => parentPort.postMessage({ ok: false, message: String((err && err.message) || err) }),
);
`;

/**
 * backupSqlite in a worker thread: the server's scheduled backups copy a large file without
 * stalling the requests it is serving.
 */
export function backupSqliteInWorker(sourceFile: string, targetFile: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(targetFile)), { recursive: true });
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), source: path.resolve(sourceFile), target: path.resolve(targetFile) },
    });
    worker.once('message', (m: { ok: boolean; message?: string }) => (m.ok ? resolve() : reject(new Error(m.message))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the backup worker stopped (exit code ${code})`)));
  });
}

/**
 * Replaces the database with a backup (server stopped): the backup must pass the checks first;
 * the current file is kept beside it as `.before-restore`.
 */
export function restoreSqlite(backupFile: string, targetFile: string): IntegrityProblem[] {
  const candidate = new Database(backupFile, { readonly: true, fileMustExist: true });
  let problems: IntegrityProblem[];
  try {
    const hasSchema = candidate
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    problems = hasSchema ? checkSqliteIntegrity(candidate) : [{ check: 'schema', detail: 'not a Permit Tracker database' }];
  } finally {
    candidate.close();
  }
  if (problems.length > 0) return problems;
  if (fs.existsSync(targetFile)) fs.copyFileSync(targetFile, `${targetFile}.before-restore`);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${targetFile}${suffix}`, { force: true });
  fs.copyFileSync(backupFile, targetFile);
  return [];
}
