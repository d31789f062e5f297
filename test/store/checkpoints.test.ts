import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';

/** The WAL is checkpointed by the worker, not by the committing request, and nothing is lost. */
describe('background WAL checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-ckpt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const until = async (cond: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('copies committed pages into the database file while the writer keeps committing, and the writer never checkpoints', async () => {
    const file = path.join(dir, 'db.sqlite');
    const store = new SqliteStore({ file });
    const ck = store.startBackgroundCheckpoints({ intervalMs: 50, safetyPages: 1_000_000 })!;
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000_000);
    store.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = store.db.prepare('INSERT INTO t (v) VALUES (?)');
    const sizeBefore = fs.statSync(file).size;
    for (let i = 0; i < 2000; i++) {
      insert.run('x'.repeat(500) + i);
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await until(() => ck.runs >= 3);
    // The rows reached the main file: a connection reading it without the WAL (immutable) sees them.
    await until(() => fs.statSync(file).size > sizeBefore + 500 * 1500);
    await store.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(2000);
    reopened.close();
  });

  it('stops with the store, once; an in-memory store has none', async () => {
    const store = new SqliteStore({ file: path.join(dir, 'db.sqlite') });
    const a = store.startBackgroundCheckpoints({ intervalMs: 20 });
    expect(store.startBackgroundCheckpoints()).toBe(a);
    await store.close();
    await store.close();
    const mem = new SqliteStore({ file: ':memory:' });
    expect(mem.startBackgroundCheckpoints()).toBeUndefined();
    await mem.close();
  });
});
