import { ConfigError, loadConfig } from './config';
import { recomputeOpenClocks } from './services/clock';
import { enqueueSupplementReminders } from './services/notify/reminders';
import { expireSupplements, recomputeRequestDueDates } from './services/disclosure-requests';
import { prepareApp } from './start';

const HOUR = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { store, calendars, app, demoLoaded, visits, live, outbox, deps } = await prepareApp(config);
  outbox?.start();
  // Open pauses grow with the days; keep stored clocks current without an event.
  setInterval(() => {
    recomputeOpenClocks(store, calendars, new Date()).catch((err) => console.error('Clock recompute failed:', err));
    enqueueSupplementReminders(deps).catch((err) => console.error('Supplement reminders failed:', err));
    // 依申请公开: a 补正 deadline that passed closes the request as 视为放弃 (条例第三十条).
    expireSupplements(deps)
      .then(() => recomputeRequestDueDates(deps))
      .catch((err) => console.error('Disclosure request clocks failed:', err));
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
  const shutdown = () => {
    live.closeAll();
    server.close(() => {
      void Promise.all([visits.flush(), outbox?.stop()])
        .catch((err) => console.error('Shutdown could not finish pending work:', err))
        .finally(() => store.close())
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
