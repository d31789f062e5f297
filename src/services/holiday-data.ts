import type { CalendarData } from '../domain/working-days';

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let cached: CalendarData | undefined;

/**
 * State Council holiday arrangements from the maintained `chinese-days` package (2004 onward).
 * A year counts as covered only if the package lists holidays in it.
 */
export function chineseDaysCalendarData(): CalendarData {
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysJson;
  const holidays = Object.keys(data.holidays);
  const years = [...new Set(holidays.map((d) => Number(d.slice(0, 4))))].sort();
  cached = { holidays, workdays: Object.keys(data.workdays), years };
  return cached;
}
