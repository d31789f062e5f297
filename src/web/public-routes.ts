import { Router } from 'express';
import type { WebContext } from '../app';
import { AppError, NotFoundError } from '../domain/errors';
import { parseQueryNo, formatQueryNo } from '../domain/query-number';
import { allowedNextStages } from '../domain/stages';
import { listBulletinPage } from '../services/bulletin';
import { lookupCase } from '../services/cases';
import { searchCatalog } from '../services/catalog';
import { rateLimit } from './rate-limit';
import { pageQuerySchema, parseInput } from './schemas';
import { pagination } from './view-helpers';

const BULLETIN_PAGE_SIZE = 20;

export function publicRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();

  router.get('/', async (_req, res) => {
    const [latest, catalog, changes] = await Promise.all([
      listBulletinPage(deps, 1, 6),
      searchCatalog(deps, { q: '', page: 1, pageSize: 1 }),
      deps.store.listItemChanges({ limit: 5, offset: 0 }),
    ]);
    res.render('public/home', {
      title: '首页',
      latest: latest.rows,
      departments: catalog.byDepartment,
      itemTotal: catalog.total,
      changes: changes.rows,
      queryInput: '',
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

  router.get('/bulletin', async (req, res) => {
    const { page } = parseInput(pageQuerySchema, req.query);
    const result = await listBulletinPage(deps, page, BULLETIN_PAGE_SIZE);
    res.render('public/bulletin', {
      title: '许可结果公告',
      entries: result.rows,
      total: result.total,
      pager: pagination(page, BULLETIN_PAGE_SIZE, result.total, '/bulletin'),
    });
  });

  router.get('/bulletin/:id', async (req, res) => {
    const id = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该公告');
    const entry = await deps.store.findBulletinEntry(id);
    if (!entry) throw new AppError(404, 'not_found', '未找到该公告');
    res.render('public/bulletin-entry', { title: `许可结果 ${entry.decisionNo}`, entry });
  });

  return router;
}
