import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../domain/errors';
import { beijingDateTime } from '../domain/beijing-time';

/**
 * What the routes need of a rate limiter: the in-memory one below for a single instance, or one
 * whose counters are shared by every instance (PostgreSQL, src/store/postgres/pg-shared.ts).
 */
export interface Limiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts one hit; resolves to the seconds to wait when over the limit, else 0. */
  hit(key: string): number | Promise<number>;
  reset(key: string): void | Promise<void>;
}

/**
 * Fixed-window counter per key, in memory. Bounded: expired windows are swept, so a flood of
 * distinct IPs cannot grow it without limit.
 */
export class RateLimiter implements Limiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; returns seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const now = this.now();
    this.sweep(now);
    let entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + this.windowMs };
      this.hits.set(key, entry);
    }
    entry.count++;
    return entry.count > this.limit ? Math.max(1, Math.ceil((entry.resetAt - now) / 1000)) : 0;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs && this.hits.size < 100_000) return;
    this.lastSweep = now;
    for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number, message = '操作过于频繁，请稍后再试', code = 'rate_limited') {
    super(429, code, message);
  }
}

/** The Chinese notice of a login lock: when to retry, and nothing about whether the account exists. */
export function loginLockMessage(until: string, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `登录失败次数过多，已暂时锁定。请于北京时间 ${beijingDateTime(until)} 之后（约 ${minutes} 分钟后）再试。`;
}

export function rateLimit(limiter: Limiter, keyOf: (req: Request) => string = (req) => req.ip ?? 'unknown') {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const wait = await limiter.hit(keyOf(req));
    if (wait > 0) return next(new TooManyRequestsError(wait));
    next();
  };
}
