import { ConfigError, loadConfig } from './config';
import { recomputeOpenClocks } from './services/clock';
import { enqueueSupplementReminders } from './services/notify/reminders';
import { ScheduledBackups } from './services/scheduled-backup';
import { systemClock } from './services/deps';
import { gracefulShutdown } from './shutdown';
import { prepareApp } from './start';
import { backupSqliteInWorker } from './store/sqlite/maintenance';

const HOUR = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { store, calendars, app, demoLoaded, visits, live, outbox, deps } = await prepareApp(config);
  outbox?.start();
  const backups = config.backup
    ? new ScheduledBackups(config.backup, (target) => backupSqliteInWorker(config.databaseFile, target), systemClock, (m) => console.error(m))
    : null;
  backups?.start();
  // Open pauses grow with the days; keep stored clocks current without an event.
  const hourly = setInterval(() => {
    recomputeOpenClocks(store, calendars, new Date()).catch((err) => console.error('Clock recompute failed:', err));
    enqueueSupplementReminders(deps).catch((err) => console.error('Supplement reminders failed:', err));
  }, HOUR).unref();
  if (demoLoaded) console.log('Loaded demo data into an empty database.');
  const server = app.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    console.log(`办件通 listening on http://${shown}:${config.port}`);
  });
  server.on('error', (err) => {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  const shutdown = gracefulShutdown({
    server,
    endStreams: () => live.closeAll(),
    flush: async () => {
      clearInterval(hourly);
      await Promise.all([visits.flush(), outbox?.stop(), backups?.stop()]);
    },
    close: () => store.close(),
    timeoutMs: config.shutdownTimeoutMs,
    exit: (code) => process.exit(code),
    log: (m) => console.log(m),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Start-up failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
