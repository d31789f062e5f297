import fs from 'node:fs';
import { copySqliteToPostgres } from '../store/postgres/copy-from-sqlite';

/**
 * npm run migrate-to-postgres -- <sqlite file> <DATABASE_URL>: with the server stopped, copies
 * every table into a new (empty) PostgreSQL database and checks each table's row count.
 */
async function main(): Promise<void> {
  const [file, url] = process.argv.slice(2);
  if (!file || !url) {
    console.error('Usage: npm run migrate-to-postgres -- <sqlite file> <postgres://user:password@host:5432/database>');
    process.exit(2);
  }
  if (!fs.existsSync(file)) {
    console.error(`No such SQLite file: ${file}`);
    process.exit(2);
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    console.error('The second argument must be a postgres:// URL');
    process.exit(2);
  }
  const report = await copySqliteToPostgres({ sqliteFile: file, databaseUrl: url, log: (l) => console.log(l) });
  const total = report.tables.reduce((n, t) => n + t.rows, 0);
  console.log(`Copied ${report.tables.length} tables, ${total} rows; every table's count matches. Start the app with DATABASE_URL set.`);
}

main().catch((err) => {
  console.error(`Migration failed, nothing was committed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
