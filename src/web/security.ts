import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { AppError, UnauthorizedError } from '../domain/errors';
import type { Role, Staff } from '../domain/model';
import type { AuthService } from '../services/auth';
import { readCookie } from './cookies';

export const SESSION_COOKIE = 'bjt_sid';
export const PRE_CSRF_COOKIE = 'bjt_csrf';

/** A fresh nonce per response; CSP allows only our own files plus scripts carrying this nonce. */
export function securityHeaders(production: boolean): RequestHandler[] {
  const headers = capturedHeaders(helmetFor(production));
  const setHeaders: RequestHandler = (_req, res, next) => {
    const nonce = nextNonce();
    res.locals.cspNonce = nonce;
    for (const h of headers) res.setHeader(h.name, h.parts.length === 1 ? h.parts[0] : h.parts.join(nonce));
    next();
  };
  return [setHeaders];
}

/** helmet with our policy; exported for the test that compares it with the recorded headers. */
export function helmetFor(production: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

const NONCE_MARK = 'NONCEMARK0';

/**
 * helmet's headers do not depend on the request, only the CSP's nonce changes: helmet runs once on a
 * recording response, and each request sets the recorded values (helmet's dozen middlewares cost more
 * per request than a whole lookup's SQL). Each value is split around the nonce's place.
 */
function capturedHeaders(mw: ReturnType<typeof helmet>): { name: string; parts: string[] }[] {
  const recorded = new Map<string, string>();
  const res = {
    locals: { cspNonce: NONCE_MARK },
    setHeader: (name: string, value: string) => recorded.set(name, String(value)),
    removeHeader: (name: string) => recorded.delete(name),
  };
  let failed: unknown;
  mw({ method: 'GET', headers: {} } as Request, res as unknown as Response, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return [...recorded].map(([name, value]) => ({ name, parts: value.split(NONCE_MARK) }));
}

/** 16 random bytes per nonce, drawn from a pool refilled 256 nonces at a time (one getrandom call, not one per response). */
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

function nextNonce(): string {
  if (nonceOffset === noncePool.length) {
    crypto.randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString('base64', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

export interface StaffLocals {
  staff?: Staff;
  csrfToken: string;
  sessionToken?: string;
}

function cookieFlags(production: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${production ? '; Secure' : ''}`;
}

export function setSessionCookie(res: Response, token: string, production: boolean): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${token}; ${cookieFlags(production)}`);
}

export function clearSessionCookie(res: Response, production: boolean): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieFlags(production)}`);
}

/**
 * Loads the staff session (if any) into res.locals. Without a session, a random pre-session
 * CSRF cookie protects the login form itself.
 */
export function staffSession(auth: AuthService, production: boolean): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    const resolved = token ? await auth.resolveSession(token) : null;
    if (resolved) {
      res.locals.staff = resolved.staff;
      res.locals.csrfToken = resolved.session.csrfToken;
      res.locals.sessionToken = token;
    } else {
      if (token) clearSessionCookie(res, production);
      let pre = readCookie(req, PRE_CSRF_COOKIE);
      if (!pre || !/^[A-Za-z0-9_-]{32}$/.test(pre)) {
        pre = crypto.randomBytes(24).toString('base64url');
        res.append('Set-Cookie', `${PRE_CSRF_COOKIE}=${pre}; ${cookieFlags(production)}`);
      }
      res.locals.csrfToken = pre;
    }
    next();
  };
}

/** Public forms: the same pre-session cookie as the login form, echoed in the form (double submit). */
export function publicCsrf(production: boolean): RequestHandler {
  return (req, res, next) => {
    let pre = readCookie(req, PRE_CSRF_COOKIE);
    if (!pre || !/^[A-Za-z0-9_-]{32}$/.test(pre)) {
      pre = crypto.randomBytes(24).toString('base64url');
      res.append('Set-Cookie', `${PRE_CSRF_COOKIE}=${pre}; ${cookieFlags(production)}`);
    }
    res.locals.csrfToken = pre;
    next();
  };
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_failed', '页面已过期或来源无效，请返回上一页刷新后重试');
  }
}

/** Every state-changing form must echo the token of this session (or pre-session cookie). */
export const verifyCsrf: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const sent = typeof req.body?._csrf === 'string' ? req.body._csrf : '';
  const expected = String(res.locals.csrfToken ?? '');
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  if (a.length === 0 || a.length !== b.length || !crypto.timingSafeEqual(a, b)) return next(new CsrfError());
  next();
};

export function requireStaffPage(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.staff) return next();
  if (req.method === 'GET') {
    res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(new UnauthorizedError('登录已过期，请重新登录'));
}

/** Bearer token for the JSON API. */
export function apiAuth(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+([A-Za-z0-9_-]{10,200})$/i.exec(header);
    if (!match) return next(new UnauthorizedError(header ? '访问令牌格式有误' : '缺少访问令牌（Authorization: Bearer）'));
    const resolved = await auth.resolveApiToken(match[1]);
    if (!resolved) return next(new UnauthorizedError('访问令牌无效或已过期'));
    res.locals.staff = resolved.staff;
    res.locals.apiTokenId = resolved.tokenId;
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const staff = res.locals.staff as Staff | undefined;
    if (!staff) return next(new UnauthorizedError());
    if (!roles.includes(staff.role)) return next(new AppError(403, 'forbidden', '您的角色无权进行此操作'));
    next();
  };
}
