import {
  addCalendarDays,
  addWorkingDays,
  createWorkingCalendar,
  isIsoDate,
  workingDaysBetween,
  type CalendarOverride,
} from '../../src/domain/working-days';
import { chineseDaysCalendarData } from '../../src/services/holiday-data';

const base = chineseDaysCalendarData();
const cal = createWorkingCalendar(base);
const due = (start: string, n: number, c = cal) => {
  const r = addWorkingDays(start, n, c);
  return r.kind === 'date' ? r.date : `undetermined ${r.year}`;
};

describe('addWorkingDays over the State Council calendar', () => {
  it.each([
    ['ordinary weekday', '2026-11-17', 1, '2026-11-18'],
    ['day 0 is the event day: n = 0 is the same day', '2026-11-17', 0, '2026-11-17'],
    ['Friday + 1 skips the weekend', '2026-11-20', 1, '2026-11-23'],
    ['Saturday + 1 is Monday', '2026-11-21', 1, '2026-11-23'],
    ['five working days span one weekend', '2026-11-18', 5, '2026-11-25'],
    ['20 working days (第四十二条) from a Monday', '2026-11-02', 20, '2026-11-30'],
    ['国庆+中秋 2026: 9-30 + 1 is 10-08', '2026-09-30', 1, '2026-10-08'],
    ['国庆 2026: make-up Saturday 10-10 is a working day', '2026-10-09', 1, '2026-10-10'],
    ['国庆 2026: make-up Sunday 9-20 is a working day', '2026-09-19', 1, '2026-09-20'],
    ['中秋 2026: Friday 9-25 is a holiday', '2026-09-24', 1, '2026-09-28'],
    ['春节 2026: make-up Saturday 2-14 works', '2026-02-13', 1, '2026-02-14'],
    ['春节 2026: the whole holiday is skipped', '2026-02-14', 1, '2026-02-24'],
    ['春节 2026: make-up Saturday 2-28 works', '2026-02-27', 1, '2026-02-28'],
    ['year end: 2025-12-31 + 1 is the make-up Sunday 2026-01-04', '2025-12-31', 1, '2026-01-04'],
    ['year end without make-up: 2024-12-31 + 1', '2024-12-31', 1, '2025-01-02'],
    ['leap day 2024-02-29 is an ordinary working day', '2024-02-28', 1, '2024-02-29'],
    ['across the leap day', '2024-02-28', 2, '2024-03-01'],
    ['a year without data is undetermined, never guessed', '2026-12-28', 5, 'undetermined 2027'],
  ])('%s: %s + %i → %s', (_label, start, n, expected) => {
    expect(due(start, n)).toBe(expected);
  });

  it('lists the skipped non-working dates for explanations', () => {
    const r = addWorkingDays('2026-09-30', 1, cal);
    expect(r).toEqual({
      kind: 'date',
      date: '2026-10-08',
      skipped: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
    });
  });
});

describe('overrides and declared years', () => {
  it.each<[string, CalendarOverride[], number[], string, number, string]>([
    ['an override holiday on a Monday is skipped', [{ date: '2026-11-23', kind: 'holiday' }], [], '2026-11-20', 1, '2026-11-24'],
    ['an override workday beats the package holiday', [{ date: '2026-10-05', kind: 'workday' }], [], '2026-09-30', 1, '2026-10-05'],
    ['an override holiday beats the package make-up day', [{ date: '2026-10-10', kind: 'holiday' }], [], '2026-10-09', 1, '2026-10-12'],
    ['a declared 2027 with its New Year holiday', [{ date: '2027-01-01', kind: 'holiday' }], [2027], '2026-12-31', 1, '2027-01-04'],
    ['a declared 2027 counts its weekends', [], [2027], '2026-12-31', 2, '2027-01-04'],
    ['overrides alone do not cover a year', [{ date: '2027-01-01', kind: 'holiday' }], [], '2026-12-31', 2, 'undetermined 2027'],
  ])('%s', (_label, overrides, years, start, n, expected) => {
    expect(due(start, n, createWorkingCalendar(base, overrides, years))).toBe(expected);
  });

  it('describes why a day is off or on', () => {
    const c = createWorkingCalendar(base);
    expect(c.describe('2026-10-01')).toBe('holiday');
    expect(c.describe('2026-10-10')).toBe('makeup_workday');
    expect(c.describe('2026-11-21')).toBe('weekend');
    expect(c.describe('2026-11-20')).toBe('weekday');
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['same day', '2026-11-20', '2026-11-20', 0],
    ['next working day', '2026-11-20', '2026-11-23', 1],
    ['reversed range is 0', '2026-11-23', '2026-11-20', 0],
    ['over 国庆', '2026-09-30', '2026-10-09', 2],
    ['one calendar week', '2026-11-16', '2026-11-23', 5],
  ])('%s', (_label, from, to, expected) => {
    expect(workingDaysBetween(from, to, cal)).toBe(expected);
  });
  it('is null when it crosses an uncovered year', () => {
    expect(workingDaysBetween('2026-12-30', '2027-01-05', cal)).toBeNull();
  });
});

describe('date helpers', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['not a date', false],
  ])('isIsoDate(%s) = %s', (value, ok) => {
    expect(isIsoDate(value)).toBe(ok);
  });
  it('adds calendar days across month and year ends', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('memoized walks (calendars built by createWorkingCalendar)', () => {
  // The same calendar as an object createWorkingCalendar did not build: never memoized, the reference.
  const plain = { ...createWorkingCalendar(base) };

  it('give the same answers as a fresh walk, asked twice, across years and holidays', () => {
    for (let i = 0; i < 400; i++) {
      const start = addCalendarDays('2024-01-01', (i * 37) % 1000);
      const n = (i * 7) % 45;
      expect(addWorkingDays(start, n, cal)).toEqual(addWorkingDays(start, n, plain));
      expect(addWorkingDays(start, n, cal)).toEqual(addWorkingDays(start, n, plain));
      const to = addCalendarDays(start, n * 2 - 20);
      expect(workingDaysBetween(start, to, cal)).toBe(workingDaysBetween(start, to, plain));
      expect(workingDaysBetween(start, to, cal)).toBe(workingDaysBetween(start, to, plain));
    }
  });

  it('hand each caller its own list of skipped days', () => {
    const a = addWorkingDays('2025-09-28', 10, cal);
    if (a.kind !== 'date') throw new Error('expected a date');
    const before = [...a.skipped];
    a.skipped.push('changed by the caller');
    const b = addWorkingDays('2025-09-28', 10, cal);
    expect(b.kind === 'date' && b.skipped).toEqual(before);
  });

  it('a new calendar (after an edit) does not reuse the old answers', () => {
    const edited = createWorkingCalendar(base, [{ date: '2025-10-09', kind: 'holiday' }]);
    expect(due('2025-09-28', 10, cal)).not.toBe(due('2025-09-28', 10, edited));
  });
});
