import { Router } from 'express';
import type { WebContext } from '../app';
import { NotFoundError } from '../domain/errors';
import { parseQueryNo, formatQueryNo } from '../domain/query-number';
import { allowedNextStages } from '../domain/stages';
import { latestBulletin, NO_SEARCH } from '../services/bulletin';
import { lookupCase } from '../services/cases';
import type { VisitCounter } from '../services/visit-counter';
import { bulletinRoutes } from './bulletin-routes';
import { rateLimit } from './rate-limit';
import { countPageViews } from './visit-tracking';

export function publicRoutes(ctx: WebContext, visits: VisitCounter): Router {
  const { deps } = ctx;
  const router = Router();
  router.use(countPageViews(visits));

  router.get('/', async (_req, res) => {
    const [latest, items, departments, visitCount] = await Promise.all([
      latestBulletin(deps, NO_SEARCH, 6),
      deps.store.listItems({ inForceOnly: true }),
      deps.store.listDepartments(),
      visits.total(),
    ]);
    res.render('public/home', {
      title: '首页',
      latest,
      items,
      departments,
      queryInput: '',
      visitCount,
      feeds: [{ title: '许可结果公告（全部）', href: '/bulletin/feed.atom' }],
    });
  });

  router.get('/lookup', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const raw = typeof req.query.no === 'string' ? req.query.no : '';
    if (raw.trim() === '') {
      res.status(400).render('public/lookup-invalid', { title: '请输入查询号', queryInput: '', problem: 'empty' });
      return;
    }
    const parsed = parseQueryNo(raw);
    if (!parsed.ok) {
      res.status(400).render('public/lookup-invalid', {
        title: '查询号有误',
        queryInput: raw.slice(0, 40),
        problem: parsed.problem,
      });
      return;
    }
    try {
      const view = await lookupCase(deps, parsed.queryNo);
      res.set('Cache-Control', 'no-store');
      res.render('public/lookup', {
        title: `办件查询 ${formatQueryNo(view.queryNo)}`,
        view,
        queryInput: formatQueryNo(view.queryNo),
        finished: allowedNextStages(view.stage).length === 0,
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      res.status(404).render('public/lookup-not-found', {
        title: '未查询到办件',
        queryInput: formatQueryNo(parsed.queryNo),
      });
    }
  });

  router.use(bulletinRoutes(ctx));

  return router;
}
