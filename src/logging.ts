import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const HIDDEN = '[已隐藏]';

/** Field names whose values never reach a log line, at any depth. */
const SECRET_KEY = /^(password|passwd|pwd|current|confirm|newPassword|token|accessToken|refreshToken|authorization|cookie|set-cookie|secret|sessionSecret|_csrf|csrfToken|idNumber|phone|phoneLast4|email|t)$/i;

/**
 * Applicant identifiers inside free text: 18-character 统一社会信用代码, 18-digit 身份证号 (and
 * 15-digit old ones), mobile numbers, landlines, and any other long digit run.
 */
const CREDIT_CODE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g;
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)/g;
const LANDLINE = /(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)/g;
const DIGIT_RUN = /\d{7,}/g;

/** Masks ID-number-like and phone-like runs in a string. */
export function maskText(s: string): string {
  return s.replace(CREDIT_CODE, '***').replace(ID_NUMBER, '***').replace(LANDLINE, '***').replace(DIGIT_RUN, '***');
}

/** A copy with secret fields hidden and identifiers masked in every string, however deep. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return maskDeep(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? HIDDEN : maskDeep(v, depth + 1);
  return out;
}

/** Query values of these names are secrets or personal data (the document link's `t`, digits checked). */
const SECRET_QUERY = /^(t|token|access_token|password|phone|phoneLast4|idNumber|_csrf)$/i;

/** The path and query string as logged: secret values hidden, identifiers masked. */
export function loggedUrl(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  if (q < 0) return maskText(originalUrl.slice(0, 500));
  const params = new URLSearchParams(originalUrl.slice(q + 1));
  const shown = [...params].slice(0, 30).map(([k, v]) => `${k}=${SECRET_QUERY.test(k) ? HIDDEN : v}`);
  return maskText(`${originalUrl.slice(0, q)}?${shown.join('&')}`.slice(0, 500));
}

/**
 * The one logger: JSON lines with ISO times. Redaction twice over: pino's redact paths for the
 * fields we know, and a formatter that hides secret-named fields and masks identifiers anywhere.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'headers.authorization',
          'headers.cookie',
          'req.headers.authorization',
          'req.headers.cookie',
          'idNumber',
          '*.idNumber',
          'phone',
          '*.phone',
        ],
        censor: HIDDEN,
      },
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      serializers: { err: (e: unknown) => maskDeep(e) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is a short safe token), echoes it in
 * the response, and writes one access line when the response ends.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    res.locals.requestId = id;
    res.locals.log = logger.child({ reqId: id });
    res.set('X-Request-Id', id);
    const started = process.hrtime.bigint();
    let done = false;
    const line = () => {
      if (done) return;
      done = true;
      const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      (res.locals.log as Logger).info(
        { method: req.method, url: loggedUrl(req.originalUrl), status: res.statusCode, ms, ip: req.ip, aborted: !res.writableFinished },
        'request',
      );
    };
    res.on('finish', line);
    res.on('close', line);
    next();
  };
}
