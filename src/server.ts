import { ConfigError, loadConfig } from './config';
import { recomputeOpenClocks } from './services/clock';
import { enqueueSupplementReminders } from './services/notify/reminders';
import { ScheduledBackups } from './services/scheduled-backup';
import { systemClock } from './services/deps';
import { gracefulShutdown } from './shutdown';
import { expireSupplements, recomputeRequestDueDates } from './services/disclosure-requests';
import { prepareApp } from './start';
import { backupSqliteInWorker } from './store/sqlite/maintenance';
import { SqliteStore } from './store/sqlite/sqlite-store';
import { compactSearchIndex } from './services/bulletin';

const HOUR = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { store, calendars, app, demoLoaded, visits, live, outbox, deps, logger } = await prepareApp(config);
  outbox?.start();
  if (store instanceof SqliteStore) {
    store.startBackgroundCheckpoints({ onError: (message) => logger.error(`WAL checkpoint failed: ${message}`) });
  }
  const backups = config.backup
    ? new ScheduledBackups(config.backup, (target) => backupSqliteInWorker(config.databaseFile, target), systemClock, (m) => logger.error(m))
    : null;
  backups?.start();
  let stopping = false;
  // Open pauses grow with the days; keep stored clocks current without an event.
  const hourly = setInterval(() => {
    recomputeOpenClocks(store, calendars, new Date()).catch((err) => logger.error({ err }, 'clock recompute failed'));
    compactSearchIndex(store).catch((err) => logger.error({ err }, 'search index upkeep failed'));
    enqueueSupplementReminders(deps).catch((err) => logger.error({ err }, 'supplement reminders failed'));
    // 依申请公开: a 补正 deadline that passed closes the request as 视为放弃 (条例第三十条).
    expireSupplements(deps)
      .then(() => recomputeRequestDueDates(deps))
      .catch((err) => logger.error({ err }, 'disclosure request clocks failed'));
  }, HOUR).unref();
  if (demoLoaded) logger.info('loaded demo data into an empty database');
  const server = app.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    logger.info(`办件通 listening on http://${shown}:${config.port}`);
    // Days passed while stopped, and search-index upkeep: in the background (batches, yielding to
    // requests), not before listening.
    const started = Date.now();
    (async () => {
      const saved = await recomputeOpenClocks(store, calendars, new Date());
      const steps = await compactSearchIndex(store);
      logger.info(`start-up upkeep done in ${Date.now() - started} ms: ${saved} clocks changed, ${steps} search-index merge steps.`);
    })().catch((err) => {
      // Stopping closes the database under a batch still to come: not a failure.
      if (!stopping) logger.error({ err }, 'start-up upkeep failed');
    });
  });
  server.on('error', (err) => {
    logger.fatal(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
    logger.flush(() => process.exit(1));
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
    // Let pino write what it buffered before the process ends.
    exit: (code) => logger.flush(() => process.exit(code)),
    log: (m) => logger.info(m),
  });
  const onSignal = (signal: string) => {
    stopping = true;
    shutdown(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Start-up failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
