import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

import { generateBenchDatabase } from '../../scripts/bench/generate';
import { checkSqliteIntegrity } from '../../src/store/sqlite/maintenance';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-store';

const CASES = 3000;

/** The generated rows (the demo catalog's own cases come first and differ from run to run: the real clock). */
function generatedRows(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const ids = `SELECT id FROM cases ORDER BY id DESC LIMIT ${CASES}`;
    return {
      cases: db.prepare(`SELECT * FROM cases WHERE id IN (${ids}) ORDER BY id`).all(),
      events: db
        .prepare(`SELECT case_id, seq, from_stage, to_stage, at, staff_id, decision_no, reason, hash FROM stage_events WHERE case_id IN (${ids}) ORDER BY case_id, seq`)
        .all(),
      bulletin: db.prepare(`SELECT * FROM bulletin_entries WHERE case_id IN (${ids}) ORDER BY id`).all(),
      // The generated entries found in the search index by their keys.
      indexed: db
        .prepare(`SELECT COUNT(*) FROM bulletin_search WHERE rowid IN (SELECT -search_key FROM bulletin_entries WHERE case_id IN (${ids}))`)
        .pluck()
        .all(),
    };
  } finally {
    db.close();
  }
}

describe('bench data generation', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permit-tracker-generate-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when rows are computed in the worker thread, then the file holds the same rows as computed inline, sealed, indexed and in WAL mode', async () => {
    const now = Date.parse('2026-11-20T06:00:00Z');
    const viaWorker = path.join(dir, 'worker.sqlite');
    const inline = path.join(dir, 'inline.sqlite');
    const w = await generateBenchDatabase({ cases: CASES, file: viaWorker, now });
    const i = await generateBenchDatabase({ cases: CASES, file: inline, now, inline: true });
    expect(w).toMatchObject({ reused: false, cases: CASES, bulletinEntries: i.bulletinEntries, stageEvents: i.stageEvents });

    const a = generatedRows(viaWorker);
    const b = generatedRows(inline);
    expect(a.cases).toHaveLength(CASES);
    expect(a.events.length).toBe(w.stageEvents);
    expect(a.bulletin.length).toBe(w.bulletinEntries);
    expect(a.indexed).toEqual([a.bulletin.length]);
    expect(a).toEqual(b);

    const db = openSqliteDatabase(viaWorker);
    try {
      // Hash chains, foreign keys, the dropped and rebuilt indexes and triggers.
      expect(checkSqliteIntegrity(db)).toEqual([]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const stages = db.prepare('SELECT DISTINCT to_stage FROM stage_events').pluck().all();
      expect(stages).toEqual(expect.arrayContaining(['submitted', 'accepted', 'supplement_requested', 'not_accepted', 'under_review',
        'special_procedure', 'approved', 'denied', 'certificate_issued', 'completed', 'withdrawn']));
    } finally {
      db.close();
    }

    // A second call with the same parameters reuses the file.
    expect(await generateBenchDatabase({ cases: CASES, file: viaWorker, now })).toMatchObject({ reused: true, stageEvents: w.stageEvents });
  }, 180_000);
});
