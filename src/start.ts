import crypto from 'node:crypto';
import type { Express } from 'express';
import { customAlphabet } from 'nanoid';
import { createApp } from './app';
import { ConfigError, DEFAULT_DEMO_PASSWORD, type Config } from './config';
import { loadDemoData } from './demo/load-demo';
import { loadDemoReport } from './demo/demo-report';
import { QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from './domain/query-number';
import { resolveSessionSecret } from './services/auth';
import { CalendarService, recomputeOpenClocks } from './services/clock';
import { expireSupplements, recomputeRequestDueDates } from './services/disclosure-requests';
import { LiveConnections } from './web/live-routes';
import { renderReportHtml } from './web/report-csv';
import type { Deps } from './services/deps';
import { OutboxWorker } from './services/notify/outbox-worker';
import { createSmtpTransport } from './services/notify/smtp-transport';
import { systemClock, type Clock } from './services/deps';
import { VisitCounter } from './services/visit-counter';
import { verifyPassword } from './services/passwords';
import type { Store } from './store/store';
import { createLogger, type Logger } from './logging';
import { openStore } from './store/open-store';
import { PgStore } from './store/postgres/pg-store';
import { PgNotifyBus, PgRateLimiter } from './store/postgres/pg-shared';
import type { Limiter } from './web/rate-limit';
import type { CaseUpdateBus } from './services/live-updates';

const DEMO_LOCK_KEY = 0x62_6a_74_64; // 'bjtd'

const DEMO_CHECK_SETTING = 'demo_password_check';

/**
 * In production, no account may still carry the published demo password. Each check is a scrypt
 * (tens of ms, most of start-up with a dozen demo accounts), so a passed check is remembered by a
 * digest of exactly what it looked at (the default password and the active demo accounts' hashes):
 * any changed hash, account or default password means checking again.
 */
async function assertNoDefaultDemoPasswords(store: Store): Promise<void> {
  const active = (await store.listDemoStaff()).filter((s) => s.active);
  const digest = crypto
    .createHash('sha256')
    .update(JSON.stringify([DEFAULT_DEMO_PASSWORD, ...active.map((s) => [s.id, s.passwordHash])]))
    .digest('hex');
  if ((await store.getSetting(DEMO_CHECK_SETTING)) === digest) return;
  for (const s of active) {
    if (await verifyPassword(DEFAULT_DEMO_PASSWORD, s.passwordHash)) {
      throw new ConfigError(
        `Demo account "${s.username}" still has the default demo password; change it or disable the account before running with NODE_ENV=production.`,
      );
    }
  }
  await store.putSetting(DEMO_CHECK_SETTING, digest);
}

/**
 * Opens and migrates the database, loads demo data if asked, and builds the app. `visits` holds
 * page views not yet written: on shutdown, `await visits.flush()` before `store.close()`.
 * `clock` is the real one unless a test pins the date (the demo's dates are relative to it).
 */
export async function prepareApp(
  config: Config,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<{
  store: Store;
  calendars: CalendarService;
  app: Express;
  demoLoaded: boolean;
  visits: VisitCounter;
  live: LiveConnections;
  /** Delivers notifications; null when SMTP is not configured. */
  outbox: OutboxWorker | null;
  deps: Deps;
  logger: Logger;
}> {
  const store = await openStore(config);
  try {
    const randomQueryBody = customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH);
    const calendars = new CalendarService(store);
    const loadDemoIfEmpty = async () => {
      if (!config.demoData || !(await store.isEmpty())) return false;
      await loadDemoData({ store, clock, config, randomQueryBody, calendars }, config.demoPassword);
      return true;
    };
    // Instances starting together on an empty PostgreSQL database: only the first loads the demo.
    const demoLoaded = store instanceof PgStore ? await store.withAdvisoryLock(DEMO_LOCK_KEY, loadDemoIfEmpty) : await loadDemoIfEmpty();
    // Clocks of rows that predate them (normally none) before serving; catching up with the days
    // passed while stopped is server.ts's job once listening, as the hourly recompute does.
    await recomputeOpenClocks(store, calendars, clock.now(), { pendingOnly: true });
    if (config.env === 'production') await assertNoDefaultDemoPasswords(store);
    const sessionSecret = await resolveSessionSecret(store, config.sessionSecret);
    const visits = new VisitCounter(store, clock, undefined, (err) => logger.error({ err }, 'visit counter'));
    const live = new LiveConnections(config.liveLimits);
    const logger = createLogger(config.logLevel);
    const outbox = config.smtp
      ? new OutboxWorker(store, [createSmtpTransport(config.smtp)], clock, { log: (m) => logger.warn(m) })
      : null;
    // PostgreSQL: several instances may serve; live updates and rate limits are shared through it.
    let updates: CaseUpdateBus | undefined;
    let limiters: ((name: string, limit: number, windowMs: number) => Limiter) | undefined;
    if (store instanceof PgStore) {
      const bus = await PgNotifyBus.start(store.pool);
      store.onClose(() => bus.close());
      updates = bus;
      limiters = (name, limit, windowMs) => new PgRateLimiter(store.pool, name, limit, windowMs);
    }
    const deps: Deps = { store, clock, config, randomQueryBody, calendars, updates };
    // 依申请公开: 补正 deadlines that passed while the server was down, and due dates left 待定.
    await expireSupplements(deps);
    await recomputeRequestDueDates(deps);
    const app = createApp({
      store,
      config,
      sessionSecret,
      clock,
      randomQueryBody,
      calendars,
      visitCounter: visits,
      liveConnections: live,
      updates,
      limiters,
      logger,
    });
    if (demoLoaded) await loadDemoReport(deps, (model) => renderReportHtml(app, model, `/disclosure/reports/${model.year}`));
    return {
      store,
      calendars,
      app,
      demoLoaded,
      visits,
      live,
      outbox,
      deps,
      logger,
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
