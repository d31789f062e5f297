import { loadConfig } from '../config';
import { restoreSqlite } from '../store/sqlite/maintenance';

/** npm run restore -- <file>: with the server stopped, replaces DATABASE_FILE by a checked backup. */
function main(): void {
  const source = process.argv[2];
  if (!source) throw new Error('usage: npm run restore -- <backup file>   (stop the server first)');
  const config = loadConfig();
  const problems = restoreSqlite(source, config.databaseFile);
  if (problems.length > 0) {
    for (const p of problems) console.error(`${p.check}: ${p.detail}`);
    throw new Error('The backup failed its checks; nothing was restored.');
  }
  console.log(`Restored ${config.databaseFile} from ${source} (the previous file is kept as .before-restore)`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
