import fc from 'fast-check';
import { beijingDate } from '../../src/domain/beijing-time';

/** The definition: the UTC+8 calendar day of the instant. */
const reference = (iso: string | Date) => new Date((typeof iso === 'string' ? Date.parse(iso) : iso.getTime()) + 8 * 3600_000).toISOString().slice(0, 10);

describe('beijingDate', () => {
  it.each([
    ['2026-03-02T15:59:59.999Z', '2026-03-02'],
    ['2026-03-02T16:00:00.000Z', '2026-03-03'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2024-02-28T23:00:00.000Z', '2024-02-29'],
    ['2026-03-02T08:15:00+08:00', '2026-03-02'],
    ['2026-03-02T20:15:00-05:00', '2026-03-03'],
    ['2026-03-02T07:00:00Z', '2026-03-02'],
  ])('when the instant is %s, then the Beijing day is %s', (iso, day) => {
    expect(beijingDate(iso)).toBe(day);
  });

  it('when Dates are asked in any order (the last day is remembered), then each still gets its own day', () => {
    const days = ['2026-03-02T15:59:59.999Z', '2026-03-02T16:00:00.000Z', '2026-03-01T16:00:00.000Z', '2026-03-02T15:59:59.999Z', '2026-03-03T15:59:59.999Z', '2026-03-03T16:00:00.000Z'];
    for (const iso of [...days, ...days.reverse()]) expect(beijingDate(new Date(iso))).toBe(reference(iso));
  });

  it('whatever the instant and its written form (stored, with an offset, without milliseconds, a Date), it matches the UTC+8 definition', () => {
    const instant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.constantFrom('stored', 'noMillis', 'offset', 'date'), (d, form) => {
        const stored = d.toISOString();
        const input =
          form === 'stored' ? stored : form === 'noMillis' ? `${stored.slice(0, 19)}Z` : form === 'offset' ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00' : d;
        expect(beijingDate(input)).toBe(reference(d));
      }),
      { numRuns: 2000 },
    );
  });
});
