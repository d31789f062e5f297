import { customAlphabet } from 'nanoid';
import { createApp } from './app';
import { ConfigError, DEFAULT_DEMO_PASSWORD, loadConfig } from './config';
import { loadDemoData } from './demo/load-demo';
import { QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from './domain/query-number';
import { resolveSessionSecret } from './services/auth';
import { systemClock } from './services/deps';
import { verifyPassword } from './services/passwords';
import type { Store } from './store/store';
import { SqliteStore } from './store/sqlite/sqlite-store';

/** In production, no account may still carry the published demo password. */
async function assertNoDefaultDemoPasswords(store: Store): Promise<void> {
  for (const s of await store.listDemoStaff()) {
    if (s.active && (await verifyPassword(DEFAULT_DEMO_PASSWORD, s.passwordHash))) {
      throw new ConfigError(
        `Demo account "${s.username}" still has the demo password; change it (or disable the account) before running with NODE_ENV=production.`,
      );
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const store = new SqliteStore({ file: config.databaseFile });
  const randomQueryBody = customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH);
  if (config.demoData && (await store.isEmpty())) {
    await loadDemoData({ store, clock: systemClock, config, randomQueryBody }, config.demoPassword);
    console.log('Loaded demo data into an empty database.');
  }
  if (config.env === 'production') await assertNoDefaultDemoPasswords(store);
  const sessionSecret = await resolveSessionSecret(store, config.sessionSecret);
  const app = createApp({ store, config, sessionSecret, randomQueryBody });
  const server = app.listen(config.port, config.host, () => {
    console.log(`办件通 listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`);
  });
  server.on('error', (err) => {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  const shutdown = () => {
    server.close(() => {
      void store.close().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Start-up failed:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
