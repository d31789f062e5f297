import {
  clockStatusOf,
  computeCaseClock,
  workingDaysLeft,
  type ClockEvent,
  type ClockInput,
} from '../../src/domain/deadlines';
import type { Stage } from '../../src/domain/stages';
import { createWorkingCalendar } from '../../src/domain/working-days';
import { chineseDaysCalendarData } from '../../src/services/holiday-data';

const cal = createWorkingCalendar(chineseDaysCalendarData());
/** 10:00 Beijing time on a date, as stored (UTC). */
const bj = (date: string, hour = 10) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString();
const ev = (toStage: Stage, date: string): ClockEvent => ({ kind: 'stage', toStage, at: bj(date), extensionDays: null });
const ext = (days: number, date: string, stage: Stage = 'under_review'): ClockEvent => ({
  kind: 'extension',
  toStage: stage,
  at: bj(date),
  extensionDays: days,
});
const input = (stage: Stage, events: ClockEvent[], registered = '2026-11-02'): ClockInput => ({
  stage,
  registeredAt: bj(registered),
  events: [ev('submitted', registered), ...events],
  promisedDays: 10,
  statutoryDays: 20,
});

describe('computeCaseClock', () => {
  it('submitted: acceptance due 5 working days after receipt', () => {
    const c = computeCaseClock(input('submitted', []), cal, '2026-11-03');
    expect(c).toMatchObject({ kind: 'acceptance', state: 'running', startDate: '2026-11-02', dueDate: '2026-11-09', deemedAccepted: false });
  });

  it('uses the Beijing date: 07:30 Beijing on Monday is Monday, though UTC says Sunday', () => {
    const c = computeCaseClock({ ...input('submitted', []), registeredAt: '2026-11-01T23:30:00.000Z' }, cal, '2026-11-02');
    expect(c.startDate).toBe('2026-11-02');
  });

  it('submitted past the 5 days: deemed accepted (第三十二条(四))', () => {
    const c = computeCaseClock(input('submitted', []), cal, '2026-11-10');
    expect(c.deemedAccepted).toBe(true);
    expect(c.dueDate).toBe('2026-11-09');
  });

  it('accepted in time: the decision clock runs from the acceptance day with the promised limit', () => {
    const c = computeCaseClock(input('under_review', [ev('accepted', '2026-11-04'), ev('under_review', '2026-11-05')]), cal, '2026-11-05');
    expect(c).toMatchObject({ kind: 'decision', state: 'running', startDate: '2026-11-04', limitDays: 10, dueDate: '2026-11-18' });
    expect(c.statutoryDueDate).toBe('2026-12-02');
  });

  it('补正 in time: acceptance day is the day materials were complete', () => {
    const c = computeCaseClock(
      input('accepted', [ev('supplement_requested', '2026-11-03'), ev('accepted', '2026-11-16')]),
      cal,
      '2026-11-16',
    );
    expect(c).toMatchObject({ startDate: '2026-11-16', dueDate: '2026-11-30', deemedAccepted: false });
  });

  it('补正 notified late: counts as accepted from the day of receipt', () => {
    const c = computeCaseClock(
      input('accepted', [ev('supplement_requested', '2026-11-12'), ev('accepted', '2026-11-16')]),
      cal,
      '2026-11-16',
    );
    expect(c).toMatchObject({ startDate: '2026-11-02', dueDate: '2026-11-16', deemedAccepted: true });
  });

  it('supplement requested: the clock waits for the applicant', () => {
    const c = computeCaseClock(input('supplement_requested', [ev('supplement_requested', '2026-11-03')]), cal, '2026-11-20');
    expect(c).toMatchObject({ state: 'paused', dueDate: null });
  });

  it('special procedure: paused now, and its days do not count afterwards (第四十五条)', () => {
    const during = computeCaseClock(
      input('special_procedure', [ev('accepted', '2026-11-04'), ev('under_review', '2026-11-04'), ev('special_procedure', '2026-11-06')]),
      cal,
      '2026-11-11',
    );
    expect(during).toMatchObject({ state: 'paused', dueDate: null, pausedDays: 3 });
    const after = computeCaseClock(
      input('under_review', [
        ev('accepted', '2026-11-04'),
        ev('under_review', '2026-11-04'),
        ev('special_procedure', '2026-11-06'),
        ev('under_review', '2026-11-13'),
      ]),
      cal,
      '2026-11-13',
    );
    expect(after.pausedDays).toBe(5);
    expect(after.pausedSpans).toEqual([{ from: '2026-11-06', to: '2026-11-13', days: 5 }]);
    expect(after.dueDate).toBe('2026-11-25');
  });

  it('an extension adds its working days to the limit', () => {
    const c = computeCaseClock(
      input('under_review', [ev('accepted', '2026-11-04'), ev('under_review', '2026-11-05'), ext(10, '2026-11-10')]),
      cal,
      '2026-11-10',
    );
    expect(c).toMatchObject({ limitDays: 20, extensionDays: 10, dueDate: '2026-12-02' });
  });

  it('approved: the certificate is due 10 working days after approval (第四十四条)', () => {
    const c = computeCaseClock(
      input('approved', [ev('accepted', '2026-11-04'), ev('approved', '2026-09-29')]),
      cal,
      '2026-09-29',
    );
    expect(c).toMatchObject({ kind: 'certificate', startDate: '2026-09-29', dueDate: '2026-10-19' });
  });

  it.each<Stage>(['certificate_issued', 'completed', 'denied', 'not_accepted', 'withdrawn'])('%s: stopped', (stage) => {
    expect(computeCaseClock(input(stage, [ev('accepted', '2026-11-04'), ev(stage, '2026-11-06')]), cal, '2026-11-06')).toMatchObject({
      state: 'stopped',
      dueDate: null,
    });
  });

  it('a deadline reaching into an uncovered year is undetermined (待定), never computed', () => {
    const c = computeCaseClock(input('accepted', [ev('accepted', '2026-12-21')], '2026-12-21'), cal, '2026-12-21');
    expect(c).toMatchObject({ state: 'undetermined', dueDate: null, undeterminedYear: 2027 });
  });
});

describe('clock status and days left', () => {
  it.each([
    ['running, well ahead', 'running', '2026-11-30', 'normal'],
    ['running, within the due-soon window', 'running', '2026-11-24', 'due_soon'],
    ['running, due today', 'running', '2026-11-20', 'due_soon'],
    ['running, past due', 'running', '2026-11-19', 'overdue'],
    ['paused', 'paused', null, 'paused'],
    ['undetermined', 'undetermined', null, 'undetermined'],
    ['stopped', 'stopped', null, 'stopped'],
  ] as const)('%s → %s', (_label, state, dueDate, expected) => {
    expect(clockStatusOf(state, dueDate, '2026-11-20', '2026-11-24')).toBe(expected);
  });
  it.each([
    ['2026-11-24', '2026-11-20', 2],
    ['2026-11-20', '2026-11-20', 0],
    ['2026-11-18', '2026-11-20', -2],
  ])('due %s seen on %s: %i working days left', (dueDate, today, left) => {
    expect(workingDaysLeft(dueDate, today, cal)).toBe(left);
  });
});
