import { loadConfig } from '../config';
import { backupSqlite } from '../store/sqlite/maintenance';

/** npm run backup -- <file>: an online backup of DATABASE_FILE, safe while the server runs. */
async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) throw new Error('usage: npm run backup -- <backup file>');
  const config = loadConfig();
  await backupSqlite(config.databaseFile, target);
  console.log(`Backed up ${config.databaseFile} to ${target}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
