import { Router, type Request } from 'express';
import type { WebContext } from '../app';
import { AppError } from '../domain/errors';
import { DISCLOSURE_METHOD_LABEL } from '../domain/disclosure';
import { disclosureCatalog, findPublishedDisclosure } from '../services/disclosure';
import type { VisitCounter } from '../services/visit-counter';
import { catalogQuerySchema } from './disclosure-schemas';
import { pagination } from './view-helpers';
import { countPageViews } from './visit-tracking';
import { disclosureRequestRoutes } from './disclosure-request-routes';

const PAGE_SIZE = 20;

/** 政府信息公开专栏 (国办公开办函〔2019〕61号: one uniform column): catalog, entries, 公开指南. */
export function disclosureRoutes(ctx: WebContext, visits: VisitCounter): Router {
  const { deps, config } = ctx;
  const router = Router();
  router.use('/disclosure', countPageViews(visits));

  router.get('/disclosure', async (req, res) => {
    const query = catalogQuerySchema.parse(req.query);
    const result = await disclosureCatalog(deps, query, PAGE_SIZE);
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.category) params.set('category', query.category);
    if (query.year) params.set('year', String(query.year));
    const link = (over: Record<string, string | undefined>) => {
      const p = new URLSearchParams(params);
      for (const [k, v] of Object.entries(over)) (v ? p.set(k, v) : p.delete(k));
      return `/disclosure${p.size ? `?${p}` : ''}`;
    };
    res.render('public/disclosure', {
      title: '政府信息公开',
      ...result,
      filter: { q: query.q ?? '', category: query.category ?? '', year: query.year ?? null },
      link,
      pager: pagination(query.page, PAGE_SIZE, result.total, link({})),
    });
  });

  router.get('/disclosure/guide', (_req, res) => {
    res.render('public/disclosure-guide', {
      title: '政府信息公开指南',
      contact: config.centerContact,
      categories: config.disclosureCategories,
      creditCode: config.centerCreditCode,
    });
  });

  router.use(disclosureRequestRoutes(ctx));

  router.get('/disclosure/:id', async (req: Request, res) => {
    const id = /^\d{1,12}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该公开信息');
    const entry = await findPublishedDisclosure(deps, id);
    const files = await deps.store.listDisclosureEntryFiles(entry.id);
    res.render('public/disclosure-entry', { title: entry.title, entry, files, methodLabel: DISCLOSURE_METHOD_LABEL });
  });

  return router;
}
