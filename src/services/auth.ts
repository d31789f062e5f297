import crypto from 'node:crypto';
import { ForbiddenError } from '../domain/errors';
import type { Staff } from '../domain/model';
import {
  ACCOUNT_THROTTLE,
  accountThrottleKey,
  afterFailure,
  IP_THROTTLE,
  ipThrottleKey,
  lockRemainingMs,
  type ThrottleState,
} from '../domain/login-throttle';
import type { ApiTokenInfo, AuthEventKind, SessionRecord, Store } from '../store/store';
import type { Clock } from './deps';
import { dummyPasswordHash, verifyPassword } from './passwords';

export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const API_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;
/** Refresh last-seen at most once a minute, not one write per request. */
const TOUCH_EVERY_MS = 60 * 1000;

export type LoginResult =
  | { kind: 'ok'; staff: Staff }
  | { kind: 'failed' }
  /** Too many failures for this account name or this address: no password is checked until `until`. */
  | { kind: 'locked'; until: string; retryAfterSeconds: number };

/** Where a request comes from, for the throttle and the authentication log. */
export interface Origin {
  ip: string;
}

/** Secrets are never stored: the database keeps an HMAC of each session or API token. */
export class AuthService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly secret: string,
  ) {}

  private digest(kind: string, token: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${kind}:${token}`).digest('base64url');
  }

  /** Same work and the same answer for an unknown user as for a wrong password. */
  async authenticate(username: string, password: string): Promise<Staff | null> {
    const staff = await this.store.findStaffByUsername(username);
    const ok = await verifyPassword(password, staff?.passwordHash ?? (await dummyPasswordHash()));
    return ok && staff && staff.active ? staff : null;
  }

  /**
   * A login attempt through the throttle. An unknown name and a wrong password take the same path
   * (same counters, same work, same answer), so neither the answer nor a lock reveals which names exist.
   */
  async login(username: string, password: string, origin: Origin): Promise<LoginResult> {
    const userKey = accountThrottleKey(username);
    const ipKey = ipThrottleKey(origin.ip);
    const now = this.clock.now();
    // While locked no password is checked and nothing is written: the lock itself was logged, and
    // an attack then costs the database no writes.
    const locked = await this.lockedUntil([userKey, ipKey], now);
    if (locked) return locked;
    const staff = await this.authenticate(username, password);
    const at = now.toISOString();
    const typed = username.slice(0, 50);
    if (staff) {
      await this.store.deleteLoginThrottle(userKey);
      await this.record('login_succeeded', { staffId: staff.id, username: staff.username, ip: origin.ip });
      return { kind: 'ok', staff };
    }
    await this.store.addAuthEvent({ at, kind: 'login_failed', staffId: null, username: typed, ip: origin.ip });
    const locks: ThrottleState[] = [];
    for (const [key, policy, what] of [
      [userKey, ACCOUNT_THROTTLE, '用户名'],
      [ipKey, IP_THROTTLE, '来源地址'],
    ] as const) {
      const outcome = { locked: false };
      const state = await this.store.updateLoginThrottle(key, (prev) => {
        const r = afterFailure(prev, now, policy);
        outcome.locked = r.locked;
        return r.state;
      });
      if (outcome.locked) {
        locks.push(state);
        await this.store.addAuthEvent({
          at,
          kind: 'login_locked',
          staffId: null,
          username: typed,
          ip: origin.ip,
          detail: `按${what}锁定至 ${state.lockedUntil}`,
        });
      }
    }
    const longest = locks.sort((a, b) => lockRemainingMs(b, now) - lockRemainingMs(a, now))[0];
    return longest ? this.lockResult(longest, now) : { kind: 'failed' };
  }

  private async lockedUntil(keys: string[], now: Date): Promise<LoginResult | null> {
    const states = await this.store.findLoginThrottles(keys);
    const longest = states.reduce<ThrottleState | null>((a, s) => (lockRemainingMs(s, now) > lockRemainingMs(a, now) ? s : a), null);
    return longest && lockRemainingMs(longest, now) > 0 ? this.lockResult(longest, now) : null;
  }

  private lockResult(s: ThrottleState, now: Date): LoginResult {
    const ms = lockRemainingMs(s, now);
    return { kind: 'locked', until: s.lockedUntil as string, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  }

  /** Writes one authentication-log entry at the clock's time. */
  async record(
    kind: AuthEventKind,
    e: { staffId: number | null; username?: string; ip?: string; actorId?: number | null; detail?: string },
  ): Promise<void> {
    await this.store.addAuthEvent({
      at: this.clock.now().toISOString(),
      kind,
      staffId: e.staffId,
      username: e.username ?? '',
      ip: e.ip ?? '',
      actorId: e.actorId ?? null,
      detail: e.detail ?? '',
    });
  }

  async startSession(staff: Staff): Promise<{ token: string; csrfToken: string }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const now = this.clock.now();
    await this.store.createSession({
      id: this.digest('session', token),
      staffId: staff.id,
      csrfToken,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    });
    return { token, csrfToken };
  }

  async resolveSession(token: string): Promise<{ staff: Staff; session: SessionRecord } | null> {
    const id = this.digest('session', token);
    const session = await this.store.findSession(id);
    if (!session) return null;
    const now = this.clock.now().getTime();
    const idle = now - Date.parse(session.lastSeenAt);
    if (now >= Date.parse(session.expiresAt) || idle >= SESSION_IDLE_MS) {
      await this.store.deleteSession(id);
      return null;
    }
    const staff = await this.store.findStaffById(session.staffId);
    if (!staff || !staff.active) return null;
    if (idle >= TOUCH_EVERY_MS) await this.store.touchSession(id, new Date(now).toISOString());
    return { staff, session };
  }

  async endSession(token: string): Promise<void> {
    await this.store.deleteSession(this.digest('session', token));
  }

  async issueApiToken(staff: Staff, origin?: Origin): Promise<{ token: string; expiresAt: string }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + API_TOKEN_TTL_MS).toISOString();
    const id = this.digest('api', token);
    await this.store.createApiToken({ id, staffId: staff.id, expiresAt, createdAt: now.toISOString() });
    await this.record('token_issued', { staffId: staff.id, username: staff.username, ip: origin?.ip, detail: tokenLabel(id) });
    return { token, expiresAt };
  }

  /**
   * The active account a live bearer token belongs to, with the token's id: the digest under which it is
   * stored, what lists and revocations refer to.
   */
  async resolveApiToken(token: string): Promise<{ staff: Staff; tokenId: string } | null> {
    const tokenId = this.digest('api', token);
    const record = await this.store.findApiToken(tokenId);
    if (!record || this.clock.now().getTime() >= Date.parse(record.expiresAt)) return null;
    const staff = await this.store.findStaffById(record.staffId);
    return staff && staff.active ? { staff, tokenId } : null;
  }

  /** Live tokens of one account, or of every account for an administrator (`all`). */
  async listApiTokens(staff: Staff, all = false): Promise<ApiTokenInfo[]> {
    if (all && staff.role !== 'admin') throw new ForbiddenError('只有系统管理员可以查看全部访问令牌');
    return this.store.listApiTokens({ staffId: all ? undefined : staff.id, activeAt: this.clock.now().toISOString() });
  }

  /**
   * Revokes a token: its owner may revoke their own, an administrator any. False when there is no
   * such token the caller may revoke (the same answer either way, so ids cannot be probed).
   */
  async revokeApiToken(by: Staff, id: string, origin?: Origin): Promise<boolean> {
    const record = await this.store.findApiToken(id);
    if (!record || (record.staffId !== by.id && by.role !== 'admin')) return false;
    if (!(await this.store.deleteApiToken(id, record.staffId))) return false;
    await this.record('token_revoked', {
      staffId: record.staffId,
      actorId: record.staffId === by.id ? null : by.id,
      username: by.username,
      ip: origin?.ip,
      detail: tokenLabel(id),
    });
    return true;
  }

  /** Keys locked now (accounts and addresses), for administrators. */
  async listLoginLocks(admin: Staff): Promise<ThrottleState[]> {
    if (admin.role !== 'admin') throw new ForbiddenError('只有系统管理员可以管理登录锁定');
    return this.store.listLoginLocks(this.clock.now().toISOString());
  }

  /** An administrator lifts a lock (and forgets its counters). */
  async clearLoginLock(admin: Staff, key: string, origin?: Origin): Promise<boolean> {
    if (admin.role !== 'admin') throw new ForbiddenError('只有系统管理员可以管理登录锁定');
    if (!(await this.store.deleteLoginThrottle(key))) return false;
    const name = key.startsWith('user:') ? key.slice(5) : '';
    const account = name ? await this.store.findStaffByUsername(name) : null;
    await this.record('lock_cleared', {
      staffId: account?.id ?? null,
      actorId: admin.id,
      username: name,
      ip: origin?.ip,
      detail: key,
    });
    return true;
  }
}

/** A short, non-secret label of a stored token digest, for lists and logs. */
export function tokenLabel(id: string): string {
  return id.slice(0, 10);
}

/** SESSION_SECRET from the environment, or one generated once and kept in the database. */
export async function resolveSessionSecret(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  return store.putSettingIfAbsent('session_secret', crypto.randomBytes(32).toString('base64url'));
}
