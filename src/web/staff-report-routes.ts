import { Router, type NextFunction, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { beijingDate } from '../domain/beijing-time';
import {
  checkTable3,
  isReportTableKey,
  REPORT_FIGURE_FIELDS,
  REPORT_TABLE_TITLES,
  REPORT_TABLES,
  REPORT_TEMPLATE_LABELS,
  REPORT_TEMPLATES,
  REPORT_TEXT_KEYS,
  toReportFigures,
  toReportTexts,
  type ReportTemplate,
} from '../domain/disclosure-report';
import { AppError, ForbiddenError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { buildReportModel, reportRecord, saveReport, submitReport } from '../services/disclosure-report';
import { reportFormSchema, reportYearOf } from './disclosure-schemas';
import { renderReportHtml, sendReportCsv } from './report-csv';
import { reportView } from './report-view';
import { parseInput } from './schemas';

type FormValues = Record<string, string>;

/**
 * 年度报告 for staff, mounted at /staff/disclosure/reports. Everyone on staff may read the live
 * report; the office (office_reviewer) saves its text and figures and submits it, which puts it
 * into the catalog as 已审核待发布 for the 网管员 to publish.
 */
export function staffReportRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  const thisYear = () => Number(beijingDate(deps.clock.now()).slice(0, 4));
  const yearOf = (req: Request) => {
    const y = reportYearOf(req.params.year);
    if (y === null) throw new AppError(404, 'not_found', '没有这个年度的报告');
    return y;
  };

  router.get('/', async (req, res) => {
    if (req.query.year !== undefined) {
      const y = reportYearOf(req.query.year);
      if (y !== null) return res.redirect(303, `/staff/disclosure/reports/${y}`);
    }
    const stored = await deps.store.listDisclosureReports();
    const years = new Set([thisYear() - 1, ...stored.map((r) => r.year)]);
    res.render('staff/disclosure-reports', {
      title: '政府信息公开工作年度报告',
      rows: [...years].sort((a, b) => b - a).map((year) => ({ year, record: stored.find((r) => r.year === year) ?? null })),
      templateLabels: REPORT_TEMPLATE_LABELS,
      badYear: req.query.year !== undefined,
      thisYear: thisYear(),
    });
  });

  const render = async (
    req: Request,
    res: Response,
    status: number,
    extra: { values?: FormValues; errors?: Record<string, string>; message?: string } = {},
  ) => {
    const year = yearOf(req);
    const record = await reportRecord(deps, year);
    const values = extra.values ?? valuesOf(record);
    // The preview follows what the office typed, even when some of it is not valid yet.
    const template: ReportTemplate = (REPORT_TEMPLATES as readonly string[]).includes(values.template) ? (values.template as ReportTemplate) : record.template;
    const figures = toReportFigures(Object.fromEntries(REPORT_FIGURE_FIELDS.map((f) => [f.key, Number(values[f.key]) || 0])));
    const model = await buildReportModel(deps, year, { template, texts: toReportTexts(values), figures });
    const entry = record.entryId === null ? null : await deps.store.findDisclosureEntry(record.entryId);
    res.status(status).render('staff/disclosure-report', {
      title: `${year}年政府信息公开工作年度报告`,
      year,
      record,
      entry,
      model,
      values,
      errors: extra.errors ?? {},
      message: extra.message ?? null,
      done: typeof req.query.done === 'string' ? req.query.done.slice(0, 20) : null,
      mayEdit: staffOf(res).role === 'office_reviewer',
      checkFailures: checkTable3(model.table3),
      figureFields: REPORT_FIGURE_FIELDS,
      templateLabels: REPORT_TEMPLATE_LABELS,
      templates: REPORT_TEMPLATES,
      tables: REPORT_TABLES.map((key) => ({ key, title: REPORT_TABLE_TITLES[key] })),
      reportView,
      reportCategory: ctx.config.disclosureReportCategory,
    });
  };

  router.get('/:year', (req, res) => render(req, res, 200));

  router.get('/:year/:file', async (req, res) => {
    const year = yearOf(req);
    const key = /^([a-z0-9]+)\.csv$/.exec(String(req.params.file))?.[1];
    if (!isReportTableKey(key)) throw new AppError(404, 'not_found', '没有这个表格');
    const record = await reportRecord(deps, year);
    sendReportCsv(res, await buildReportModel(deps, year, record), key);
  });

  // Refused before the form is read, so a non-office account gets 403 rather than a form error.
  const officeOnly = (_req: Request, res: Response, next: NextFunction) =>
    next(staffOf(res).role === 'office_reviewer' ? undefined : new ForbiddenError('只有办公室审核人员可以编辑和提交年度报告'));

  router.post('/:year', officeOnly, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = formValues(body);
    try {
      const input = parseInput(reportFormSchema, values);
      const texts = toReportTexts(input);
      const figures = toReportFigures(input);
      await saveReport(deps, staffOf(res), yearOf(req), input.version, { template: input.template, texts, figures });
      res.redirect(303, `/staff/disclosure/reports/${yearOf(req)}?done=save`);
    } catch (err) {
      if (err instanceof ValidationError) return render(req, res, 400, { values, errors: err.fields ?? {} });
      if (err instanceof AppError && (err.status === 409 || err.status === 412)) return render(req, res, 409, { values, message: err.message });
      throw err;
    }
  });

  router.post('/:year/submit', officeOnly, async (req, res) => {
    const year = yearOf(req);
    const raw = String((req.body as Record<string, unknown>).version ?? '');
    const version = /^\d{1,9}$/.test(raw) ? Number(raw) : -1;
    try {
      await submitReport(deps, staffOf(res), year, version, (model) => renderReportHtml(req.app, model, `/disclosure/reports/${year}`));
      res.redirect(303, `/staff/disclosure/reports/${year}?done=submit`);
    } catch (err) {
      if (err instanceof AppError && (err.status === 404 || err.status === 409 || err.status === 412)) {
        return render(req, res, err.status === 404 ? 409 : err.status, { message: err.message });
      }
      throw err;
    }
  });

  return router;
}

const str = (body: Record<string, unknown>, name: string, max: number) =>
  typeof body[name] === 'string' ? (body[name] as string).slice(0, max) : '';

function formValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = { version: str(body, 'version', 12), template: str(body, 'template', 10) };
  for (const k of REPORT_TEXT_KEYS) out[k] = str(body, k, 25_000);
  for (const f of REPORT_FIGURE_FIELDS) out[f.key] = str(body, f.key, 20);
  return out;
}

function valuesOf(record: Awaited<ReturnType<typeof reportRecord>>): FormValues {
  const out: FormValues = { version: record.version === null ? '' : String(record.version), template: record.template };
  for (const k of REPORT_TEXT_KEYS) out[k] = record.texts[k];
  for (const f of REPORT_FIGURE_FIELDS) out[f.key] = String(record.figures[f.key]);
  return out;
}
