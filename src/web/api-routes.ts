import express, { Router } from 'express';
import type { WebContext } from '../app';
import { AppError, NotFoundError, UnauthorizedError } from '../domain/errors';
import { lookupRequest, type PublicRequestView } from '../services/disclosure-requests';
import type { Staff } from '../domain/model';
import { advanceCaseWithTimeline, assertQueryNo, registerCaseWithTimeline, type SavedCase } from '../services/cases';
import { lookupCase, lookupCaseDetail } from '../services/public-view';
import { searchBulletin } from '../services/bulletin';
import { findItemGuide, itemsInForce, today } from '../services/catalog';
import { bulletinJson, caseEtag, itemGuideJson, itemJson, publicCaseJson, staffCaseJson, versionFromEtag } from './json';
import { errorHandler } from './errors';
import { openApiDocument } from './openapi';
import { loginLockMessage, rateLimit, TooManyRequestsError } from './rate-limit';
import { applicantCheckSchema, bulletinSearchSchema, caseListQuerySchema, loginSchema, parseInput, registerCaseSchema, transitionSchema } from './schemas';
import { beijingDate } from '../domain/beijing-time';
import { clockView } from '../services/clock';
import { listWorklist, staffClockContext } from '../services/worklist';
import { apiAuth } from './security';
import { EVALUATION_LEVEL_LABELS } from '../domain/evaluation';
import { submitEvaluation } from '../services/evaluations';
import { evaluationSchema } from './evaluation-schemas';
import { hitEvaluationLimit } from './evaluation-routes';

const CASES_PAGE_SIZE = 50;

export function apiRoutes(ctx: WebContext): Router {
  const { deps, auth } = ctx;
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // The public lookups first: the busiest routes, with no body to parse, skip the layers below.
  router.get('/cases/:queryNo', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const view = await lookupCase(deps, req.params.queryNo);
    res.set('Cache-Control', 'no-cache').set('ETag', caseEtag(view, beijingDate(deps.clock.now())));
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.json(publicCaseJson(view));
  });

  router.get('/disclosure-requests/:queryNo', rateLimit(ctx.lookupLimiter), async (req, res) => {
    const view = await lookupRequest(deps, req.params.queryNo);
    if (!view) throw new NotFoundError('request_not_found', '未查询到该查询号对应的政府信息公开申请，请核对后重试');
    res.json(publicRequestJson(view));
  });

  router.use(express.json({ limit: '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  const requireToken = apiAuth(auth);
  const staffOf = (res: express.Response) => res.locals.staff as Staff;

  router.post('/auth/token', rateLimit(ctx.loginLimiter), async (req, res) => {
    const input = parseInput(loginSchema, req.body);
    const origin = { ip: req.ip ?? 'unknown' };
    const result = await auth.login(input.username, input.password, origin);
    if (result.kind === 'locked') {
      throw new TooManyRequestsError(result.retryAfterSeconds, loginLockMessage(result.until, result.retryAfterSeconds), 'login_locked');
    }
    if (result.kind === 'failed') throw new UnauthorizedError('用户名或密码错误');
    res.json(await auth.issueApiToken(result.staff, origin));
  });

  /** Revokes the bearer token of this very request; the client signs out. */
  router.delete('/tokens/current', requireToken, async (req, res) => {
    await auth.revokeApiToken(staffOf(res), res.locals.apiTokenId as string, { ip: req.ip ?? 'unknown' });
    res.status(204).end();
  });

  router.get('/items', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60');
    const items = await itemsInForce(deps);
    res.json(items.map(itemJson));
  });

  /** The staff resource of a case just written (access already checked), with its ETag. */
  const sendStaffCase = async (res: express.Response, status: number, saved: SavedCase) => {
    const c = saved.case;
    const ctx = await staffClockContext(deps);
    res.status(status).set('ETag', caseEtag(c, ctx.today)).json(staffCaseJson(c, clockView(c.clock, ctx), saved.timeline));
  };

  router.get('/cases', requireToken, async (req, res) => {
    const q = parseInput(caseListQuerySchema, req.query);
    const items = q.item ? await deps.store.listItems({ inForceOnly: false }) : [];
    const itemId = q.item ? (items.find((i) => i.code === q.item)?.id ?? -1) : undefined;
    const result = await listWorklist(deps, staffOf(res), { stage: q.stage, itemId, clockStatus: q.clockStatus }, q.page, CASES_PAGE_SIZE);
    res.json({
      cases: result.rows.map((r) => staffCaseJson(r.case, r.clock)),
      page: q.page,
      pageSize: CASES_PAGE_SIZE,
      total: result.total,
    });
  });

  router.get('/items/:code', async (req, res) => {
    res.set('Cache-Control', 'public, max-age=60');
    res.json(itemGuideJson(await findItemGuide(deps, req.params.code), today(deps)));
  });

  router.post('/cases', requireToken, async (req, res) => {
    const input = parseInput(registerCaseSchema, req.body);
    const saved = await registerCaseWithTimeline(deps, staffOf(res), input);
    res.location(`/api/v1/cases/${saved.case.queryNo}`);
    await sendStaffCase(res, 201, saved);
  });

  router.post('/cases/:queryNo/detail', rateLimit(ctx.detailLimiter), async (req, res) => {
    const queryNo = assertQueryNo(req.params.queryNo);
    const { phoneLast4 } = parseInput(applicantCheckSchema, req.body);
    const view = await lookupCaseDetail(deps, queryNo, phoneLast4);
    res.json({ ...publicCaseJson(view), missingMaterials: view.missingMaterials, documents: view.documents });
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
    await sendStaffCase(res, 200, await advanceCaseWithTimeline(deps, staffOf(res), queryNo, input, expectedVersion));
  });

  router.post('/cases/:queryNo/evaluation', async (req, res) => {
    await hitEvaluationLimit(ctx.evaluationLimiter, req, req.params.queryNo);
    const input = parseInput(evaluationSchema, req.body);
    const queryNo = assertQueryNo(req.params.queryNo);
    const { evaluation, rectificationOpened } = await submitEvaluation(deps, queryNo, input);
    res.status(201).json({
      queryNo,
      level: { code: evaluation.level, label: EVALUATION_LEVEL_LABELS[evaluation.level] },
      scores: evaluation.scores,
      comment: evaluation.comment,
      evaluatedAt: evaluation.evaluatedAt,
      followUp: rectificationOpened,
    });
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
  // Answered here: an error passed on would be matched against every later route of the app on its way
  // to the app's own handler (a 400 for a malformed number cost 70% more CPU than healthz).
  router.use(errorHandler(ctx.logRequestError));
  return router;
}

/** The public resource of a request: stage, dates and outcome only (no identity, contact or content). */
function publicRequestJson(v: PublicRequestView) {
  return {
    queryNo: v.queryNo,
    applicant: { name: v.applicantName, kind: v.applicantKind, kindLabel: v.applicantKindLabel },
    stage: { code: v.stage, label: v.stageLabel, text: v.stageText },
    receivedOn: v.receivedOn,
    dueOn: v.dueOn,
    dueText: v.dueText,
    extended: v.extended,
    extensionNotice: v.extensionNotice,
    supplementDueOn: v.supplementDueOn,
    outcome: v.outcome ? { code: v.outcome, group: v.outcomeGroup, text: v.outcomeText } : null,
    closedOn: v.closedOn,
    deliveryForm: v.deliveryFormLabel,
    updatedAt: v.updatedAt,
  };
}
