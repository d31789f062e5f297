import { Router } from 'express';
import type { WebContext } from '../app';
import { NotFoundError } from '../domain/errors';
import { parseQueryNo, QUERY_NO_ALPHABET } from '../domain/query-number';
import { lookupCase } from '../services/public-view';
import { rateLimit } from './rate-limit';

const KEYS = [...QUERY_NO_ALPHABET];

/** The hall terminal: summary tier only, no links out of /kiosk, back to the start after 60 s. */
export function kioskRoutes(ctx: WebContext): Router {
  const router = Router();
  const home = (message: string | null, queryInput = '') => ({ title: '办件查询', keys: KEYS, message, queryInput });

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/', (_req, res) => {
    res.render('kiosk/home', home(null));
  });

  router.get('/lookup', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const raw = typeof req.query.no === 'string' ? req.query.no.slice(0, 40) : '';
    const parsed = parseQueryNo(raw);
    if (!parsed.ok) {
      res.status(400).render('kiosk/home', home(raw.trim() ? '查询号有误，请核对后重新输入' : '请输入查询号', raw));
      return;
    }
    try {
      const view = await lookupCase(ctx.deps, parsed.queryNo);
      res.render('kiosk/result', { title: '查询结果', view });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      res.status(404).render('kiosk/home', home('未查询到该办件，请核对查询号', raw));
    }
  });

  return router;
}
