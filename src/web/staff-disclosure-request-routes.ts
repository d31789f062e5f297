import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import {
  APPLICANT_KIND_LABELS,
  DELIVERY_FORM_LABELS,
  fenToYuan,
  OUTCOME_GROUP_LABELS,
  OUTCOME_GROUPS,
  OUTCOMES,
  outcomeText,
  REQUEST_ACTION_LABELS,
  REQUEST_STAGE_LABELS,
  REQUEST_STAGES,
  REVIEW_KIND_LABELS,
  REVIEW_KINDS,
  REVIEW_OUTCOME_LABELS,
  REVIEW_OUTCOMES,
  SUPPLEMENT_DEFAULT_DAYS,
  SUPPLEMENT_MAX_DAYS,
  SUPPLEMENT_MIN_DAYS,
  type OutcomeCode,
} from '../domain/disclosure-request';
import { AppError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import {
  abandonRequestByStaff,
  addRequestFee,
  addRequestReview,
  assertRequestHandler,
  extendRequest,
  extensionParts,
  findRequestFile,
  findRequestForStaff,
  recordSupply,
  replyToRequest,
  requestClockContext,
  requestDueStatus,
  requestSupplement,
  updateRequestReview,
} from '../services/disclosure-requests';
import { storedPath } from '../services/files';
import { contentDisposition } from '../domain/file-types';
import {
  extendSchema,
  feeSchema,
  replySchema,
  requestListSchema,
  reviewSchema,
  reviewUpdateSchema,
  supplementSchema,
  supplySchema,
  versionOnlySchema,
} from './disclosure-request-schemas';
import { parseInput } from './schemas';
import { pagination } from './view-helpers';

const PAGE_SIZE = 30;

/** busboy gives the name as latin1 bytes; browsers send UTF-8. */
export const utf8Name = (name: string) => Buffer.from(name, 'latin1').toString('utf8');

type Form = 'supplement' | 'supply' | 'extend' | 'reply' | 'abandon' | 'fee' | 'review' | `review-${number}`;

const idParam = (raw: unknown, what = '未找到该政府信息公开申请') => {
  const id = /^\d{1,12}$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', what);
  return id;
};

const strings = (body: unknown, max = 10_000): Record<string, string> =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => [k, (v as string).slice(0, max)]),
  );

/**
 * 依申请公开 for the office, mounted at /staff/disclosure-requests. Every route is for the
 * request handlers only (office_reviewer, admin): the pages show identity numbers and phones.
 */
export function staffDisclosureRequestRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  router.use((_req, res, next) => {
    assertRequestHandler(staffOf(res));
    next();
  });

  router.get('/', async (req, res) => {
    const q = requestListSchema.parse(req.query);
    const clock = await requestClockContext(deps);
    const list = await deps.store.listDisclosureRequests({
      stage: q.stage,
      dueBefore: q.due === 'overdue' ? clock.today : undefined,
      dueOnOrBefore: q.due === 'due_soon' ? clock.dueSoonThreshold : undefined,
      q: q.q || undefined,
      limit: PAGE_SIZE,
      offset: (q.page - 1) * PAGE_SIZE,
    });
    const params = new URLSearchParams();
    if (q.stage) params.set('stage', q.stage);
    if (q.due) params.set('due', q.due);
    if (q.q) params.set('q', q.q);
    res.render('staff/disclosure-requests', {
      title: '政府信息公开申请',
      rows: list.rows.map((r) => ({ r, status: requestDueStatus(r, clock) })),
      total: list.total,
      filter: { stage: q.stage ?? '', due: q.due ?? '', q: q.q ?? '' },
      stages: REQUEST_STAGES,
      stageLabels: REQUEST_STAGE_LABELS,
      kindLabels: APPLICANT_KIND_LABELS,
      outcomeText,
      pager: pagination(q.page, PAGE_SIZE, list.total, `/staff/disclosure-requests${params.size ? `?${params}` : ''}`),
    });
  });

  const renderRequest = async (
    req: Request,
    res: Response,
    status: number,
    extra: { form?: Form; errors?: Record<string, string>; values?: Record<string, string>; message?: string } = {},
  ) => {
    const r = await findRequestForStaff(deps, staffOf(res), idParam(req.params.id));
    const [events, files, fees, reviews, clock] = await Promise.all([
      deps.store.listDisclosureRequestEvents(r.id),
      deps.store.listDisclosureRequestFiles(r.id),
      deps.store.listDisclosureRequestFees(r.id),
      deps.store.listDisclosureRequestReviews(r.id),
      requestClockContext(deps),
    ]);
    res.status(status).render('staff/disclosure-request', {
      title: `政府信息公开申请 ${r.queryNo}`,
      r,
      events,
      files,
      fees,
      reviews,
      dueStatus: requestDueStatus(r, clock),
      today: clock.today,
      form: extra.form ?? null,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
      message: extra.message ?? null,
      done: typeof req.query.done === 'string' ? req.query.done.slice(0, 20) : null,
      labels: {
        kind: APPLICANT_KIND_LABELS,
        delivery: DELIVERY_FORM_LABELS,
        stage: REQUEST_STAGE_LABELS,
        action: REQUEST_ACTION_LABELS,
        reviewKind: REVIEW_KIND_LABELS,
        reviewOutcome: REVIEW_OUTCOME_LABELS,
        outcomeGroup: OUTCOME_GROUP_LABELS,
      },
      outcomeGroups: OUTCOME_GROUPS.map((g) => ({ group: g, outcomes: OUTCOMES.filter((o) => o.group === g) })),
      reviewKinds: REVIEW_KINDS,
      reviewOutcomes: REVIEW_OUTCOMES,
      supplement: { defaultDays: SUPPLEMENT_DEFAULT_DAYS, min: SUPPLEMENT_MIN_DAYS, max: SUPPLEMENT_MAX_DAYS },
      outcomeText,
      uploadMaxBytes: deps.config.uploadMaxBytes,
      fenToYuan,
      extensionParts,
    });
  };

  router.get('/:id', (req, res) => renderRequest(req, res, 200));

  /** One action: parse, run, redirect; a bad form or a refused step re-renders the page with the message. */
  const action = (form: Form | ((req: Request) => Form), run: (req: Request, res: Response, values: Record<string, string>) => Promise<unknown>) =>
    async (req: Request, res: Response) => {
      const values = strings(req.body);
      const name = typeof form === 'function' ? form(req) : form;
      try {
        if (res.locals.uploadError) throw res.locals.uploadError;
        await run(req, res, values);
        res.redirect(303, `/staff/disclosure-requests/${idParam(req.params.id)}?done=${name.replace(/-\d+$/, '')}`);
      } catch (err) {
        if (err instanceof ValidationError) return renderRequest(req, res, 400, { form: name, errors: err.fields ?? {}, values });
        if (err instanceof AppError && [409, 412, 413].includes(err.status)) {
          return renderRequest(req, res, err.status === 413 ? 413 : 409, { form: name, values, message: err.message, errors: err.fields ?? {} });
        }
        throw err;
      }
    };

  router.post(
    '/:id/supplement',
    action('supplement', async (req, res, v) => {
      const input = parseInput(supplementSchema, { ...v, days: v.days || String(SUPPLEMENT_DEFAULT_DAYS) });
      await requestSupplement(deps, staffOf(res), idParam(req.params.id), input.version, input);
    }),
  );

  router.post(
    '/:id/supply',
    action('supply', async (req, res, v) => {
      const input = parseInput(supplySchema, v);
      await recordSupply(deps, staffOf(res), idParam(req.params.id), input.version, input);
    }),
  );

  router.post(
    '/:id/extend',
    action('extend', async (req, res, v) => {
      const input = parseInput(extendSchema, v);
      await extendRequest(deps, staffOf(res), idParam(req.params.id), input.version, input);
    }),
  );

  router.post(
    '/:id/reply',
    action('reply', async (req, res, v) => {
      const input = parseInput(replySchema, v);
      const uploads = ((res.locals.attachments ?? []) as Express.Multer.File[])
        .filter((f) => f.originalname !== '')
        .map((f) => ({ buffer: f.buffer, originalName: utf8Name(f.originalname) }));
      await replyToRequest(deps, staffOf(res), idParam(req.params.id), input.version, {
        outcome: input.outcome as OutcomeCode,
        replyText: input.replyText,
        attachments: uploads,
      });
    }),
  );

  router.post(
    '/:id/abandon',
    action('abandon', async (req, res, v) => {
      const input = parseInput(versionOnlySchema, v);
      await abandonRequestByStaff(deps, staffOf(res), idParam(req.params.id), input.version);
    }),
  );

  router.post(
    '/:id/fees',
    action('fee', async (req, res, v) => {
      const input = parseInput(feeSchema, v);
      await addRequestFee(deps, staffOf(res), idParam(req.params.id), {
        chargedOn: input.chargedOn,
        amountFen: input.amount,
        waivedFen: input.waived,
        note: input.note,
      });
    }),
  );

  router.post(
    '/:id/reviews',
    action('review', async (req, res, v) => {
      const input = parseInput(reviewSchema, v);
      await addRequestReview(deps, staffOf(res), idParam(req.params.id), { ...input, decidedOn: input.decidedOn ?? null });
    }),
  );

  router.post(
    '/:id/reviews/:reviewId',
    action(
      (req) => `review-${idParam(req.params.reviewId, '未找到该复议或诉讼记录')}`,
      async (req, res, v) => {
        const input = parseInput(reviewUpdateSchema, v);
        await updateRequestReview(deps, staffOf(res), idParam(req.params.id), idParam(req.params.reviewId, '未找到该复议或诉讼记录'), input.version, {
          outcome: input.outcome,
          decidedOn: input.decidedOn ?? null,
          note: input.note,
        });
      },
    ),
  );

  router.get('/:id/files/:fileId', async (req, res) => {
    const file = await findRequestFile(deps, staffOf(res), idParam(req.params.id), idParam(req.params.fileId, '没有这个文件'));
    const fullPath = storedPath(deps, file);
    res.set({
      'Content-Type': file.contentType,
      'Content-Disposition': contentDisposition(file.originalName),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    res.sendFile(fullPath, { headers: { 'Content-Type': file.contentType }, dotfiles: 'deny' });
  });

  return router;
}
