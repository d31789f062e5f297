import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import type { Staff } from '../domain/model';
import {
  canHandleRectification,
  closeRectification,
  listRectificationsFor,
  rectificationForStaff,
  recordFollowUp,
} from '../services/rectifications';
import { closeRectificationSchema, followUpSchema } from './evaluation-schemas';
import { pageQuerySchema, parseInput } from './schemas';
import { requireRole } from './security';
import { pagination } from './view-helpers';

const PAGE_SIZE = 30;

/** 差评整改: the supervisors' task list, and one task with its 回访 and closing note. */
export function staffEvaluationRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  const idOf = (req: Request) => {
    const id = /^\d{1,12}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError(404, 'not_found', '未找到该整改任务');
    return id;
  };

  router.get('/rectifications', requireRole('supervisor', 'admin'), async (req, res) => {
    const { page } = parseInput(pageQuerySchema, req.query);
    const result = await listRectificationsFor(deps, staffOf(res), page, PAGE_SIZE);
    res.render('staff/rectifications', {
      title: '差评整改',
      ...result,
      pager: pagination(page, PAGE_SIZE, result.total, '/staff/rectifications'),
    });
  });

  const renderTask = async (
    req: Request,
    res: Response,
    status: number,
    extra: { followUpErrors?: object; followUpValues?: object; closeErrors?: object; closeValues?: object; message?: string } = {},
  ) => {
    const staff = staffOf(res);
    const view = await rectificationForStaff(deps, staff, idOf(req));
    res.status(status).render('staff/rectification', {
      title: `差评整改 ${view.task.id}`,
      ...view,
      canHandle: canHandleRectification(staff, view.task),
      done: typeof req.query.done === 'string' ? req.query.done : null,
      followUpErrors: extra.followUpErrors ?? {},
      followUpValues: extra.followUpValues ?? { date: view.task.followUp?.date ?? view.today, result: view.task.followUp?.result ?? '' },
      closeErrors: extra.closeErrors ?? {},
      closeValues: extra.closeValues ?? { note: '' },
      message: extra.message ?? null,
    });
  };

  router.get('/rectifications/:id', (req, res) => renderTask(req, res, 200));

  // Role first, then the form: a window clerk learns nothing from validation messages.
  router.post('/rectifications/:id/follow-up', requireRole('supervisor', 'admin'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = { date: String(body.date ?? '').slice(0, 20), result: String(body.result ?? '').slice(0, 2000) };
    try {
      await recordFollowUp(deps, staffOf(res), idOf(req), parseInput(followUpSchema, values));
    } catch (err) {
      if (err instanceof ValidationError) return renderTask(req, res, 400, { followUpErrors: err.fields ?? {}, followUpValues: values });
      if (err instanceof AppError && err.status === 409) return renderTask(req, res, 409, { message: err.message });
      throw err;
    }
    res.redirect(303, `/staff/rectifications/${idOf(req)}?done=follow-up`);
  });

  router.post('/rectifications/:id/close', requireRole('supervisor', 'admin'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = { note: String(body.note ?? '').slice(0, 2000) };
    try {
      await closeRectification(deps, staffOf(res), idOf(req), parseInput(closeRectificationSchema, values));
    } catch (err) {
      if (err instanceof ValidationError) return renderTask(req, res, 400, { closeErrors: err.fields ?? {}, closeValues: values });
      if (err instanceof AppError && err.status === 409) return renderTask(req, res, 409, { message: err.message });
      throw err;
    }
    res.redirect(303, `/staff/rectifications/${idOf(req)}?done=closed`);
  });

  return router;
}
