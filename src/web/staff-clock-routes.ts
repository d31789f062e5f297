import { Router, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import { addCalendarDays, isIsoDate } from '../domain/working-days';
import { declareCalendarYear, deleteCalendarOverride, putCalendarOverride } from '../services/calendar-admin';
import { assertMayDecideExtensions, decideExtension } from '../services/extensions';
import { monthGrid } from '../services/calendar-view';
import { countUrgent, listWorklist, staffClockContext } from '../services/worklist';
import { departmentScope } from '../services/access';
import { calendarOverrideSchema, calendarYearSchema, extensionDecisionSchema, parseInput } from './schemas';
import { requireRole } from './security';

/** Supervision (overdue, due soon, extension approvals) and the holiday calendar admin. */
export function staffClockRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;

  router.get('/supervision', requireRole('supervisor', 'admin'), async (_req, res) => {
    const staff = staffOf(res);
    const [overdue, dueSoon, requests] = await Promise.all([
      listWorklist(deps, staff, { clockStatus: 'overdue' }, 1, 100),
      listWorklist(deps, staff, { clockStatus: 'due_soon' }, 1, 100),
      deps.store.listExtensionRequests({ departmentId: departmentScope(staff), status: 'pending' }),
    ]);
    res.render('staff/supervision', {
      title: '督办',
      overdue,
      dueSoon,
      requests,
      counts: await countUrgent(deps, staff, overdue.ctx),
      decided: typeof _req.query.decided === 'string' ? _req.query.decided : null,
      errors: {},
      errorFor: null,
    });
  });

  router.post('/extensions/:id/decision', async (req, res) => {
    // Role first, then the form: a window clerk learns nothing from validation messages.
    assertMayDecideExtensions(staffOf(res));
    const raw = String(req.params.id);
    const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该延期申请');
    const input = parseInput(extensionDecisionSchema, req.body);
    try {
      await decideExtension(deps, staffOf(res), id, { approve: input.decision === 'approve', note: input.note });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('error', {
        title: '请填写审批意见',
        error: err,
        staffArea: true,
      });
      return;
    }
    res.redirect(303, `/staff/supervision?decided=${input.decision}`);
  });

  const renderCalendar = async (res: Response, status: number, month: string, extra: object = {}) => {
    const [overrides, years, c] = await Promise.all([
      deps.store.listCalendarOverrides(),
      deps.store.listCalendarYears(),
      staffClockContext(deps),
    ]);
    const undetermined = await deps.store.listCases({ clockState: 'undetermined', order: 'urgency', limit: 50, offset: 0 });
    res.status(status).render('staff/calendar', {
      title: '节假日安排',
      month,
      grid: monthGrid(month, c.cal, overrides),
      prevMonth: addCalendarDays(`${month}-01`, -1).slice(0, 7),
      nextMonth: addCalendarDays(`${month}-28`, 7).slice(0, 7),
      overrides,
      years,
      nextYear: Number(c.today.slice(0, 4)) + 1,
      nextYearCovered: c.cal.isCovered(Number(c.today.slice(0, 4)) + 1),
      undetermined,
      errors: {},
      values: {},
      yearErrors: {},
      yearValues: {},
      updated: null,
      ...extra,
    });
  };

  router.get('/calendar', requireRole('admin'), async (req, res) => {
    const m = typeof req.query.month === 'string' && /^\d{4}-\d{2}$/.test(req.query.month) && isIsoDate(`${req.query.month}-01`)
      ? req.query.month
      : (await staffClockContext(deps)).today.slice(0, 7);
    const updated = typeof req.query.updated === 'string' && /^\d{1,7}$/.test(req.query.updated) ? Number(req.query.updated) : null;
    await renderCalendar(res, 200, m, { updated });
  });

  router.post('/calendar/overrides', requireRole('admin'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = { date: String(body.date ?? ''), kind: String(body.kind ?? ''), notice: String(body.notice ?? '') };
    let input;
    try {
      input = parseInput(calendarOverrideSchema, values);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const month = /^\d{4}-\d{2}/.test(values.date) ? values.date.slice(0, 7) : (await staffClockContext(deps)).today.slice(0, 7);
      return renderCalendar(res, 400, isIsoDate(`${month}-01`) ? month : (await staffClockContext(deps)).today.slice(0, 7), {
        errors: err.fields,
        values,
      });
    }
    const updated = await putCalendarOverride(deps, staffOf(res), input);
    res.redirect(303, `/staff/calendar?month=${input.date.slice(0, 7)}&updated=${updated}`);
  });

  router.post('/calendar/overrides/:date/delete', requireRole('admin'), async (req, res) => {
    const date = String(req.params.date);
    if (!isIsoDate(date)) throw new AppError(404, 'not_found', '没有这个日期的调整');
    const updated = await deleteCalendarOverride(deps, staffOf(res), date);
    res.redirect(303, `/staff/calendar?month=${date.slice(0, 7)}&updated=${updated}`);
  });

  router.post('/calendar/years', requireRole('admin'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const yearValues = { year: String(body.year ?? ''), notice: String(body.notice ?? '') };
    let input;
    try {
      input = parseInput(calendarYearSchema, yearValues);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderCalendar(res, 400, (await staffClockContext(deps)).today.slice(0, 7), { yearErrors: err.fields, yearValues });
    }
    const updated = await declareCalendarYear(deps, staffOf(res), input);
    res.redirect(303, `/staff/calendar?month=${input.year}-01&updated=${updated}`);
  });

  return router;
}
