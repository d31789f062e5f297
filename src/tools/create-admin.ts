import { loadConfig } from '../config';
import { passwordProblem } from '../domain/password-policy';
import { hashPassword } from '../services/passwords';
import { SqliteStore } from '../store/sqlite/sqlite-store';

/**
 * npm run create-admin -- <username> [display name]: the first administrator of a new installation
 * (DEMO_DATA=off), or a new password for an existing one. The password comes from ADMIN_PASSWORD,
 * never from the command line (shell history).
 */
async function main(): Promise<void> {
  const [username, displayName = '系统管理员'] = process.argv.slice(2);
  const password = process.env.ADMIN_PASSWORD ?? '';
  if (!username || !/^[a-z][a-z0-9_.-]{2,29}$/.test(username)) {
    throw new Error('usage: ADMIN_PASSWORD=... npm run create-admin -- <username> [display name]');
  }
  const problem = passwordProblem(password, username);
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  const config = loadConfig();
  const store = new SqliteStore({ file: config.databaseFile });
  try {
    const existing = await store.findStaffByUsername(username);
    const hash = await hashPassword(password);
    if (existing) {
      if (existing.role !== 'admin') throw new Error(`"${username}" exists and is not an administrator`);
      await store.setStaffPassword(existing.id, hash, { staffId: existing.id, at: new Date().toISOString() });
      console.log(`Set a new password for administrator "${username}".`);
    } else {
      await store.createStaff({ username, displayName, role: 'admin', departmentId: null, windowId: null, passwordHash: hash, isDemo: false });
      console.log(`Created administrator "${username}".`);
    }
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
