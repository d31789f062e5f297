import crypto from 'node:crypto';
import type { Staff } from '../domain/model';
import type { SessionRecord, Store } from '../store/store';
import type { Clock } from './deps';
import { dummyPasswordHash, verifyPassword } from './passwords';

export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const API_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;
/** Refresh last-seen at most once a minute, not one write per request. */
const TOUCH_EVERY_MS = 60 * 1000;

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

  async issueApiToken(staff: Staff): Promise<{ token: string; expiresAt: string }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + API_TOKEN_TTL_MS).toISOString();
    await this.store.createApiToken({ id: this.digest('api', token), staffId: staff.id, expiresAt });
    return { token, expiresAt };
  }

  async resolveApiToken(token: string): Promise<Staff | null> {
    const record = await this.store.findApiToken(this.digest('api', token));
    if (!record || this.clock.now().getTime() >= Date.parse(record.expiresAt)) return null;
    const staff = await this.store.findStaffById(record.staffId);
    return staff && staff.active ? staff : null;
  }
}

/** SESSION_SECRET from the environment, or one generated once and kept in the database. */
export async function resolveSessionSecret(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  return store.putSettingIfAbsent('session_secret', crypto.randomBytes(32).toString('base64url'));
}
