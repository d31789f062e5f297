import { customAlphabet } from 'nanoid';
import type { Staff } from '../../src/domain/model';
import { QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH } from '../../src/domain/query-number';
import type { Stage } from '../../src/domain/stages';
import { advanceCase, registerCase } from '../../src/services/cases';
import { CalendarService } from '../../src/services/clock';
import type { Deps } from '../../src/services/deps';
import { personApplicant, type TestApp } from './test-app';

/** 10:00 (or another hour) Beijing time on a date, as an ISO instant. */
export const bj = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

/**
 * Builds fixture cases through the real services (same code path as the pages and API, without
 * a login per clock setting), on the test app's store, with the clock set for each step.
 */
export function caseDriver(t: TestApp, clock: { set(iso: string): void; now(): Date }) {
  const deps: Deps = {
    store: t.store,
    clock,
    config: t.config,
    randomQueryBody: customAlphabet(QUERY_NO_ALPHABET, QUERY_NO_BODY_LENGTH),
    calendars: new CalendarService(t.store),
  };
  const driver = {
    deps,
    async register(at: string, opts: { itemCode?: string; phone?: string; staff?: Staff } = {}): Promise<string> {
      clock.set(at);
      const c = await registerCase(deps, opts.staff ?? t.staff.water, {
        itemCode: opts.itemCode ?? 'SLJ-001',
        applicant: { ...personApplicant(), ...(opts.phone ? { phone: opts.phone } : {}) },
      });
      return c.queryNo;
    },
    async move(queryNo: string, at: string, to: Stage, staff: Staff = t.staff.admin) {
      clock.set(at);
      await advanceCase(deps, staff, queryNo, {
        to,
        decisionNo: to === 'approved' ? `衢水许〔2026〕${queryNo.slice(0, 6)}号` : undefined,
        reason: to === 'denied' || to === 'not_accepted' ? '不符合条件' : undefined,
      });
    },
    /** Registered, accepted, decided and completed on the given Beijing dates (at 10, 11, 12 and 15 o'clock). */
    async completed(
      dates: { registered: string; accepted?: string; decided?: string; completed?: string },
      opts: { itemCode?: string; phone?: string; deny?: boolean; staff?: Staff } = {},
    ): Promise<string> {
      const accepted = dates.accepted ?? dates.registered;
      const decided = dates.decided ?? accepted;
      const q = await driver.register(bj(dates.registered), opts);
      await driver.move(q, bj(accepted, 11), 'accepted');
      await driver.move(q, bj(decided, 12), opts.deny ? 'denied' : 'approved');
      await driver.move(q, bj(dates.completed ?? decided, 15), 'completed');
      return q;
    },
  };
  return driver;
}
