/**
 * Dates and days are China Standard Time whatever the server's zone (DOMAIN.md "Time limits").
 * China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

function shifted(iso: string | Date): Date {
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return new Date(t + OFFSET_MS);
}

/** `YYYY-MM-DD` of the Beijing calendar day the instant falls on. */
export function beijingDate(iso: string | Date): string {
  return shifted(iso).toISOString().slice(0, 10);
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
