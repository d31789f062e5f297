import express from 'express';
import { customAlphabet } from 'nanoid';
import type { Config } from './config';
import { beijingDate, beijingDateTime, chineseDate } from './domain/beijing-time';
import { FILE_SLOT_LABELS, ITEM_CHANGE_LABELS, LAW_STATUS_LABELS, AUDIT_ENTITY_LABELS } from './domain/catalog';
import { ROLE_LABELS } from './domain/model';
import { EVALUATION_LEVEL_LABELS, formatRate, SCORE_DIMENSION_LABELS } from './domain/evaluation';
import { formatQueryNo, QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from './domain/query-number';
import { CLOCK_KIND_LABELS, CLOCK_STATUS_LABELS } from './domain/deadlines';
import { STAGE_LABELS, STAGE_PUBLIC_TEXT } from './domain/stages';
import { PUBLIC_DIR, VIEWS_DIR } from './paths';
import { createLogger, requestLogging, type Logger } from './logging';
import { AuthService } from './services/auth';
import { CalendarService } from './services/clock';
import { LocalCaseUpdateBus, type CaseUpdateBus } from './services/live-updates';
import { LiveConnections, liveRoutes } from './web/live-routes';
import { kioskRoutes } from './web/kiosk-routes';
import { DOCUMENT_TITLES } from './services/documents';
import { formatBytes } from './services/files';
import { systemClock, type Clock, type Deps } from './services/deps';
import { VisitCounter } from './services/visit-counter';
import type { Store } from './store/store';
import { apiRoutes } from './web/api-routes';
import { buildManifest, staticAssets, type AssetManifest } from './web/assets';
import { catalogRoutes } from './web/catalog-routes';
import { errorHandler, notFound } from './web/errors';
import { evaluationRoutes } from './web/evaluation-routes';
import { disclosureRoutes } from './web/disclosure-routes';
import { DISCLOSURE_ACTION_LABELS, DISCLOSURE_STATUS_LABELS } from './domain/disclosure';
import { publicRoutes } from './web/public-routes';
import { RateLimiter, type Limiter } from './web/rate-limit';
import { securityHeaders } from './web/security';
import { staffRoutes } from './web/staff-routes';

export interface AppDeps {
  store: Store;
  config: Config;
  sessionSecret: string;
  clock?: Clock;
  randomQueryBody?: () => string;
  calendars?: CalendarService;
  updates?: CaseUpdateBus;
  liveConnections?: LiveConnections;
  /** Errors outside a request (the visit counter); defaults to the logger. */
  log?: (err: unknown) => void;
  /**
   * Makes the rate limiters; default in memory. With several instances (PostgreSQL) a shared one,
   * so a limit holds across instances. `name` keeps each limiter's keys apart.
   */
  limiters?: (name: string, limit: number, windowMs: number) => Limiter;
  /** The structured logger; by default one at config.logLevel writing to stdout. */
  logger?: Logger;
  /** The site visit counter; pass one in to flush it on shutdown (see start.ts). */
  visitCounter?: VisitCounter;
  /** Content hashes of public/ (default: hashed here, once per app). */
  assets?: AssetManifest;
}

export interface WebContext {
  deps: Deps;
  auth: AuthService;
  config: Config;
  lookupLimiter: Limiter;
  loginLimiter: Limiter;
  /** Phone-digit checks of the detail tier, per client IP and per case, like logins. */
  detailLimiter: Limiter;
  secret: string;
  /** 好差评 attempts, keyed per client IP and per case: 10 per 15 minutes each. */
  evaluationLimiter: Limiter;
  /** Public 依申请公开 submissions per client IP per hour. */
  requestLimiter: Limiter;
  /** Logs a request's server error (with the request's logger, so its id). */
  logRequestError: (err: unknown, res: express.Response) => void;
}

export function createApp(appDeps: AppDeps): express.Express {
  const { store, config } = appDeps;
  const clock = appDeps.clock ?? systemClock;
  const deps: Deps = {
    store,
    clock,
    config,
    randomQueryBody: appDeps.randomQueryBody ?? customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH),
    calendars: appDeps.calendars ?? new CalendarService(store),
    updates: appDeps.updates ?? new LocalCaseUpdateBus(),
  };
  const live = appDeps.liveConnections ?? new LiveConnections(config.liveLimits);
  const production = config.env === 'production';
  const logger = appDeps.logger ?? createLogger(config.logLevel);
  const log = appDeps.log ?? ((err: unknown) => logger.error({ err }, 'background task failed'));
  const assets = appDeps.assets ?? buildManifest(PUBLIC_DIR);
  const visits = appDeps.visitCounter ?? new VisitCounter(store, clock, undefined, log);
  const limiter = appDeps.limiters ?? ((_name: string, limit: number, windowMs: number) => new RateLimiter(limit, windowMs));
  const ctx: WebContext = {
    deps,
    config,
    auth: new AuthService(store, clock, appDeps.sessionSecret),
    lookupLimiter: limiter('lookup', config.lookupRateLimit, 60_000),
    // A flood guard only: failed logins are counted per account and per address in the database.
    loginLimiter: limiter('login', 60, 15 * 60_000),
    detailLimiter: limiter('detail', config.loginRateLimit, 15 * 60_000),
    secret: appDeps.sessionSecret,
    evaluationLimiter: limiter('evaluation', 10, 15 * 60_000),
    requestLimiter: limiter('request', config.requestRateLimit, 60 * 60_000),
    logRequestError: (err, res) => ((res.locals.log as Logger | undefined) ?? logger).error({ err }, 'request failed'),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', config.env !== 'development');
  // Includes are written from the views root ('/partials/head'): EJS resolves a relative include with a
  // file-system check on every render, an absolute one against `root` without touching the disk.
  app.set('view options', { root: VIEWS_DIR });
  app.set('etag', false);
  Object.assign(app.locals, {
    asset: assets.asset,
    formatQueryNo,
    beijingDate,
    beijingDateTime,
    chineseDate,
    STAGE_LABELS,
    CLOCK_STATUS_LABELS,
    CLOCK_KIND_LABELS,
    DOCUMENT_TITLES,
    STAGE_PUBLIC_TEXT,
    ROLE_LABELS,
    ITEM_CHANGE_LABELS,
    LAW_STATUS_LABELS,
    FILE_SLOT_LABELS,
    AUDIT_ENTITY_LABELS,
    formatBytes,
    EVALUATION_LEVEL_LABELS,
    SCORE_DIMENSION_LABELS,
    formatRate,
    DISCLOSURE_STATUS_LABELS,
    DISCLOSURE_ACTION_LABELS,
    siteName: '网上办事大厅',
    centerName: config.centerName,
  });

  app.use(requestLogging(logger, config.accessLog));
  app.use(securityHeaders(production));
  app.use('/static', staticAssets(PUBLIC_DIR, assets, production));
  app.get('/healthz', async (_req, res) => {
    await store.ping();
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.use('/api/v1', apiRoutes(ctx));
  app.use('/staff', staffRoutes(ctx));
  app.use(liveRoutes(ctx, deps.updates as CaseUpdateBus, live));
  app.use('/kiosk', kioskRoutes(ctx));
  app.use(catalogRoutes(ctx));
  app.use(evaluationRoutes(ctx));
  app.use(disclosureRoutes(ctx, visits));
  app.use(publicRoutes(ctx, visits));
  app.use(notFound);
  app.use(errorHandler(ctx.logRequestError));
  return app;
}
