import type { CalendarOverrideRecord } from '../domain/model';
import { addCalendarDays, type WorkingCalendar } from '../domain/working-days';

export interface CalendarCell {
  date: string;
  day: number;
  working: boolean | null;
  why: 'weekend' | 'holiday' | 'makeup_workday' | 'weekday';
  override: CalendarOverrideRecord | null;
}

/** Weeks (Monday first) of a month, each day marked working, off, make-up or not covered. */
export function monthGrid(month: string, cal: WorkingCalendar, overrides: readonly CalendarOverrideRecord[]): (CalendarCell | null)[][] {
  const byDate = new Map(overrides.map((o) => [o.date, o]));
  const first = `${month}-01`;
  const lead = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
  const cells: (CalendarCell | null)[] = Array.from({ length: lead }, () => null);
  for (let d = first; d.startsWith(month); d = addCalendarDays(d, 1)) {
    cells.push({ date: d, day: Number(d.slice(8)), working: cal.isWorkingDay(d), why: cal.describe(d), override: byDate.get(d) ?? null });
  }
  while (cells.length % 7) cells.push(null);
  const weeks: (CalendarCell | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
