import { Router, type Request } from 'express';
import type { WebContext } from '../app';
import { AppError } from '../domain/errors';
import { DISCLOSURE_METHOD_LABEL } from '../domain/disclosure';
import { disclosureCatalog, findPublishedDisclosure } from '../services/disclosure';
import type { VisitCounter } from '../services/visit-counter';
import { isReportTableKey } from '../domain/disclosure-report';
import { publishedReport, publishedReportYears } from '../services/disclosure-report';
import { catalogQuerySchema, reportYearOf } from './disclosure-schemas';
import { sendReportCsv } from './report-csv';
import { reportView } from './report-view';
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

  // The published annual reports (年度报告), frozen as submitted: before /disclosure/:id.
  router.get('/disclosure/reports', async (_req, res) => {
    res.render('public/disclosure-reports', { title: '政府信息公开工作年度报告', reports: await publishedReportYears(deps) });
  });

  const reportYear = (req: Request) => {
    const y = reportYearOf(req.params.year);
    if (y === null) throw new AppError(404, 'not_found', '没有这个年度的报告');
    return y;
  };

  router.get('/disclosure/reports/:year', async (req, res) => {
    const year = reportYear(req);
    const { model, entryId } = await publishedReport(deps, year);
    res.render('public/disclosure-report', { title: `${model.centerName}${year}年政府信息公开工作年度报告`, model, entryId, reportView });
  });

  router.get('/disclosure/reports/:year/:file', async (req, res) => {
    const year = reportYear(req);
    const key = /^([a-z0-9]+)\.csv$/.exec(String(req.params.file))?.[1];
    if (!isReportTableKey(key)) throw new AppError(404, 'not_found', '没有这个表格');
    const { model } = await publishedReport(deps, year);
    sendReportCsv(res, model, key);
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
