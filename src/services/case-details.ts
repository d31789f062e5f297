import type { CaseClock } from '../domain/deadlines';
import type { Case, ExtensionRequest, Staff, StageEvent } from '../domain/model';
import { findCaseForStaff } from './cases';
import { clockOfCase, clockView, describeSkipped, type ClockView, type SkippedDay } from './clock';
import type { Deps } from './deps';
import { extensionBlocker, extensionDaysFor } from './extensions';
import { staffClockContext } from './worklist';

export interface CaseDetails {
  case: Case;
  events: StageEvent[];
  clock: ClockView;
  /** The full computation, for "how was this date computed". */
  explanation: CaseClock;
  skipped: SkippedDay[];
  extension: { pending: ExtensionRequest | null; blocker: string | null; days: number };
}

/** Everything the staff case page shows, deadline explanation included. */
export async function caseDetailsForStaff(deps: Deps, staff: Staff, raw: unknown): Promise<CaseDetails> {
  const { case: c, events } = await findCaseForStaff(deps, staff, raw);
  const ctx = await staffClockContext(deps);
  const explanation = clockOfCase(c, events, ctx.cal, ctx.today);
  const pending = (await deps.store.listExtensionRequests({ caseId: c.id, status: 'pending' }))[0] ?? null;
  return {
    case: c,
    events,
    clock: clockView(c.clock, ctx),
    explanation,
    skipped: describeSkipped(explanation, ctx.cal),
    extension: {
      pending,
      blocker: extensionBlocker(c, events.some((e) => e.kind === 'extension'), pending !== null),
      days: extensionDaysFor(c),
    },
  };
}
