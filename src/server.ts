import { ConfigError, loadConfig } from './config';
import { recomputeOpenClocks } from './services/clock';
import { enqueueSupplementReminders } from './services/notify/reminders';
import { prepareApp } from './start';
import { compactSearchIndex } from './services/bulletin';

const HOUR = 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { store, calendars, app, demoLoaded, visits, live, outbox, deps } = await prepareApp(config);
  outbox?.start();
  let stopping = false;
  // Open pauses grow with the days; keep stored clocks current without an event.
  setInterval(() => {
    recomputeOpenClocks(store, calendars, new Date()).catch((err) => console.error('Clock recompute failed:', err));
    compactSearchIndex(store).catch((err) => console.error('Search index upkeep failed:', err));
    enqueueSupplementReminders(deps).catch((err) => console.error('Supplement reminders failed:', err));
  }, HOUR).unref();
  if (demoLoaded) console.log('Loaded demo data into an empty database.');
  const server = app.listen(config.port, config.host, () => {
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    console.log(`办件通 listening on http://${shown}:${config.port}`);
    // Days passed while stopped, and search-index upkeep: in the background (batches, yielding to
    // requests), not before listening.
    const started = Date.now();
    (async () => {
      const saved = await recomputeOpenClocks(store, calendars, new Date());
      const steps = await compactSearchIndex(store);
      console.log(`Start-up upkeep done in ${Date.now() - started} ms: ${saved} clocks changed, ${steps} search-index merge steps.`);
    })().catch((err) => {
      // Stopping closes the database under a batch still to come: not a failure.
      if (!stopping) console.error('Start-up upkeep failed:', err);
    });
  });
  server.on('error', (err) => {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  const shutdown = () => {
    stopping = true;
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
