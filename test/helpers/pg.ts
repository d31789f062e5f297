/**
 * PostgreSQL for tests: TEST_DATABASE_URL when set (.ci/run starts one cluster for the whole run),
 * else a throwaway cluster of this test file when the server binaries are installed, else the
 * PostgreSQL tests are skipped with one printed line. Each store gets a schema of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PgStore, quoteIdent } from '../../src/store/postgres/pg-store';

const BIN_CANDIDATES = ['17', '16', '15', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin`);

function findPgBin(): string | null {
  const dirs = [...BIN_CANDIDATES, ...(process.env.PATH ?? '').split(path.delimiter)];
  return dirs.find((d) => d && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

/** initdb refuses to run as root: then the cluster belongs to the `postgres` system user. */
function clusterUser(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('running as root needs a "postgres" system user for the test cluster');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), name: 'postgres' };
}

export const PG_SKIP_REASON =
  'PostgreSQL tests skipped: TEST_DATABASE_URL is not set and no PostgreSQL server binaries (initdb, pg_ctl) were found.';

export function pgAvailable(): boolean {
  if (process.env.TEST_DATABASE_URL) return true;
  if (!findPgBin()) return false;
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return false;
  return true;
}

/** `describe` when PostgreSQL can be reached, else `describe.skip` after printing why once. */
export function describePg(name: string, fn: () => void): void {
  if (pgAvailable()) {
    describe(name, fn);
  } else {
    console.log(PG_SKIP_REASON);
    describe.skip(name, fn);
  }
}

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

export interface ThrowawayCluster {
  url: string;
  stop(): void;
}

/** initdb + pg_ctl start in a temp dir, on a free local port, C locale and UTF-8, trust auth, no fsync. */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error(PG_SKIP_REASON);
  const user = clusterUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-pg-'));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const as = (cmd: string, args: string[]) =>
    user ? execFileSync('runuser', ['-u', user.name, '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  const data = path.join(dir, 'data');
  as(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  as(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Inside describePg: the server URL for this file's tests (beforeAll starts a throwaway cluster
 * when TEST_DATABASE_URL is not set; afterAll stops it).
 */
export function usePgServer(): () => string {
  let url = process.env.TEST_DATABASE_URL ?? '';
  let cluster: ThrowawayCluster | null = null;
  beforeAll(async () => {
    if (!url) {
      cluster = await startThrowawayCluster();
      url = cluster.url;
    }
  }, 60_000);
  afterAll(() => {
    cluster?.stop();
  });
  return () => url;
}

let schemaCounter = 0;

const EMPTY_SCHEMA_SQL = `DO $$
DECLARE r record;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'S' AND n.nspname = current_schema() LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', r.relname);
  END LOOP;
END $$`;

/** A fresh schema name, unique across parallel Jest workers sharing one server. */
export function freshSchemaName(): string {
  return `t_${process.pid}_${++schemaCounter}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Stores for a test file, fast: one schema, migrated once, emptied (TRUNCATE … RESTART IDENTITY)
 * before each store, so every store starts as a fresh migrated database would. Dropped by
 * afterAll. Use inside describePg, after usePgServer.
 */
export function useTruncatedPgStores(url: () => string): () => Promise<{ store: PgStore; cleanup: () => Promise<void> }> {
  const schema = freshSchemaName();
  let migrated = false;
  afterAll(async () => {
    if (migrated) await dropSchema(url(), schema);
  });
  return async () => {
    if (migrated) {
      const client = new pg.Client({ connectionString: url(), options: `-c search_path=${quoteIdent(schema)}` });
      await client.connect();
      try {
        // DELETE, not TRUNCATE: truncating ~35 tables with their indexes takes seconds (new files);
        // replica mode skips the foreign-key and append-only triggers while emptying.
        await client.query(EMPTY_SCHEMA_SQL);
      } finally {
        await client.end();
      }
    }
    const store = await PgStore.open({ connectionString: url(), schema, poolSize: 4 });
    migrated = true;
    return { store, cleanup: () => store.close() };
  };
}

/** A migrated, empty PgStore in a schema of its own; cleanup closes it and drops the schema. */
export async function openTestPgStore(url: string): Promise<{ store: PgStore; schema: string; cleanup: () => Promise<void> }> {
  const schema = freshSchemaName();
  const store = await PgStore.open({ connectionString: url, schema, poolSize: 4 });
  return {
    store,
    schema,
    cleanup: async () => {
      await store.close();
      await dropSchema(url, schema);
    },
  };
}
