import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { beijingDate } from '../domain/beijing-time';
import {
  availableSteps,
  DISCLOSURE_STATUSES,
  EDITABLE_STATUSES,
  isDisclosureStep,
  type DisclosureEntry,
  type DisclosureStatus,
} from '../domain/disclosure';
import { AppError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import {
  attachDisclosureFile,
  removeDisclosureFile,
  draftDisclosure,
  editDisclosure,
  findDisclosureForStaff,
  takeDisclosureStep,
} from '../services/disclosure';
import { disclosureFieldsSchema, draftSchema, stepSchema } from './disclosure-schemas';
import { staffReportRoutes } from './staff-report-routes';
import { parseInput } from './schemas';
import { utf8Name } from './staff-disclosure-request-routes';
import { pagination } from './view-helpers';

const PAGE_SIZE = 30;

type FormValues = Record<'title' | 'category' | 'writtenDate' | 'publisher' | 'summary' | 'body' | 'indexNo', string>;

const str = (body: Record<string, unknown>, name: string, max: number) =>
  typeof body[name] === 'string' ? (body[name] as string).slice(0, max) : '';

function formValues(body: Record<string, unknown>): FormValues {
  return {
    title: str(body, 'title', 400),
    category: str(body, 'category', 40),
    writtenDate: str(body, 'writtenDate', 20),
    publisher: str(body, 'publisher', 200),
    summary: str(body, 'summary', 1000),
    body: str(body, 'body', 60_000),
    indexNo: str(body, 'indexNo', 60),
  };
}

/**
 * 政府信息公开 for staff, mounted at /staff/disclosure: any staff member drafts, the office
 * (office_reviewer) approves or returns, the 网管员 (webmaster) publishes or takes down.
 */
export function staffDisclosureRoutes(ctx: WebContext): Router {
  const { deps, config } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  const idOf = (req: Request) => {
    const id = /^\d{1,12}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该公开信息');
    return id;
  };

  router.get('/', async (req, res) => {
    const status = (DISCLOSURE_STATUSES as readonly string[]).includes(String(req.query.status)) ? (req.query.status as DisclosureStatus) : undefined;
    const page = /^\d{1,6}$/.test(String(req.query.page ?? '')) ? Math.max(1, Number(req.query.page)) : 1;
    const [list, submitted, approved] = await Promise.all([
      deps.store.listDisclosureEntries({ statuses: status ? [status] : undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
      deps.store.listDisclosureEntries({ statuses: ['submitted'], limit: 0, offset: 0 }),
      deps.store.listDisclosureEntries({ statuses: ['approved'], limit: 0, offset: 0 }),
    ]);
    res.render('staff/disclosure-list', {
      title: '政府信息公开',
      rows: list.rows,
      total: list.total,
      status: status ?? '',
      statuses: DISCLOSURE_STATUSES,
      waiting: { submitted: submitted.total, approved: approved.total },
      pager: pagination(page, PAGE_SIZE, list.total, `/staff/disclosure${status ? `?status=${status}` : ''}`),
    });
  });

  const renderNew = (res: Response, status: number, values: FormValues, errors: Record<string, string>) =>
    res.status(status).render('staff/disclosure-new', { title: '起草公开信息', values, errors, categories: config.disclosureCategories });

  router.get('/new', (req, res) =>
    renderNew(res, 200, {
      title: '',
      category: config.disclosureCategories[0],
      writtenDate: beijingDate(deps.clock.now()),
      publisher: config.centerName,
      summary: '',
      body: '',
      indexNo: '',
    }, {}),
  );

  router.post('/', async (req, res) => {
    const values = formValues(req.body as Record<string, unknown>);
    try {
      const input = parseInput(draftSchema(config.disclosureCategories), values);
      const entry = await draftDisclosure(deps, staffOf(res), input);
      res.redirect(303, `/staff/disclosure/${entry.id}?done=create`);
    } catch (err) {
      if (err instanceof ValidationError) return renderNew(res, 400, values, err.fields ?? {});
      throw err;
    }
  });

  router.use('/reports', staffReportRoutes(ctx));

  const renderEntry = async (
    req: Request,
    res: Response,
    status: number,
    extra: {
      values?: FormValues;
      errors?: Record<string, string>;
      step?: string;
      comment?: string;
      stepErrors?: Record<string, string>;
      message?: string;
      fileError?: string;
    } = {},
  ) => {
    const entry = await findDisclosureForStaff(deps, idOf(req));
    const staff = staffOf(res);
    res.status(status).render('staff/disclosure-entry', {
      title: entry.title,
      entry,
      events: await deps.store.listDisclosureEvents(entry.id),
      files: await deps.store.listDisclosureEntryFiles(entry.id),
      uploadMaxBytes: config.uploadMaxBytes,
      fileError: extra.fileError ?? null,
      steps: availableSteps(staff.role, entry.status),
      editable: EDITABLE_STATUSES.includes(entry.status) && entry.bodyFormat === 'text',
      categories: config.disclosureCategories,
      values: extra.values ?? valuesOf(entry),
      errors: extra.errors ?? {},
      step: extra.step ?? null,
      comment: extra.comment ?? '',
      stepErrors: extra.stepErrors ?? {},
      message: extra.message ?? null,
      done: typeof req.query.done === 'string' ? req.query.done.slice(0, 20) : null,
    });
  };

  router.get('/:id', (req, res) => renderEntry(req, res, 200));

  const versionOf = (body: Record<string, unknown>) => (/^\d{1,9}$/.test(String(body.version ?? '')) ? Number(body.version) : -1);

  router.post('/:id', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = formValues(body);
    try {
      const input = parseInput(disclosureFieldsSchema(config.disclosureCategories), values);
      await editDisclosure(deps, staffOf(res), idOf(req), versionOf(body), input);
      res.redirect(303, `/staff/disclosure/${idOf(req)}?done=edit`);
    } catch (err) {
      if (err instanceof ValidationError) return renderEntry(req, res, 400, { values, errors: err.fields ?? {} });
      if (err instanceof AppError && (err.status === 409 || err.status === 412)) return renderEntry(req, res, 409, { values, message: err.message });
      throw err;
    }
  });

  router.post('/:id/files', async (req, res) => {
    try {
      if (res.locals.uploadError) throw res.locals.uploadError;
      const upload = req.file ? { buffer: req.file.buffer, originalName: utf8Name(req.file.originalname) } : null;
      await attachDisclosureFile(deps, staffOf(res), idOf(req), upload);
      res.redirect(303, `/staff/disclosure/${idOf(req)}?done=attach`);
    } catch (err) {
      if (err instanceof AppError && [400, 409, 413].includes(err.status)) {
        return renderEntry(req, res, err.status, { fileError: err.fields?.file ?? err.message });
      }
      throw err;
    }
  });

  router.post('/:id/files/:fileId/delete', async (req, res) => {
    const fileId = /^\d{1,12}$/.test(String(req.params.fileId)) ? Number(req.params.fileId) : NaN;
    if (!Number.isSafeInteger(fileId)) throw new AppError(404, 'not_found', '该信息没有这个附件');
    try {
      await removeDisclosureFile(deps, staffOf(res), idOf(req), fileId);
      res.redirect(303, `/staff/disclosure/${idOf(req)}?done=detach`);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderEntry(req, res, 409, { message: err.message });
      throw err;
    }
  });

  router.post('/:id/steps/:step', async (req, res) => {
    const step = req.params.step;
    if (!isDisclosureStep(step)) throw new AppError(404, 'not_found', '没有这个操作');
    const body = req.body as Record<string, unknown>;
    const comment = str(body, 'comment', 600);
    try {
      const input = parseInput(stepSchema, { comment });
      await takeDisclosureStep(deps, staffOf(res), idOf(req), step, versionOf(body), input.comment);
      res.redirect(303, `/staff/disclosure/${idOf(req)}?done=${step}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderEntry(req, res, 400, { step, comment, stepErrors: err.fields ?? {} });
      if (err instanceof AppError && (err.status === 409 || err.status === 412)) return renderEntry(req, res, 409, { message: err.message });
      throw err;
    }
  });

  return router;
}

function valuesOf(e: DisclosureEntry): FormValues {
  return { title: e.title, category: e.category, writtenDate: e.writtenDate, publisher: e.publisher, summary: e.summary, body: e.body, indexNo: e.indexNo };
}
