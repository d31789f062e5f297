/**
 * PostgreSQL for tests: TEST_DATABASE_URL when set (.ci/run starts one cluster for the whole run),
 * else a throwaway cluster of this test file when the server binaries are installed, else the
 * PostgreSQL tests are skipped with one printed line. Each store gets a schema of its own.
 */
import pg from 'pg';
import { PG_SKIP_REASON, pgAvailable, startThrowawayCluster, type ThrowawayCluster } from '../../scripts/pg-cluster';
import { PgStore, quoteIdent } from '../../src/store/postgres/pg-store';

/** `describe` when PostgreSQL can be reached, else `describe.skip` after printing why once. */
export function describePg(name: string, fn: () => void): void {
  if (pgAvailable()) {
    describe(name, fn);
  } else {
    console.log(PG_SKIP_REASON);
    describe.skip(name, fn);
  }
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
  // Jest runs afterAll hooks in the order they were declared, so this one (declared first) would
  // stop the cluster before later hooks could drop their schemas: it runs them itself, first.
  afterAll(async () => {
    for (const fn of beforeServerStop.splice(0)) await fn();
    cluster?.stop();
  });
  return () => url;
}

const beforeServerStop: (() => Promise<void>)[] = [];

/** Inside describePg, instead of afterAll for clean-up that needs the server (dropping a database). */
export function afterAllBeforePgStops(fn: () => Promise<void>): void {
  beforeServerStop.push(fn);
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
  beforeServerStop.push(async () => {
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
