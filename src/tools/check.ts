import { loadConfig } from '../config';
import { checkSqliteIntegrity } from '../store/sqlite/maintenance';
import { openSqliteDatabase } from '../store/sqlite/sqlite-store';

/** npm run check: SQLite integrity, foreign keys and the domain invariants; exit 1 on any problem. */
function main(): void {
  const config = loadConfig();
  const db = openSqliteDatabase(config.databaseFile);
  try {
    const problems = checkSqliteIntegrity(db);
    for (const p of problems) console.log(`${p.check}: ${p.detail}`);
    console.log(problems.length === 0 ? 'All checks passed.' : `${problems.length} problem(s) found.`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    db.close();
  }
}

main();
