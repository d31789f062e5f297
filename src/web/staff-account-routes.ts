import { Router, type Response } from 'express';
import { z } from 'zod';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import { ROLES, type Role, type Staff } from '../domain/model';
import { changeOwnPassword, createAccount, findAccount, resetPassword, updateAccount } from '../services/accounts';
import { parseInput } from './schemas';
import { clearSessionCookie, requireRole } from './security';
import { pagination } from './view-helpers';
import type { AuthEventKind } from '../store/store';

const AUTH_LOG_PAGE_SIZE = 50;

export const AUTH_EVENT_LABELS: Record<AuthEventKind, string> = {
  login_succeeded: '登录成功',
  login_failed: '登录失败',
  login_locked: '登录锁定',
  logout: '退出登录',
  lock_cleared: '解除锁定',
  token_issued: '签发访问令牌',
  token_revoked: '注销访问令牌',
};

const idParam = (raw: unknown): number => {
  const s = String(raw);
  if (!/^\d{1,9}$/.test(s)) throw new AppError(404, 'staff_not_found', '没有这个账号');
  return Number(s);
};

const optionalId = z
  .string()
  .trim()
  .max(12)
  .transform((v, ctx) => {
    if (v === '') return null;
    if (!/^\d+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: '请从列表中选择' });
      return z.NEVER;
    }
    return Number(v);
  });

const accountSchema = z.object({
  displayName: z.string().trim().min(1, '请填写姓名').max(50, '姓名过长'),
  role: z.enum(ROLES as [Role, ...Role[]], { error: '请选择角色' }),
  departmentId: optionalId,
  windowId: optionalId,
  active: z.boolean(),
});

const newAccountSchema = accountSchema.extend({
  username: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_.-]{2,29}$/, '用户名为3–30位小写字母、数字、点、下划线或短横线，以字母开头'),
  password: z.string().max(200, '密码过长'),
});

/** 账号管理 (admins) and 修改密码 (everyone signed in). */
export function staffAccountRoutes(ctx: WebContext): Router {
  const { deps, config } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  const str = (body: Record<string, unknown>, k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');

  router.get('/password', (_req, res) => {
    res.render('staff/password', { title: '修改密码', errors: {} });
  });

  router.post('/password', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    try {
      await changeOwnPassword(deps, staffOf(res), {
        current: str(body, 'current'),
        password: str(body, 'password'),
        confirm: str(body, 'confirm'),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('staff/password', { title: '修改密码', errors: err.fields ?? {} });
      return;
    }
    clearSessionCookie(res, config.env === 'production');
    res.redirect(303, '/staff/login?changed=1');
  });

  const admin = requireRole('admin');
  const formData = async () => ({
    departments: await deps.store.listDepartments(),
    windows: await deps.store.listWindows(),
    roles: ROLES,
  });

  router.get('/admin/accounts', admin, async (req, res) => {
    res.render('staff/accounts', {
      title: '账号管理',
      accounts: await deps.store.listStaff(),
      locks: await ctx.auth.listLoginLocks(staffOf(res)),
      cleared: typeof req.query.cleared === 'string' ? req.query.cleared.slice(0, 110) : null,
      ...(await formData()),
    });
  });

  /** Lifts a login lock of an account name or a client address. */
  router.post('/admin/login-locks/clear', admin, async (req, res) => {
    const key = str(req.body as Record<string, unknown>, 'key');
    if (!/^(user|ip):.{1,100}$/s.test(key)) throw new AppError(400, 'bad_request', '请从列表中选择要解除的锁定');
    await ctx.auth.clearLoginLock(staffOf(res), key, { ip: req.ip ?? 'unknown' });
    res.redirect(303, `/staff/admin/accounts?cleared=${encodeURIComponent(key)}`);
  });

  // ─── API tokens: own ones for everybody, all of them for administrators ───
  router.get('/tokens', async (req, res) => {
    const staff = staffOf(res);
    res.render('staff/tokens', {
      title: '访问令牌',
      own: await ctx.auth.listApiTokens(staff),
      all: staff.role === 'admin' ? await ctx.auth.listApiTokens(staff, true) : null,
      revoked: req.query.revoked === '1',
    });
  });

  router.post('/tokens/revoke', async (req, res) => {
    const id = str(req.body as Record<string, unknown>, 'id');
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(id) || !(await ctx.auth.revokeApiToken(staffOf(res), id, { ip: req.ip ?? 'unknown' }))) {
      throw new AppError(404, 'token_not_found', '没有这个访问令牌，或它已失效');
    }
    res.redirect(303, '/staff/tokens?revoked=1');
  });

  // ─── Authentication log (登录日志) ───
  router.get('/admin/auth-log', admin, async (req, res) => {
    const q = parseInput(
      z.object({
        kind: z
          .string()
          .optional()
          .transform((v) => (v && v in AUTH_EVENT_LABELS ? (v as AuthEventKind) : undefined)),
        page: z.coerce.number({ error: '页码须为正整数' }).int().min(1, '页码须为正整数').max(100000).default(1),
      }),
      req.query,
    );
    const result = await deps.store.listAuthEvents({ kind: q.kind, limit: AUTH_LOG_PAGE_SIZE, offset: (q.page - 1) * AUTH_LOG_PAGE_SIZE });
    res.render('staff/auth-log', {
      title: '登录日志',
      events: result.rows,
      total: result.total,
      kind: q.kind ?? '',
      labels: AUTH_EVENT_LABELS,
      pager: pagination(q.page, AUTH_LOG_PAGE_SIZE, result.total, `/staff/admin/auth-log${q.kind ? `?kind=${q.kind}` : ''}`),
    });
  });

  const renderForm = async (res: Response, status: number, view: { account: Staff | null; values: Record<string, unknown>; errors: Record<string, string> }) => {
    res.status(status).render('staff/account-form', { title: view.account ? '编辑账号' : '新建账号', ...view, ...(await formData()), passwordErrors: {} });
  };

  const valuesOf = (body: Record<string, unknown>) => ({
    username: str(body, 'username'),
    displayName: str(body, 'displayName'),
    role: str(body, 'role'),
    departmentId: str(body, 'departmentId'),
    windowId: str(body, 'windowId'),
    active: body.active === 'on',
    password: str(body, 'password'),
  });

  router.get('/admin/accounts/new', admin, (_req, res) =>
    renderForm(res, 200, { account: null, values: { role: 'window_staff', active: true }, errors: {} }),
  );

  router.post('/admin/accounts', admin, async (req, res) => {
    const values = valuesOf(req.body as Record<string, unknown>);
    try {
      const created = await createAccount(deps, staffOf(res), parseInput(newAccountSchema, values));
      res.redirect(303, `/staff/admin/accounts?saved=${encodeURIComponent(created.username)}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await renderForm(res, 400, { account: null, values: { ...values, password: '' }, errors: err.fields ?? {} });
    }
  });

  router.get('/admin/accounts/:id/edit', admin, async (req, res) => {
    const account = await findAccount(deps, staffOf(res), idParam(req.params.id));
    await renderForm(res, 200, {
      account,
      values: { ...account, departmentId: account.departmentId ?? '', windowId: account.windowId ?? '' },
      errors: {},
    });
  });

  router.post('/admin/accounts/:id', admin, async (req, res) => {
    const account = await findAccount(deps, staffOf(res), idParam(req.params.id));
    const values = valuesOf(req.body as Record<string, unknown>);
    try {
      await updateAccount(deps, staffOf(res), account.id, parseInput(accountSchema, values));
      res.redirect(303, `/staff/admin/accounts?saved=${encodeURIComponent(account.username)}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await renderForm(res, 400, { account, values: { ...values, username: account.username }, errors: err.fields ?? {} });
    }
  });

  router.post('/admin/accounts/:id/password', admin, async (req, res) => {
    const account = await findAccount(deps, staffOf(res), idParam(req.params.id));
    try {
      await resetPassword(deps, staffOf(res), account.id, str(req.body as Record<string, unknown>, 'password'));
      res.redirect(303, `/staff/admin/accounts?reset=${encodeURIComponent(account.username)}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('staff/account-form', {
        title: '编辑账号',
        account,
        values: { ...account, departmentId: account.departmentId ?? '', windowId: account.windowId ?? '' },
        errors: {},
        passwordErrors: err.fields ?? {},
        ...(await formData()),
      });
    }
  });

  return router;
}
