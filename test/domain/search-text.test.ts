import { beijingDayEnd, beijingDayStart, isCalendarDate } from '../../src/domain/beijing-time';
import { normalizeSearchText, searchSegments, splitKeywords } from '../../src/domain/search-text';

describe('search text', () => {
  it.each([
    ['full-width digits and letters', '衢水许２０２６ＡＢ', '衢水许2026ab'],
    ['ASCII brackets', '衢水许[2026]088号', '衢水许〔2026〕088号'],
    ['full-width brackets', '衢水许［2026］088号', '衢水许〔2026〕088号'],
    ['parentheses', '衢水许（2026）088号', '衢水许〔2026〕088号'],
    ['lenticular brackets', '衢水许【2026】088号', '衢水许〔2026〕088号'],
    ['official brackets stay', '衢水许〔2026〕088号', '衢水许〔2026〕088号'],
  ])('when text has %s, then it is normalized to one spelling', (_l, input, expected) => {
    expect(normalizeSearchText(input)).toBe(expected);
  });

  it.each<[string, string, string[]]>([
    ['one keyword', '取水', ['取水']],
    ['keywords separated by spaces of any width', ' 取水\u3000 清源  ', ['取水', '清源']],
    ['a repeated keyword', '取水 取水', ['取水']],
    ['a masked name', '张**', ['张']],
    ['nothing', '   ', []],
  ])('when the search box holds %s, then the keywords are split out', (_l, q, expected) => {
    expect(splitKeywords(q)).toEqual(expected);
    expect(searchSegments(q)).toEqual(expected.length ? expect.arrayContaining(expected) : []);
  });
});

describe('Beijing day bounds', () => {
  it.each([
    ['2026-03-02', '2026-03-01T16:00:00.000Z', '2026-03-02T16:00:00.000Z'],
    ['2026-01-01', '2025-12-31T16:00:00.000Z', '2026-01-01T16:00:00.000Z'],
    ['2024-02-29', '2024-02-28T16:00:00.000Z', '2024-02-29T16:00:00.000Z'],
  ])('when the Beijing day is %s, then it runs from %s to %s (UTC)', (day, start, end) => {
    expect(beijingDayStart(day)).toBe(start);
    expect(beijingDayEnd(day)).toBe(end);
  });

  it.each([
    ['2026-03-02', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-3-2', false],
    ['20260302', false],
    ['2026-03-02T00:00', false],
    ['', false],
  ])('when the date is %p, then isCalendarDate says %p', (s, ok) => {
    expect(isCalendarDate(s)).toBe(ok);
    if (!ok) expect(() => beijingDayStart(s)).toThrow(RangeError);
  });
});
