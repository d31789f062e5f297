import { addWorkingDays } from '../domain/working-days';
import { beijingDate } from '../domain/beijing-time';
import { NotFoundError } from '../domain/errors';
import type { Case, StageEvent } from '../domain/model';
import { APPEAL_RIGHTS_NOTICE, type Stage } from '../domain/stages';
import { clockOfCase } from './clock';
import type { Deps } from './deps';

/** The written notices 《行政许可法》 requires the window to hand over (第三十二条、第三十八条). */
export const DOCUMENT_KINDS = [
  'receipt',
  'supplement_notice',
  'acceptance_notice',
  'not_accepted_decision',
  'denial_decision',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  receipt: '受理回执',
  supplement_notice: '一次性补正告知书',
  acceptance_notice: '受理通知书',
  not_accepted_decision: '不予受理决定书',
  denial_decision: '不予许可决定书',
};

const TRIGGER: Record<DocumentKind, Stage> = {
  receipt: 'submitted',
  supplement_notice: 'supplement_requested',
  acceptance_notice: 'accepted',
  not_accepted_decision: 'not_accepted',
  denial_decision: 'denied',
};

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** The documents a case has, in the order they were issued. */
export function availableDocuments(events: readonly Pick<StageEvent, 'kind' | 'toStage'>[]): DocumentKind[] {
  return DOCUMENT_KINDS.filter((k) => events.some((e) => e.kind === 'stage' && e.toStage === TRIGGER[k]));
}

export interface CaseDocument {
  kind: DocumentKind;
  title: string;
  /** 文书编号: derived from the query number and the event, so it is never typed twice. */
  number: string;
  issuedAt: string;
  case: Case;
  missingMaterials: string[];
  supplementDeadline: string | null;
  reason: string | null;
  appealNotice: string | null;
  promisedDueDate: string | null;
}

/** Splits a 补正 note into one material per line (numbered or separated by ；/;). */
export function missingMaterialsOf(note: string | null): string[] {
  if (!note) return [];
  return note
    .split(/\r?\n|[；;]|(?=\s*\d+[.、．]\s*)/)
    .map((s) => s.replace(/^\s*\d+[.、．]\s*/, '').replace(/^请补齐[:：]\s*/, '').trim())
    .filter((s) => s.length > 0);
}

export async function buildDocument(deps: Deps, c: Case, events: StageEvent[], kind: DocumentKind): Promise<CaseDocument> {
  const event = [...events].reverse().find((e) => e.kind === 'stage' && e.toStage === TRIGGER[kind]);
  if (!event) throw new NotFoundError('not_found', `本办件没有${DOCUMENT_TITLES[kind]}`);
  const cal = await deps.calendars.calendar();
  let supplementDeadline: string | null = null;
  if (kind === 'supplement_notice') {
    const due = addWorkingDays(beijingDate(event.at), deps.config.supplementDays, cal);
    supplementDeadline = due.kind === 'date' ? due.date : null;
  }
  return {
    kind,
    title: DOCUMENT_TITLES[kind],
    number: `${c.queryNo}-${String(event.seq).padStart(2, '0')}`,
    issuedAt: event.at,
    case: c,
    missingMaterials: kind === 'supplement_notice' ? missingMaterialsOf(event.note) : [],
    supplementDeadline,
    reason: kind === 'not_accepted_decision' || kind === 'denial_decision' ? event.reason : null,
    appealNotice: kind === 'not_accepted_decision' || kind === 'denial_decision' ? APPEAL_RIGHTS_NOTICE : null,
    promisedDueDate:
      kind === 'acceptance_notice' || kind === 'receipt'
        ? clockOfCase({ ...c, stage: event.toStage }, events.slice(0, events.indexOf(event) + 1), cal, beijingDate(event.at)).dueDate
        : null,
  };
}
