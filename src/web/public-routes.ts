import express, { Router, type RequestHandler } from 'express';
import { buildDocument, isDocumentKind } from '../services/documents';
import { findCase } from '../services/cases';
import { ApplicantCheckError } from '../services/public-view';
import { signDetailToken, verifyDetailToken } from './detail-token';
import { normalizeQueryNo } from '../domain/query-number';
import { TooManyRequestsError } from './rate-limit';
import type { WebContext } from '../app';
import { AppError, NotFoundError } from '../domain/errors';
import { parseQueryNo, formatQueryNo } from '../domain/query-number';
import { allowedNextStages } from '../domain/stages';
import { lookupCase, lookupCaseDetail } from '../services/public-view';
import { lookupRequest } from '../services/disclosure-requests';
import { searchCatalog } from '../services/catalog';
import { lookupUrlFor } from './view-helpers';
import { qrSvg } from '../services/qr';
import { latestBulletin, NO_SEARCH } from '../services/bulletin';
import type { VisitCounter } from '../services/visit-counter';
import { bulletinRoutes } from './bulletin-routes';
import { rateLimit } from './rate-limit';
import { countPageViews } from './visit-tracking';

export function publicRoutes(ctx: WebContext, visits: VisitCounter): Router {
  const { deps } = ctx;
  const router = Router();
  router.use(countPageViews(visits));

  router.get('/', async (_req, res) => {
    const [latest, catalog, changes, visitCount] = await Promise.all([
      latestBulletin(deps, NO_SEARCH, 6),
      searchCatalog(deps, { q: '', page: 1, pageSize: 1 }),
      deps.store.listItemChanges({ limit: 5, offset: 0 }),
      visits.total(),
    ]);
    res.render('public/home', {
      title: '首页',
      latest,
      departments: catalog.byDepartment,
      itemTotal: catalog.total,
      changes: changes.rows,
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
      const request = await lookupRequest(deps, parsed.queryNo);
      if (request) {
        res.set('Cache-Control', 'no-store');
        res.render('public/lookup-request', {
          title: `政府信息公开申请查询 ${formatQueryNo(request.queryNo)}`,
          view: request,
          queryInput: formatQueryNo(request.queryNo),
        });
        return;
      }
      res.status(404).render('public/lookup-not-found', {
        title: '未查询到办件',
        queryInput: formatQueryNo(parsed.queryNo),
      });
    }
  });

  router.post(
    '/lookup/detail',
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }),
    detailRateLimit(ctx),
    async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const raw = typeof body.no === 'string' ? body.no : '';
      const digits = typeof body.digits === 'string' ? body.digits : '';
      const parsed = parseQueryNo(raw);
      if (!parsed.ok) {
        res.status(400).render('public/lookup-invalid', { title: '查询号有误', queryInput: raw.slice(0, 40), problem: parsed.problem });
        return;
      }
      res.set('Cache-Control', 'no-store');
      try {
        const view = await lookupCaseDetail(deps, parsed.queryNo, digits);
        await ctx.detailLimiter.reset(`ip:${req.ip}`);
        res.render('public/lookup', {
          title: `办件详情 ${formatQueryNo(view.queryNo)}`,
          view,
          queryInput: formatQueryNo(view.queryNo),
          finished: allowedNextStages(view.stage).length === 0,
          docToken: signDetailToken(ctx.secret, view.queryNo, deps.clock.now()),
          detailError: null,
        });
      } catch (err) {
        if (!(err instanceof ApplicantCheckError)) throw err;
        res.status(403).render('public/detail-denied', { title: '无法查看详情', queryInput: formatQueryNo(parsed.queryNo) });
      }
    },
  );

  router.get('/lookup/documents/:kind', async (req, res) => {
    const parsed = parseQueryNo(req.query.no);
    const kind = req.params.kind;
    if (!parsed.ok || !isDocumentKind(kind) || !verifyDetailToken(ctx.secret, parsed.queryNo, req.query.t, deps.clock.now())) {
      throw new AppError(403, 'forbidden', '链接已失效，请重新输入查询号和联系电话后四位查看');
    }
    const c = await findCase(deps, parsed.queryNo);
    const doc = await buildDocument(deps, c, await deps.store.listStageEvents(c.id), kind);
    res.set('Cache-Control', 'no-store');
    res.render('public/document', { title: doc.title, doc, lookupUrl: lookupUrlFor(ctx.config, req, c.queryNo) });
  });

  router.get('/qr/:file', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const m = /^([2-9A-HJ-NP-Z]{12})\.svg$/.exec(String(req.params.file));
    const parsed = m ? parseQueryNo(m[1]) : null;
    if (!parsed?.ok) throw new AppError(404, 'not_found', '二维码不存在');
    res.set('Content-Type', 'image/svg+xml; charset=utf-8').set('Cache-Control', 'public, max-age=86400');
    res.send(await qrSvg(lookupUrlFor(ctx.config, req, parsed.queryNo)));
  });

  router.use(bulletinRoutes(ctx));

  return router;
}

/** Like logins: per client IP and per case, so neither many numbers nor many guesses get through. */
function detailRateLimit(ctx: WebContext): RequestHandler {
  return async (req, _res, next) => {
    const no = typeof req.body?.no === 'string' ? normalizeQueryNo(req.body.no).slice(0, 12) : '';
    const wait = Math.max(await ctx.detailLimiter.hit(`ip:${req.ip}`), no ? await ctx.detailLimiter.hit(`case:${no}`) : 0);
    if (wait > 0) return next(new TooManyRequestsError(wait, '尝试次数过多，请稍后再试'));
    next();
  };
}
