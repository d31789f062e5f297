/**
 * Copies a SQLite database into an empty PostgreSQL one (npm run migrate-to-postgres): every table,
 * parents before children, in one transaction; each table's row count is compared before commit,
 * and the identity sequences continue after the copied ids.
 */
import type { PoolClient } from 'pg';
import { SqliteStore } from '../sqlite/sqlite-store';
import { PgStore } from './pg-store';
import { bulletinSearchDoc } from './pg-search';

/** SQLite tables with no PostgreSQL twin, and why. */
const NOT_COPIED: Record<string, string> = {
  schema_migrations: 'each database records its own migrations',
  staff_roles: 'folded into staff.role (PostgreSQL widens the CHECK instead)',
  bulletin_search: 'FTS5 index; rebuilt as bulletin_entries.search_text/search_grams',
  items_fts: 'FTS5 index; pg_trgm indexes on items instead',
};
const isSqliteInternal = (t: string) =>
  t.startsWith('sqlite_') || /^(bulletin_search|items_fts)_(data|idx|content|docsize|config)$/.test(t);

/** Column values read differently from the plain SELECT *. */
const SOURCE_QUERIES: Record<string, string> = {
  staff: 'SELECT s.*, COALESCE(r.role, s.role) AS role FROM staff s LEFT JOIN staff_roles r ON r.staff_id = s.id ORDER BY s.id',
  bulletin_entries: 'SELECT b.*, i.name AS item_name_for_search FROM bulletin_entries b JOIN items i ON i.id = b.item_id ORDER BY b.id',
};

export interface CopyReport {
  tables: { table: string; rows: number }[];
}

export interface CopyOptions {
  sqliteFile: string;
  databaseUrl: string;
  /** Target schema (tests); default: the connection's search_path. */
  schema?: string;
  log?: (line: string) => void;
}

/** Table names in an order where every table comes after the tables it references. */
async function tablesInDependencyOrder(c: PoolClient): Promise<string[]> {
  const tables = (
    await c.query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('schema_migrations', 'rate_limits') ORDER BY 1",
    )
  ).rows.map((r) => r.t);
  const deps = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  const fks = await c.query<{ child: string; parent: string }>(
    `SELECT cl.relname AS child, pcl.relname AS parent FROM pg_constraint k
     JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pcl ON pcl.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
  for (const { child, parent } of fks.rows) if (child !== parent) deps.get(child)?.add(parent);
  const ordered: string[] = [];
  const done = new Set<string>();
  const visit = (t: string, path: string[]) => {
    if (done.has(t)) return;
    if (path.includes(t)) throw new Error(`foreign keys form a cycle: ${[...path, t].join(' → ')}`);
    for (const p of deps.get(t) ?? []) visit(p, [...path, t]);
    done.add(t);
    ordered.push(t);
  };
  tables.forEach((t) => visit(t, []));
  return ordered;
}

export async function copySqliteToPostgres(opts: CopyOptions): Promise<CopyReport> {
  const log = opts.log ?? (() => {});
  // Opening through the store brings the file to the latest SQLite schema and seals old events.
  const source = new SqliteStore({ file: opts.sqliteFile });
  const target = await PgStore.open({ connectionString: opts.databaseUrl, schema: opts.schema, poolSize: 2 });
  const client = await target.pool.connect();
  try {
    const sqliteTables = (
      source.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter((t) => !isSqliteInternal(t) && !(t in NOT_COPIED));
    const order = await tablesInDependencyOrder(client);
    const missing = sqliteTables.filter((t) => !order.includes(t));
    if (missing.length) throw new Error(`no PostgreSQL table for: ${missing.join(', ')} (add it to db/migrations-pg first)`);

    for (const t of order) {
      const n = Number((await client.query(`SELECT COUNT(*) AS n FROM ${ident(t)}`)).rows[0].n);
      if (n > 0) throw new Error(`the PostgreSQL database is not empty (${t} has ${n} rows); copy only into a new database`);
    }

    await client.query('BEGIN');
    const report: CopyReport = { tables: [] };
    for (const table of order) {
      if (!sqliteTables.includes(table)) continue;
      const pgColumns = (
        await client.query<{ c: string }>(
          'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
          [table],
        )
      ).rows.map((r) => r.c);
      const sqliteColumns = new Set((source.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name));
      const searchColumns = table === 'bulletin_entries' ? ['search_text', 'search_grams'] : [];
      const columns = pgColumns.filter((c) => sqliteColumns.has(c) || searchColumns.includes(c));
      const sql = SOURCE_QUERIES[table] ?? `SELECT * FROM ${ident(table)}`;
      const batchSize = Math.max(1, Math.floor(30_000 / columns.length));
      let batch: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (!batch.length) return;
        const params: unknown[] = [];
        const tuples = batch.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
        await client.query(`INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${tuples.join(', ')}`, params);
        copied += batch.length;
        batch = [];
      };
      for (const row of source.db.prepare(sql).iterate() as Iterable<Record<string, unknown>>) {
        let values: Record<string, unknown> = row;
        if (table === 'bulletin_entries') {
          const doc = bulletinSearchDoc({
            itemName: row.item_name_for_search as string,
            applicantName: row.applicant_name as string,
            projectName: (row.project_name as string | null) ?? null,
            decisionNo: row.decision_no as string,
          });
          values = { ...row, search_text: doc.text, search_grams: doc.grams };
        }
        batch.push(columns.map((c) => values[c] ?? null));
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      const expected = (source.db.prepare(`SELECT COUNT(*) AS n FROM ${ident(table)}`).get() as { n: number }).n;
      const actual = Number((await client.query(`SELECT COUNT(*) AS n FROM ${ident(table)}`)).rows[0].n);
      if (actual !== expected || copied !== expected) {
        throw new Error(`row counts differ for ${table}: SQLite ${expected}, PostgreSQL ${actual}`);
      }
      if (pgColumns.includes('id')) {
        const identity = (
          await client.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [ident(table), 'id'])
        ).rows[0].seq;
        if (identity) {
          await client.query(`SELECT setval($1, COALESCE((SELECT MAX(id) FROM ${ident(table)}), 0) + 1, false)`, [identity]);
        }
      }
      report.tables.push({ table, rows: actual });
      log(`${table.padEnd(28)} ${String(actual).padStart(9)} rows`);
    }
    await client.query('COMMIT');
    // Fresh statistics, so the planner knows the tables are no longer empty.
    await client.query('ANALYZE');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    await target.close();
    await source.close();
  }
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
