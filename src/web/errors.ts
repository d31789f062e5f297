import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, NotFoundError } from '../domain/errors';
import { TooManyRequestsError } from './rate-limit';

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError('not_found', '您访问的页面不存在'));
};

/** Body-parser and other http-errors carry `status`/`type`; everything else is a 500. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', '请求体不是有效的 JSON');
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', '提交的内容过大');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return new AppError(415, 'unsupported_encoding', '不支持的字符编码');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, 'bad_request', '请求无效');
  }
  return new AppError(500, 'internal_error', '系统繁忙，请稍后再试');
}

/** `log` gets the response too, whose locals carry the request's logger (with its request id). */
export function errorHandler(log: (err: unknown, res: Response) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) log(err, res);
    // Mid-stream (an export): too late for an error page; Express's final handler closes the connection.
    if (res.headersSent) return next(err);
    if (appErr instanceof TooManyRequestsError) res.set('Retry-After', String(appErr.retryAfterSeconds));
    res.status(appErr.status);
    const body = {
      error: { code: appErr.code, message: appErr.message, ...(appErr.fields ? { fields: appErr.fields } : {}) },
    };
    // The full path: this handler also ends a mounted router (the API's), where req.path is relative.
    const fullPath = req.baseUrl + req.path;
    if (fullPath.startsWith('/api/') || fullPath === '/healthz') {
      res.json(body);
      return;
    }
    const staffArea = fullPath.startsWith('/staff') && Boolean(res.locals.staff);
    res.render('error', { title: errorTitle(appErr.status), error: appErr, staffArea });
  };
}

function errorTitle(status: number): string {
  if (status === 404) return '页面不存在';
  if (status === 403) return '无权访问';
  if (status === 401) return '请先登录';
  if (status === 429) return '操作过于频繁';
  if (status >= 500) return '系统繁忙';
  return '请求有误';
}
