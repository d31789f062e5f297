/**
 * Dates and days are China Standard Time whatever the server's zone (DOMAIN.md "Time limits").
 * China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

function shifted(iso: string | Date): Date {
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return new Date(t + OFFSET_MS);
}

/** The stored form of an instant (`Date#toISOString`): `2026-03-02T08:15:00.000Z`. */
const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T([01]\d):\d{2}:\d{2}\.\d{3}Z$/;

const DAY_MS = 24 * 60 * 60 * 1000;
/** The Beijing day last computed for a Date, and the UTC bounds of that day: "today" is asked on every request. */
let lastDay = { from: 0, to: 0, date: '' };

/** `YYYY-MM-DD` of the Beijing calendar day the instant falls on. */
export function beijingDate(iso: string | Date): string {
  if (typeof iso === 'string') {
    // Hot path (every event of every lookup): a stored instant before 16:00 UTC is on the same day in Beijing.
    const m = STORED_INSTANT.exec(iso);
    if (m && m[1] < '16') return iso.slice(0, 10);
    return shifted(iso).toISOString().slice(0, 10);
  }
  const t = iso.getTime();
  if (t >= lastDay.from && t < lastDay.to) return lastDay.date;
  const date = shifted(iso).toISOString().slice(0, 10);
  if (Number.isFinite(t)) {
    const from = Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS;
    lastDay = { from, to: from + DAY_MS, date };
  }
  return date;
}

/** `YYYY-MM-DD HH:mm` in Beijing time, for display. */
export function beijingDateTime(iso: string | Date): string {
  const s = shifted(iso).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/** `YYYY年M月D日`, for printed documents. */
export function chineseDate(iso: string | Date): string {
  const [y, m, d] = beijingDate(iso).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real `YYYY-MM-DD` date (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = CALENDAR_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The UTC instant (ISO) at which the Beijing calendar day `YYYY-MM-DD` begins. */
export function beijingDayStart(date: string): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS).toISOString();
}

/** The UTC instant (ISO) at which the Beijing day after `YYYY-MM-DD` begins: an exclusive upper bound. */
export function beijingDayEnd(date: string): string {
  return new Date(Date.parse(beijingDayStart(date)) + 24 * 60 * 60 * 1000).toISOString();
}
