import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { ScheduledBackups, backupFileName, type Timers } from '../../src/services/scheduled-backup';
import { backupSqlite, checkSqliteIntegrity } from '../../src/store/sqlite/maintenance';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { apiToken, createTestApp, manualClock, orgApplicant, type TestApp } from '../helpers/test-app';

/** Timers that never fire by themselves: the test calls tick(). */
function fakeTimers() {
  const scheduled: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    setInterval: (fn, ms) => {
      scheduled.push({ fn, ms });
      return scheduled.length - 1;
    },
    clearInterval: (h) => {
      scheduled.splice(h as number, 1);
    },
  };
  return { timers, scheduled };
}

describe('scheduled backups', () => {
  let t: TestApp;
  let token: string;
  let dir: string;
  beforeEach(async () => {
    t = await createTestApp();
    token = await apiToken(t.app, 'water');
    dir = path.join(path.dirname(t.config.databaseFile), 'backups');
  });
  afterEach(() => t.cleanup());

  const register = () =>
    request(t.app).post('/api/v1/cases').set('Authorization', `Bearer ${token}`).send({ itemCode: 'SLJ-001', applicant: orgApplicant() });

  it('names files by the Beijing time of the backup', () => {
    expect(backupFileName(new Date('2026-11-27T16:05:09Z'))).toBe('tracker-20261128-000509.sqlite');
  });

  it('at each tick of the interval writes a checked copy, and keeps only the newest N', async () => {
    const clock = manualClock('2026-11-27T01:00:00Z');
    const { timers, scheduled } = fakeTimers();
    const log: string[] = [];
    const backups = new ScheduledBackups(
      { dir, intervalMs: 6 * 3600_000, keep: 2 },
      (target) => backupSqlite(t.config.databaseFile, target),
      clock,
      (m) => log.push(m),
      timers,
    );
    // Something else in the folder is never pruned.
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    backups.start();
    expect(scheduled.map((s) => s.ms)).toEqual([6 * 3600_000]);

    const queryNos: string[] = [];
    for (const at of ['2026-11-27T07:00:00Z', '2026-11-27T13:00:00Z', '2026-11-27T19:00:00Z']) {
      queryNos.push((await register().expect(201)).body.queryNo);
      clock.set(at);
      scheduled[0].fn();
      await backups.stop();
      backups.start();
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', 'tracker-20261127-210000.sqlite', 'tracker-20261128-030000.sqlite']);
    expect(log).toEqual([]);
    const newest = new SqliteStore({ file: path.join(dir, 'tracker-20261128-030000.sqlite') });
    try {
      for (const q of queryNos) expect(await newest.findCaseByQueryNo(q)).not.toBeNull();
      expect(checkSqliteIntegrity(newest.db)).toEqual([]);
    } finally {
      await newest.close();
    }
  });

  it('when a backup fails, then it is logged, no partial file is left, earlier backups stay, and the next tick works', async () => {
    const clock = manualClock('2026-11-27T01:00:00Z');
    const { timers } = fakeTimers();
    const log: string[] = [];
    let fail = false;
    const backups = new ScheduledBackups(
      { dir, intervalMs: 3600_000, keep: 1 },
      async (target) => {
        await backupSqlite(t.config.databaseFile, target);
        if (fail) throw new Error('disk full');
      },
      clock,
      (m) => log.push(m),
      timers,
    );
    expect(await backups.runOnce()).toBe(path.join(dir, 'tracker-20261127-090000.sqlite'));
    fail = true;
    clock.set('2026-11-27T02:00:00Z');
    expect(await backups.runOnce()).toBeNull();
    expect(log).toEqual([`Scheduled backup to ${path.join(dir, 'tracker-20261127-100000.sqlite')} failed: disk full`]);
    expect(fs.readdirSync(dir)).toEqual(['tracker-20261127-090000.sqlite']);
    fail = false;
    clock.set('2026-11-27T03:00:00Z');
    expect(await backups.runOnce()).not.toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['tracker-20261127-110000.sqlite']);
  });

  it('a tick while a backup is still running does not start a second one', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const backups = new ScheduledBackups(
      { dir, intervalMs: 3600_000, keep: 3 },
      (target) => {
        calls++;
        fs.writeFileSync(target, 'x');
        return new Promise<void>((r) => (release = r));
      },
      manualClock('2026-11-27T01:00:00Z'),
      () => {},
      fakeTimers().timers,
    );
    const first = backups.runOnce();
    expect(await backups.runOnce()).toBeNull();
    const stopped = backups.stop();
    release();
    await stopped;
    expect(await first).not.toBeNull();
    expect(calls).toBe(1);
  });
});
