import express, { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { beijingDate, beijingDateTime } from '../domain/beijing-time';
import { CLOCK_KIND_LABELS, CLOCK_STATUS_LABELS, CLOCK_STATUSES, type ClockStatus } from '../domain/deadlines';
import { formatQueryNo } from '../domain/query-number';
import { isStage, allowedNextStages, STAGES, STAGE_LABELS, type Stage } from '../domain/stages';
import { countUrgent, iterateWorklist, listWorklist } from '../services/worklist';
import { caseDetailsForStaff } from '../services/case-details';
import { CSV_BOM, csvRow } from './csv';
import { departmentScope } from '../services/access';
import { advanceCase, assertQueryNo, findCaseForStaff, registerCase } from '../services/cases';
import { requestExtension } from '../services/extensions';
import { availableDocuments, buildDocument, isDocumentKind, type DocumentKind } from '../services/documents';
import { lookupUrlFor } from './view-helpers';
import { staffClockRoutes } from './staff-clock-routes';
import { staffAccountRoutes } from './staff-account-routes';
import { listOf } from './admin-forms';
import { adminRoutes, multipartUploads } from './admin-routes';
import { itemsInForce } from '../services/catalog';
import { staffEvaluationRoutes } from './staff-evaluation-routes';
import { staffStatsRoutes } from './staff-stats-routes';
import { staffDisclosureRoutes } from './staff-disclosure-routes';
import { loginLockMessage, rateLimit } from './rate-limit';
import { staffDisclosureRequestRoutes } from './staff-disclosure-request-routes';
import { extensionRequestSchema, loginSchema, parseInput, registerCaseSchema, transitionSchema } from './schemas';
import {
  clearSessionCookie,
  requireStaffPage,
  setSessionCookie,
  staffSession,
  verifyCsrf,
} from './security';
import { pagination } from './view-helpers';

const CASES_PAGE_SIZE = 25;

/** Only same-site staff paths may be a post-login destination (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/staff(\/[A-Za-z0-9\-_/?=&%.]*)?$/.test(value) && !value.startsWith('//')
    ? value
    : '/staff';
}

interface RegisterValues {
  itemCode: string;
  applicantKind: string;
  applicantName: string;
  idNumber: string;
  phone: string;
  email: string;
  projectName: string;
  note: string;
  materialsReceived: string[];
}
const emptyRegisterValues: RegisterValues = {
  itemCode: '',
  applicantKind: '',
  applicantName: '',
  idNumber: '',
  phone: '',
  email: '',
  projectName: '',
  note: '',
  materialsReceived: [],
};

const field = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string) : undefined;

export function staffRoutes(ctx: WebContext): Router {
  const { deps, auth, config } = ctx;
  const production = config.env === 'production';
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // The item form (materials, procedures, fees, laws as rows) needs more fields than other forms.
  router.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 600 }));
  router.use(staffSession(auth, production));
  router.use(multipartUploads(config.uploadMaxBytes));
  router.use(verifyCsrf);
  const staffOf = (res: Response) => res.locals.staff as Staff;

  router.get('/login', (req, res) => {
    if (res.locals.staff) return res.redirect(303, '/staff');
    const notice = req.query.changed === '1' ? '密码已修改，请用新密码登录。' : req.query.out === '1' ? '您已安全退出。' : null;
    res.render('staff/login', { title: '工作人员登录', next: safeNext(req.query.next), username: '', error: null, notice });
  });

  router.post('/login', rateLimit(ctx.loginLimiter), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeNext(body.next);
    const username = field(body, 'username') ?? '';
    const fail = (status: number, error: string) =>
      res.status(status).render('staff/login', { title: '工作人员登录', next, username: username.slice(0, 50), error });
    let input;
    try {
      input = parseInput(loginSchema, body);
    } catch {
      return fail(400, '请填写用户名和密码');
    }
    const result = await auth.login(input.username, input.password, { ip: req.ip ?? 'unknown' });
    if (result.kind === 'locked') {
      res.set('Retry-After', String(result.retryAfterSeconds));
      return fail(429, loginLockMessage(result.until, result.retryAfterSeconds));
    }
    if (result.kind === 'failed') return fail(401, '用户名或密码错误');
    const staff = result.staff;
    const oldToken = res.locals.sessionToken as string | undefined;
    if (oldToken) await auth.endSession(oldToken);
    const session = await auth.startSession(staff);
    setSessionCookie(res, session.token, production);
    res.redirect(303, next);
  });

  router.use(requireStaffPage);

  // Admins are told on every page when deadlines cannot be computed (year not covered).
  router.use(async (_req, res, next) => {
    if (staffOf(res).role !== 'admin') return next();
    const { total } = await deps.store.listCases({ clockState: 'undetermined', limit: 0, offset: 0 });
    res.locals.undeterminedWarning = total > 0 ? { count: total } : null;
    next();
  });
  router.use(staffAccountRoutes(ctx));
  router.use('/admin', adminRoutes(ctx));

  router.post('/logout', async (req, res) => {
    await auth.endSession(res.locals.sessionToken as string);
    const staff = staffOf(res);
    await auth.record('logout', { staffId: staff.id, username: staff.username, ip: req.ip });
    clearSessionCookie(res, production);
    res.redirect(303, '/staff/login?out=1');
  });

  /** Worklist filters from the query string; unknown values are ignored, not errors, on a page. */
  const worklistQuery = async (req: Request, res: Response) => {
    const staff = staffOf(res);
    const scope = departmentScope(staff);
    const [items, windows] = await Promise.all([
      deps.store.listItems({ inForceOnly: false, departmentId: scope }),
      deps.store.listWindows(scope),
    ]);
    const str = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string).slice(0, 40) : '');
    const item = items.find((i) => i.code === str('item'));
    const window = windows.find((w) => w.code === str('window'));
    const stage = isStage(req.query.stage) ? req.query.stage : undefined;
    const clockStatus = (CLOCK_STATUSES as readonly string[]).includes(str('status')) ? (str('status') as ClockStatus) : undefined;
    const params = new URLSearchParams();
    if (stage) params.set('stage', stage);
    if (item) params.set('item', item.code);
    if (window) params.set('window', window.code);
    if (clockStatus) params.set('status', clockStatus);
    return {
      items,
      windows,
      query: { stage, itemId: item?.id, windowId: window?.id, clockStatus },
      filter: { stage: stage ?? '', item: item?.code ?? '', window: window?.code ?? '', status: clockStatus ?? '' },
      params,
    };
  };

  router.get('/', async (req, res) => {
    const staff = staffOf(res);
    const page = /^\d{1,6}$/.test(String(req.query.page ?? '')) ? Math.max(1, Number(req.query.page)) : 1;
    const w = await worklistQuery(req, res);
    const result = await listWorklist(deps, staff, w.query, page, CASES_PAGE_SIZE);
    const counts = await countUrgent(deps, staff, result.ctx);
    const base = `/staff${w.params.size ? `?${w.params}` : ''}`;
    res.render('staff/cases', {
      title: '办件列表',
      rows: result.rows,
      total: result.total,
      counts,
      today: result.ctx.today,
      items: w.items,
      windows: w.windows,
      stages: STAGES,
      statuses: CLOCK_STATUSES,
      filter: w.filter,
      csvHref: `/staff/cases.csv${w.params.size ? `?${w.params}` : ''}`,
      pager: pagination(page, CASES_PAGE_SIZE, result.total, base),
    });
  });

  router.get('/cases.csv', async (req, res) => {
    const w = await worklistQuery(req, res);
    const today = beijingDate(deps.clock.now());
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="cases-${today}.csv"; filename*=UTF-8''${encodeURIComponent(`办件清单-${today}.csv`)}`);
    res.write(CSV_BOM + csvRow(['查询号', '事项', '部门', '申请人', '阶段', '期限类型', '到期日', '剩余工作日', '期限状态', '暂停工作日', '收件时间']));
    for await (const r of iterateWorklist(deps, staffOf(res), w.query)) {
      res.write(
        csvRow([
          formatQueryNo(r.case.queryNo),
          r.case.item.name,
          r.case.department.name,
          r.case.applicant.name,
          STAGE_LABELS[r.case.stage],
          CLOCK_KIND_LABELS[r.clock.kind],
          r.clock.dueDate ?? (r.clock.status === 'undetermined' ? '待定' : ''),
          r.clock.workingDaysLeft ?? '',
          CLOCK_STATUS_LABELS[r.clock.status],
          r.clock.pausedDays,
          beijingDateTime(r.case.registeredAt),
        ]),
      );
    }
    res.end();
  });

  /**
   * Registration is two steps without JavaScript: choose the item (a GET form), then fill in the
   * applicant and tick the materials received against that item's list.
   */
  const renderRegisterForm = async (res: Response, status: number, values: RegisterValues, errors: Record<string, string>) => {
    const items = await itemsInForce(deps, departmentScope(staffOf(res)));
    const chosen = items.find((i) => i.code === values.itemCode) ?? null;
    const guide = chosen ? await deps.store.findItemGuide(chosen.code) : null;
    res.status(status).render('staff/register', { title: '登记办件', items, chosen, materials: guide?.materials ?? [], values, errors });
  };

  router.get('/cases/new', async (req, res) => {
    const itemCode = typeof req.query.item === 'string' ? req.query.item.slice(0, 40) : '';
    await renderRegisterForm(res, 200, { ...emptyRegisterValues, itemCode, applicantKind: 'person' }, {});
  });

  router.post('/cases', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values: RegisterValues = {
      itemCode: field(body, 'itemCode') ?? '',
      applicantKind: field(body, 'applicantKind') ?? '',
      applicantName: field(body, 'applicantName') ?? '',
      idNumber: field(body, 'idNumber') ?? '',
      phone: field(body, 'phone') ?? '',
      email: field(body, 'email') ?? '',
      projectName: field(body, 'projectName') ?? '',
      note: field(body, 'note') ?? '',
      materialsReceived: listOf(body.materialsReceived),
    };
    try {
      const input = parseInput(registerCaseSchema, {
        itemCode: values.itemCode,
        applicant: {
          name: values.applicantName,
          kind: values.applicantKind,
          idNumber: values.idNumber,
          phone: values.phone,
          email: values.email,
        },
        projectName: values.projectName,
        note: values.note,
        materialsReceived: values.materialsReceived,
      });
      const c = await registerCase(deps, staffOf(res), input);
      res.redirect(303, `/staff/cases/${c.queryNo}/receipt?new=1`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await renderRegisterForm(res, 400, values, formErrors(err.fields ?? {}));
    }
  });

  const renderCasePage = async (
    req: Request,
    res: Response,
    status: number,
    extra: {
      errors?: Record<string, string>;
      formTo?: Stage;
      values?: object;
      message?: string;
      extensionErrors?: Record<string, string>;
      extensionReason?: string;
    } = {},
  ) => {
    const details = await caseDetailsForStaff(deps, staffOf(res), req.params.queryNo);
    const c = details.case;
    res.status(status).render('staff/case', {
      title: `办件 ${c.queryNo}`,
      c,
      events: details.events,
      details,
      documents: availableDocuments(details.events),
      materials: await deps.store.listCaseMaterials(c.id),
      next: allowedNextStages(c.stage),
      moved: isStage(req.query.moved) ? req.query.moved : null,
      extensionRequested: req.query.extension === 'requested',
      errors: extra.errors ?? {},
      formTo: extra.formTo ?? null,
      values: extra.values ?? {},
      message: extra.message ?? null,
      extensionErrors: extra.extensionErrors ?? {},
      extensionReason: extra.extensionReason ?? '',
    });
  };

  router.get('/cases/:queryNo', (req, res) => renderCasePage(req, res, 200));

  const renderDocument = async (req: Request, res: Response, kind: DocumentKind) => {
    const { case: c, events } = await findCaseForStaff(deps, staffOf(res), req.params.queryNo);
    const doc = await buildDocument(deps, c, events, kind);
    res.render('staff/document', {
      title: doc.title,
      doc,
      materials: kind === 'receipt' ? await deps.store.listCaseMaterials(c.id) : [],
      lookupUrl: lookupUrlFor(config, req, c.queryNo),
      justRegistered: kind === 'receipt' && req.query.new === '1',
    });
  };

  router.get('/cases/:queryNo/receipt', (req, res) => renderDocument(req, res, 'receipt'));

  router.get('/cases/:queryNo/documents/:kind', (req, res) => {
    const kind = req.params.kind;
    if (!isDocumentKind(kind)) throw new AppError(404, 'not_found', '没有这种文书');
    return renderDocument(req, res, kind);
  });

  router.post('/cases/:queryNo/transitions', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const to = field(body, 'to');
    const values = {
      note: field(body, 'note') ?? '',
      decisionNo: field(body, 'decisionNo') ?? '',
      reason: field(body, 'reason') ?? '',
      notePublic: body.notePublic === 'on',
    };
    const version = /^\d{1,9}$/.test(field(body, 'version') ?? '') ? Number(body.version) : undefined;
    try {
      const input = parseInput(transitionSchema, {
        to,
        note: values.note,
        decisionNo: values.decisionNo,
        reason: values.reason,
        notePublic: values.notePublic,
      });
      const c = await advanceCase(deps, staffOf(res), req.params.queryNo, input, version);
      res.redirect(303, `/staff/cases/${c.queryNo}?moved=${c.stage}`);
    } catch (err) {
      if (err instanceof ValidationError) {
        return renderCasePage(req, res, 400, {
          errors: formErrors(err.fields ?? {}),
          formTo: isStage(to) ? to : undefined,
          values,
        });
      }
      if (err instanceof AppError && (err.status === 409 || err.status === 412)) {
        return renderCasePage(req, res, 409, { message: err.message });
      }
      throw err;
    }
  });

  router.post('/cases/:queryNo/extension', async (req, res) => {
    const reason = field(req.body as Record<string, unknown>, 'reason') ?? '';
    try {
      const input = parseInput(extensionRequestSchema, { reason });
      await requestExtension(deps, staffOf(res), req.params.queryNo, input);
      res.redirect(303, `/staff/cases/${assertQueryNo(req.params.queryNo)}?extension=requested`);
    } catch (err) {
      if (err instanceof ValidationError) {
        return renderCasePage(req, res, 400, { extensionErrors: err.fields ?? {}, extensionReason: reason });
      }
      if (err instanceof AppError && err.status === 409) return renderCasePage(req, res, 409, { message: err.message });
      throw err;
    }
  });

  router.use(staffClockRoutes(ctx));
  router.use(staffEvaluationRoutes(ctx));
  router.use(staffStatsRoutes(ctx));
  router.use('/disclosure', staffDisclosureRoutes(ctx));
  router.use('/disclosure-requests', staffDisclosureRequestRoutes(ctx));

  return router;
}

/** Maps API field paths (applicant.idNumber) to form field names (idNumber). */
function formErrors(fields: Record<string, string>): Record<string, string> {
  const names: Record<string, string> = {
    'applicant.name': 'applicantName',
    'applicant.kind': 'applicantKind',
    'applicant.idNumber': 'idNumber',
    'applicant.phone': 'phone',
    'applicant.email': 'email',
  };
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [names[k] ?? k, v]));
}
