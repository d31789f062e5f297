import {
  emptyLevelCounts,
  formatRate,
  isBadReview,
  matchesPhoneLast4,
  phoneLast4,
  starRating,
  summarize,
} from '../../src/domain/evaluation';
import { beijingDateRange, beijingMonthRange, monthsBetween, nextMonth, previousMonth } from '../../src/domain/periods';

describe('好差评 rules', () => {
  it.each([
    ['very_satisfied', false],
    ['satisfied', false],
    ['basically_satisfied', false],
    ['dissatisfied', true],
    ['very_dissatisfied', true],
  ] as const)('when the level is %s, then 差评 is %s', (level, bad) => {
    expect(isBadReview(level)).toBe(bad);
  });

  it.each([
    ['1234', '13905701234', true],
    ['１２３４', '13905701234', true],
    [' 1234 ', '13905701234', true],
    ['4567', '0570-3894567', true],
    ['4567', '0570-3894567-', true],
    ['1235', '13905701234', false],
    ['123', '13905701234', false],
    ['01234', '13905701234', false],
    ['12a4', '13905701234', false],
    ['', '13905701234', false],
  ])('when the applicant types %j and the stored phone is %s, then the check is %s', (typed, stored, ok) => {
    expect(matchesPhoneLast4(typed, stored)).toBe(ok);
  });

  it('reads the last four digits of a phone, full-width included', () => {
    expect(phoneLast4('０５７０－３８９０１８３')).toBe('0183');
    expect(phoneLast4('12')).toBeNull();
  });

  it('when evaluations are summarized, then 满意率 is (非常满意 + 满意) / all and 整改率 is closed / 差评', () => {
    const counts = { ...emptyLevelCounts(), very_satisfied: 3, satisfied: 2, basically_satisfied: 1, dissatisfied: 1, very_dissatisfied: 1 };
    expect(summarize(counts, 2, 1)).toEqual({ counts, total: 8, satisfiedRate: 5 / 8, badReviews: 2, rectified: 1, rectifiedRate: 0.5 });
    expect(summarize(emptyLevelCounts(), 0, 0)).toMatchObject({ total: 0, satisfiedRate: null, rectifiedRate: null });
  });

  it.each([
    // evaluations, satisfied, decided, onTime, rectified → stars
    [10, 1, 10, 1, 1, 5],
    [10, 0, 10, 0, 0, 1],
    [6, 4 / 6, 6, 5 / 6, 1, 4],
    [10, 0.5, 10, 0.5, null, 3], // no 差评 counts as fully rectified: 5 × 0.6 = 3
    [10, 0.3, 10, 0.3, 0.5, 2], // 5 × (0.15 + 0.09 + 0.1) = 1.7 → 2
    [10, 0.9, 10, 0.9, 0.9, 5], // 4.5 rounds half up
  ])('when %i evaluations, 满意率 %d, %i decisions, 按时率 %d, 整改率 %p, then %i stars', (evaluations, s, decided, t, r, stars) => {
    expect(starRating({ evaluations, satisfiedRate: s, decided, onTimeRate: t, rectifiedRate: r })).toMatchObject({ kind: 'stars', stars });
  });

  it.each([
    [4, 1, 10, 1],
    [10, 1, 4, 1],
    [0, null, 0, null],
  ])('when there are %i evaluations and %i decisions, then 数据不足', (evaluations, s, decided, t) => {
    expect(starRating({ evaluations, satisfiedRate: s, decided, onTimeRate: t, rectifiedRate: 1 })).toEqual({ kind: 'insufficient' });
  });

  it('formats rates with one decimal', () => {
    expect(formatRate(2 / 3)).toBe('66.7%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
  });
});

describe('Beijing periods as UTC ranges', () => {
  it('when a Beijing month is asked for, then it starts at 16:00 UTC the day before', () => {
    expect(beijingMonthRange('2026-11')).toEqual({ fromAt: '2026-10-31T16:00:00.000Z', toAt: '2026-11-30T16:00:00.000Z' });
    expect(beijingMonthRange('2026-12')).toEqual({ fromAt: '2026-11-30T16:00:00.000Z', toAt: '2026-12-31T16:00:00.000Z' });
    expect(beijingMonthRange('2028-02').toAt).toBe('2028-02-29T16:00:00.000Z');
    expect(beijingDateRange('2026-11-02', '2026-11-02')).toEqual({ fromAt: '2026-11-01T16:00:00.000Z', toAt: '2026-11-02T16:00:00.000Z' });
  });

  it('steps months across year ends', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(monthsBetween('2026-11-15', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});
