import { ConfigError, loadConfig } from './config';
import { recomputeOpenClocks } from './services/clock';
import { enqueueSupplementReminders } from './services/notify/reminders';
import { prepareApp } from './start';

const HOUR = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { store, calendars, app, demoLoaded, visits, live, outbox, deps, logger } = await prepareApp(config);
  outbox?.start();
  // Open pauses grow with the days; keep stored clocks current without an event.
  setInterval(() => {
    recomputeOpenClocks(store, calendars, new Date()).catch((err) => logger.error({ err }, 'clock recompute failed'));
    enqueueSupplementReminders(deps).catch((err) => logger.error({ err }, 'supplement reminders failed'));
  }, HOUR).unref();
  if (demoLoaded) logger.info('loaded demo data into an empty database');
  const server = app.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    logger.info(`办件通 listening on http://${shown}:${config.port}`);
  });
  server.on('error', (err) => {
    logger.fatal(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
    logger.flush(() => process.exit(1));
  });
  const shutdown = () => {
    live.closeAll();
    server.close(() => {
      void Promise.all([visits.flush(), outbox?.stop()])
        .catch((err) => logger.error({ err }, 'shutdown could not finish pending work'))
        .finally(() => store.close())
        .finally(() => new Promise<void>((resolve) => logger.flush(() => resolve())))
        .then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Start-up failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
