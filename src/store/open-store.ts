import type { Config } from '../config';
import { PgStore } from './postgres/pg-store';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** DATABASE_URL set: PostgreSQL (migrated under an advisory lock); else the SQLite file. */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'databaseFile' | 'databasePoolSize'>): Promise<Store> {
  if (config.databaseUrl) return PgStore.open({ connectionString: config.databaseUrl, poolSize: config.databasePoolSize });
  return new SqliteStore({ file: config.databaseFile });
}
