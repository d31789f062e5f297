/**
 * Failed-login throttling: after `threshold` failures within `windowMs`, the key (an account name
 * or a client address) is locked; each further lock lasts twice as long as the one before, up to
 * `maxLockMs`. A day without failures forgets the earlier locks.
 */
export interface ThrottlePolicy {
  threshold: number;
  windowMs: number;
  firstLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
}

const MINUTE = 60_000;

export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  threshold: 5,
  windowMs: 15 * MINUTE,
  firstLockMs: MINUTE,
  maxLockMs: 30 * MINUTE,
  forgetAfterMs: 24 * 60 * MINUTE,
};

/** Higher: one office NAT carries many colleagues mistyping their own passwords. */
export const IP_THROTTLE: ThrottlePolicy = { ...ACCOUNT_THROTTLE, threshold: 20 };

export interface ThrottleState {
  key: string;
  failures: number;
  windowStart: string | null;
  lockedUntil: string | null;
  lockLevel: number;
  lastFailureAt: string | null;
}

export const emptyThrottle = (key: string): ThrottleState => ({
  key,
  failures: 0,
  windowStart: null,
  lockedUntil: null,
  lockLevel: 0,
  lastFailureAt: null,
});

export const accountThrottleKey = (username: string) => `user:${username.trim().toLowerCase().slice(0, 100)}`;
export const ipThrottleKey = (ip: string) => `ip:${ip.slice(0, 100)}`;

/** Milliseconds the key stays locked at `now`, 0 when it is not. */
export function lockRemainingMs(s: ThrottleState | null, now: Date): number {
  if (!s?.lockedUntil) return 0;
  return Math.max(0, Date.parse(s.lockedUntil) - now.getTime());
}

/** The state after one more failure at `now`; `locked` tells whether this failure started a lock. */
export function afterFailure(prev: ThrottleState, now: Date, p: ThrottlePolicy): { state: ThrottleState; locked: boolean } {
  const t = now.getTime();
  const s = { ...prev };
  if (lockRemainingMs(s, now) > 0) return { state: s, locked: false };
  if (s.lastFailureAt && t - Date.parse(s.lastFailureAt) >= p.forgetAfterMs) s.lockLevel = 0;
  if (!s.windowStart || t - Date.parse(s.windowStart) >= p.windowMs) {
    s.failures = 0;
    s.windowStart = now.toISOString();
  }
  s.failures += 1;
  s.lastFailureAt = now.toISOString();
  if (s.failures < p.threshold) return { state: s, locked: false };
  const lockMs = Math.min(p.maxLockMs, p.firstLockMs * 2 ** Math.min(s.lockLevel, 20));
  s.lockedUntil = new Date(t + lockMs).toISOString();
  s.lockLevel += 1;
  s.failures = 0;
  s.windowStart = null;
  return { state: s, locked: true };
}
