import express, { Router } from 'express';
import type { WebContext } from '../app';
import { AppError, UnauthorizedError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { advanceCase, assertQueryNo, findCaseForStaff, lookupCase, registerCase } from '../services/cases';
import { searchBulletin } from '../services/bulletin';
import { bulletinJson, caseEtag, itemJson, publicCaseJson, staffCaseJson, versionFromEtag } from './json';
import { openApiDocument } from './openapi';
import { rateLimit } from './rate-limit';
import { bulletinSearchSchema, loginSchema, parseInput, registerCaseSchema, transitionSchema } from './schemas';
import { apiAuth } from './security';

export function apiRoutes(ctx: WebContext): Router {
  const { deps, auth } = ctx;
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  const requireToken = apiAuth(auth);
  const staffOf = (res: express.Response) => res.locals.staff as Staff;

  router.post('/auth/token', rateLimit(ctx.loginLimiter), async (req, res) => {
    const input = parseInput(loginSchema, req.body);
    const staff = await auth.authenticate(input.username, input.password);
    if (!staff) throw new UnauthorizedError('用户名或密码错误');
    ctx.loginLimiter.reset(req.ip ?? 'unknown');
    res.json(await auth.issueApiToken(staff));
  });

  router.get('/items', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60');
    const items = await deps.store.listItems({ inForceOnly: true });
    res.json(items.map(itemJson));
  });

  router.post('/cases', requireToken, async (req, res) => {
    const input = parseInput(registerCaseSchema, req.body);
    const c = await registerCase(deps, staffOf(res), input);
    const { events } = await findCaseForStaff(deps, staffOf(res), c.queryNo);
    res
      .status(201)
      .location(`/api/v1/cases/${c.queryNo}`)
      .set('ETag', caseEtag(c))
      .json(staffCaseJson(c, events));
  });

  router.get('/cases/:queryNo', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const view = await lookupCase(deps, req.params.queryNo);
    res.set('Cache-Control', 'no-cache').set('ETag', caseEtag(view));
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(publicCaseJson(view));
  });

  router.post('/cases/:queryNo/transitions', requireToken, async (req, res) => {
    const queryNo = assertQueryNo(req.params.queryNo);
    const input = parseInput(transitionSchema, req.body);
    const ifMatch = req.get('If-Match');
    let expectedVersion: number | undefined;
    if (ifMatch && ifMatch.trim() !== '*') {
      const v = versionFromEtag(ifMatch, queryNo);
      if (v === null) throw new AppError(412, 'stale_version', 'If-Match 与该办件的当前版本不符');
      expectedVersion = v;
    }
    const c = await advanceCase(deps, staffOf(res), queryNo, input, expectedVersion);
    const { events } = await findCaseForStaff(deps, staffOf(res), c.queryNo);
    res.set('ETag', caseEtag(c)).json(staffCaseJson(c, events));
  });

  router.get('/bulletin', async (req, res) => {
    const { page, search } = parseInput(bulletinSearchSchema, req.query);
    const r = await searchBulletin(deps, search, page);
    res.set('Cache-Control', 'public, max-age=30');
    res.json({ entries: r.rows.map(bulletinJson), page, pageSize: r.pageSize, total: r.total, totalExact: r.totalExact });
  });

  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(openApiDocument);
  });

  router.use((_req, _res, next) => next(new AppError(404, 'not_found', '没有这个接口')));
  return router;
}
