/**
 * Periods of Beijing dates as half-open UTC instant ranges, so stored UTC timestamps
 * (ISO-8601 text) can be compared with an index: [from 00:00 Beijing, day after `to` 00:00 Beijing).
 */
import { addCalendarDays, isIsoDate } from './working-days';

export interface UtcRange {
  fromAt: string;
  toAt: string;
}

/** The UTC instant at which a Beijing calendar day starts (UTC+8, no daylight saving since 1991). */
export function beijingDayStartUtc(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

/** Inclusive Beijing dates → half-open UTC range. */
export function beijingDateRange(from: string, to: string): UtcRange {
  return { fromAt: beijingDayStartUtc(from), toAt: beijingDayStartUtc(addCalendarDays(to, 1)) };
}

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}$/.test(value) && isIsoDate(`${value}-01`);
}

export function monthFirstDay(month: string): string {
  return `${month}-01`;
}

export function monthLastDay(month: string): string {
  return addCalendarDays(`${nextMonth(month)}-01`, -1);
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function beijingMonthRange(month: string): UtcRange {
  return beijingDateRange(monthFirstDay(month), monthLastDay(month));
}

/** Every month from the month of `from` to the month of `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = nextMonth(m)) out.push(m);
  return out;
}
