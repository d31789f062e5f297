import crypto from 'node:crypto';

/**
 * After the phone check, the applicant's document links carry a short-lived signed token, so the
 * detail tier needs no session: HMAC(secret, queryNo | expiry).
 */
const TTL_MS = 30 * 60 * 1000;

function mac(secret: string, queryNo: string, exp: number): string {
  return crypto.createHmac('sha256', secret).update(`detail:${queryNo}|${exp}`).digest('base64url');
}

export function signDetailToken(secret: string, queryNo: string, now: Date): string {
  const exp = now.getTime() + TTL_MS;
  return `${exp}.${mac(secret, queryNo, exp)}`;
}

export function verifyDetailToken(secret: string, queryNo: string, token: unknown, now: Date): boolean {
  if (typeof token !== 'string') return false;
  const m = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || Number(m[1]) <= now.getTime()) return false;
  const expected = Buffer.from(mac(secret, queryNo, Number(m[1])));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
