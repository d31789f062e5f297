import type { Pool } from 'pg';
import { readMigrations } from '../migrate';

/** Any fixed number: every instance of the app takes the same lock before migrating. */
export const MIGRATION_LOCK_KEY = 0x62_6a_74_6d; // 'bjtm'

/**
 * Applies the migrations not yet recorded in schema_migrations, in one transaction, holding a
 * session advisory lock: instances starting together wait for the first, then find nothing to do.
 */
export async function migratePostgres(pool: Pool, dir: string, schema?: string): Promise<number[]> {
  const migrations = readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('BEGIN');
      // The pool's search_path names the schema first; created here, under the lock, when missing.
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER CONSTRAINT schema_migrations_pk PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      const pending = migrations.filter((m) => !applied.has(m.version));
      for (const m of pending) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      }
      await client.query('COMMIT');
      return pending.map((m) => m.version);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
