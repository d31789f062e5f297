import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { backupSqlite, backupSqliteInWorker, checkSqliteIntegrity, restoreSqlite } from '../../src/store/sqlite/maintenance';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { apiToken, createTestApp, orgApplicant, type TestApp } from '../helpers/test-app';

describe('backup, restore and the integrity check', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp();
    token = await apiToken(t.app, 'water');
  });
  afterEach(() => t.cleanup());

  const register = () =>
    request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() });
  const dir = () => path.dirname(t.config.databaseFile);

  it.each([
    ['in the caller', backupSqlite],
    ['in a worker thread', backupSqliteInWorker],
  ])('when a backup (%s) runs while cases are being registered, then the restored copy has every case acknowledged before it', async (_where, backup) => {
    const before = await Promise.all(Array.from({ length: 20 }, register));
    const during = Promise.all(Array.from({ length: 20 }, register));
    const backupFile = path.join(dir(), 'backup', 'tracker-backup.sqlite');
    await backup(t.config.databaseFile, backupFile);
    await during;
    const restoredFile = path.join(dir(), 'restored.sqlite');
    expect(restoreSqlite(backupFile, restoredFile)).toEqual([]);
    const restored = new SqliteStore({ file: restoredFile });
    try {
      for (const res of before) {
        expect(res.status).toBe(201);
        expect(await restored.findCaseByQueryNo(res.body.queryNo)).not.toBeNull();
      }
      expect(checkSqliteIntegrity(restored.db)).toEqual([]);
    } finally {
      await restored.close();
    }
  });

  it('a backup of a large file finishes although another connection writes between all its steps', async () => {
    const big = 'x'.repeat(4000);
    const fill = t.store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    t.store.db.transaction(() => {
      for (let i = 0; i < 3000; i++) fill.run(`filler.${i}`, big);
    })();
    let writes = 0;
    let done = false;
    const touch = t.store.db.prepare("INSERT INTO settings (key, value) VALUES ('touch', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const writer = () => {
      if (done) return;
      touch.run(String(++writes));
      setImmediate(writer);
    };
    setImmediate(writer);
    const backupFile = path.join(dir(), 'big-backup.sqlite');
    try {
      await backupSqlite(t.config.databaseFile, backupFile);
    } finally {
      done = true;
    }
    expect(writes).toBeGreaterThan(0);
    const copy = new SqliteStore({ file: backupFile });
    try {
      expect(copy.db.prepare("SELECT COUNT(*) FROM settings WHERE key LIKE 'filler.%'").pluck().get()).toBe(3000);
    } finally {
      await copy.close();
    }
  }, 60_000);

  it('the check finds a case whose stage disagrees with its log, and an approval missing from the bulletin', async () => {
    const q = (await register().expect(201)).body.queryNo as string;
    await request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    const q2 = (await register().expect(201)).body.queryNo as string;
    await request(t.app).post(`/api/v1/cases/${q2}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    await request(t.app)
      .post(`/api/v1/cases/${q2}/transitions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to: 'approved', decisionNo: '衢水许〔2026〕1号' })
      .expect(200);
    expect(checkSqliteIntegrity(t.store.db)).toEqual([]);
    t.store.db.prepare("UPDATE cases SET stage = 'approved' WHERE query_no = ?").run(q);
    t.store.db.prepare('DELETE FROM bulletin_entries').run();
    const problems = checkSqliteIntegrity(t.store.db);
    expect(problems.map((p) => p.check).sort()).toEqual(['bulletin', 'case_stage']);
    expect(problems.find((p) => p.check === 'case_stage')?.detail).toContain(q);
    expect(problems.find((p) => p.check === 'bulletin')?.detail).toContain(q2);
  });

  it('the check finds half-written records: a case without its registration event, a gap in the numbering, an outbox message of another case\'s event', async () => {
    const q = (await register().expect(201)).body.queryNo as string;
    const q2 = (await register().expect(201)).body.queryNo as string;
    await request(t.app).post(`/api/v1/cases/${q2}/transitions`).set('Authorization', `Bearer ${token}`).send({ to: 'accepted' }).expect(200);
    expect(checkSqliteIntegrity(t.store.db)).toEqual([]);
    const db = t.store.db;
    const ids = db.prepare('SELECT id FROM cases ORDER BY id').pluck().all() as number[];
    // A case row copied without its events, as a write torn between two statements would leave it.
    db.prepare(
      `INSERT INTO cases (query_no, item_id, department_id, applicant_name, applicant_kind, applicant_id_number, applicant_phone,
         stage, version, registered_by, registered_at, updated_at)
       SELECT 'TORN00000000', item_id, department_id, applicant_name, applicant_kind, applicant_id_number, applicant_phone,
         stage, version, registered_by, registered_at, updated_at FROM cases WHERE id = ?`,
    ).run(ids[0]);
    // A version bumped without its event.
    db.prepare('UPDATE cases SET version = version + 1 WHERE id = ?').run(ids[1]);
    const eventOfFirst = db.prepare('SELECT id FROM stage_events WHERE case_id = ?').pluck().get(ids[0]) as number;
    const outboxId = Number(
      db.prepare(
        `INSERT INTO outbox (case_id, stage_event_id, channel, recipient, subject, body, next_attempt_at, created_at)
         VALUES (?, ?, 'email', 'a@example.com', 's', 'b', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      ).run(ids[1], eventOfFirst).lastInsertRowid,
    );
    const problems = checkSqliteIntegrity(db);
    expect(problems).toEqual(
      expect.arrayContaining([
        { check: 'first_event', detail: 'case TORN00000000 has no registration event (#1 → submitted)' },
        { check: 'event_numbering', detail: 'case TORN00000000 is at version 1 but has 0 event(s) numbered 0..0' },
        { check: 'event_numbering', detail: `case ${q2} is at version 3 but has 2 event(s) numbered 1..2` },
        { check: 'outbox_event', detail: `outbox message ${outboxId} of case ${q2} announces an event the case does not have` },
      ]),
    );
    expect(problems.map((p) => p.check).sort()).toEqual(['case_stage', 'event_numbering', 'event_numbering', 'first_event', 'outbox_event']);
    expect(problems.some((p) => p.detail.includes(q))).toBe(false);
  });

  it('restore refuses a file that is not a tracker database, and keeps the current one', () => {
    const bogus = path.join(dir(), 'bogus.sqlite');
    const other = new SqliteStore({ file: path.join(dir(), 'x.sqlite') });
    other.db.exec('DROP TABLE schema_migrations');
    other.db.close();
    fs.copyFileSync(path.join(dir(), 'x.sqlite'), bogus);
    const target = path.join(dir(), 'target.sqlite');
    fs.writeFileSync(target, 'current');
    expect(restoreSqlite(bogus, target)).toEqual([{ check: 'schema', detail: 'not a Permit Tracker database' }]);
    expect(fs.readFileSync(target, 'utf8')).toBe('current');
  });
});

describe('the hash chain of stage events', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  it('links every event, shows the head publicly, and the check names the first broken link after an edit', async () => {
    const token = await apiToken(t.app, 'water');
    const q = (
      await request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201)
    ).body.queryNo as string;
    for (const to of ['accepted', 'under_review']) {
      await request(t.app).post(`/api/v1/cases/${q}/transitions`).set('Authorization', `Bearer ${token}`).send({ to, note: `${to} 意见` }).expect(200);
    }
    const rows = t.store.db.prepare('SELECT seq, hash FROM stage_events ORDER BY seq').all() as { seq: number; hash: string }[];
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    const api = await request(t.app).get(`/api/v1/cases/${q}`).expect(200);
    expect(api.body.timelineHash).toBe(rows[2].hash);
    const page = await request(t.app).get(`/lookup?no=${q}`).expect(200);
    expect(page.text).toContain(rows[2].hash.slice(0, 16));
    expect(checkSqliteIntegrity(t.store.db)).toEqual([]);

    // Someone with the database file drops the guard and rewrites the second event's note.
    t.store.db.exec('DROP TRIGGER stage_events_no_update');
    t.store.db.prepare("UPDATE stage_events SET note = '改过的意见' WHERE seq = 2").run();
    const problems = checkSqliteIntegrity(t.store.db);
    expect(problems).toEqual([{ check: 'hash_chain', detail: `case ${q}: stage event #2 does not match its hash (first broken link)` }]);
  });

  it('a stored hash cannot be overwritten through the database', async () => {
    const token = await apiToken(t.app, 'water');
    await request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() }).expect(201);
    expect(() => t.store.db.prepare("UPDATE stage_events SET hash = 'x'").run()).toThrow(/immutable/);
  });
});
