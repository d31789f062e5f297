import { isItemOpenOn, type ItemGuide } from '../domain/catalog';
import type { BulletinEntry, Case, Item } from '../domain/model';
import { formatQueryNo } from '../domain/query-number';
import { STAGE_LABELS, STAGE_PUBLIC_TEXT, type Stage } from '../domain/stages';
import type { PublicCaseView } from '../services/public-view';
import type { ClockView } from '../services/clock';
import type { TimelineEvent } from '../services/cases';

/** The deadline fields every case resource carries (dueDate is a Beijing date; null while 待定). */
export function clockJson(v: ClockView) {
  return {
    dueDate: v.dueDate,
    workingDaysLeft: v.workingDaysLeft,
    pausedDays: v.pausedDays,
    clockStatus: v.status,
    clockKind: v.kind,
    statutoryDueDate: v.statutoryDueDate,
    extensionDays: v.extensionDays,
    deemedAccepted: v.deemedAccepted,
  };
}

const stageJson = (code: Stage) => ({ code, label: STAGE_LABELS[code] });

export function itemJson(i: Item) {
  return {
    code: i.code,
    name: i.name,
    category: i.category,
    department: { code: i.department.code, name: i.department.name },
    statutoryDays: i.statutoryDays,
    promisedDays: i.promisedDays,
  };
}

/** The 办事指南 of one item; material ids are what `materialsReceived` takes at registration. */
export function itemGuideJson(g: ItemGuide, beijingDay: string) {
  const file = (f: { id: number; originalName: string } | null) => (f ? { url: `/files/${f.id}`, name: f.originalName } : null);
  return {
    ...itemJson(g.item),
    itemType: g.item.itemType,
    caseType: g.item.caseType,
    inForce: isItemOpenOn(g.item, beijingDay),
    cancelledOn: g.item.cancelledOn,
    conditions: g.details.conditions,
    window: g.window ? { name: g.window.name, location: g.window.location } : null,
    serviceHours: g.details.serviceHours,
    consultPhone: g.details.consultPhone,
    complaintPhone: g.details.complaintPhone,
    visits: g.details.visits,
    materials: g.materials.map((m) => ({
      id: m.id,
      name: m.name,
      form: m.form,
      copies: m.copies,
      required: m.required,
      note: m.note,
      blankForm: file(m.blankFile),
      sample: file(m.sampleFile),
    })),
    steps: g.steps,
    specialProcedures: g.specialProcedures,
    fees: g.fees,
    feeNote: g.details.feeNote,
    legalBasis: g.laws.map((l) => ({
      id: l.law.id,
      title: l.law.title,
      issuer: l.law.issuer,
      docNo: l.law.docNo,
      articles: l.articles,
      status: l.law.status,
    })),
  };
}

/** The public resource: masked applicant, no ID number, no phone. */
export function publicCaseJson(v: PublicCaseView) {
  return {
    queryNo: v.queryNo,
    queryNoDisplay: formatQueryNo(v.queryNo),
    item: v.item,
    department: v.department,
    applicant: v.applicant,
    projectName: v.projectName,
    stage: { ...stageJson(v.stage), description: STAGE_PUBLIC_TEXT[v.stage].now, next: STAGE_PUBLIC_TEXT[v.stage].next },
    registeredAt: v.registeredAt,
    updatedAt: v.updatedAt,
    decisionNo: v.decisionNo,
    decidedAt: v.decidedAt,
    version: v.version,
    timelineHash: v.chainHead,
    ...clockJson(v.clock),
    timeline: v.timeline.map((t) => ({
      stage: stageJson(t.stage),
      at: t.at,
      ...(t.kind === 'extension' ? { event: 'extension' } : {}),
      ...(t.note ? { note: t.note } : {}),
    })),
  };
}

/** The staff resource: full applicant data, only ever sent to staff of the case's department. */
export function staffCaseJson(c: Case, clock: ClockView, events?: readonly TimelineEvent[]) {
  return {
    queryNo: c.queryNo,
    queryNoDisplay: formatQueryNo(c.queryNo),
    item: { code: c.item.code, name: c.item.name, category: c.item.category },
    department: { code: c.department.code, name: c.department.name },
    applicant: c.applicant,
    projectName: c.projectName,
    note: c.note,
    stage: stageJson(c.stage),
    version: c.version,
    registeredAt: c.registeredAt,
    updatedAt: c.updatedAt,
    decisionNo: c.decisionNo,
    decidedAt: c.decidedAt,
    ...clockJson(clock),
    ...(events
      ? {
          timeline: events.map((e) => ({
            ...(e.kind === 'extension' ? { event: 'extension', extensionDays: e.extensionDays, approver: e.approverName } : {}),
            stage: stageJson(e.toStage),
            at: e.at,
            staff: e.staffName,
            note: e.note,
            notePublic: e.notePublic,
            decisionNo: e.decisionNo,
            reason: e.reason,
          })),
        }
      : {}),
  };
}

export function bulletinJson(b: BulletinEntry) {
  return {
    id: b.id,
    decisionNo: b.decisionNo,
    item: b.item,
    department: b.department,
    applicant: b.applicantName,
    projectName: b.projectName,
    decidedAt: b.decidedAt,
    validity: b.validity,
  };
}

/**
 * `"<queryNo>-v<version>-d<Beijing date>"`: the date part makes caches notice that "working days
 * left" changed overnight; If-Match only compares the version.
 */
export function caseEtag(c: { queryNo: string; version: number }, today: string): string {
  return `"${c.queryNo}-v${c.version}-d${today.replace(/-/g, '')}"`;
}

/** Reads the version out of an If-Match value we issued; null if it is not one of ours. */
export function versionFromEtag(value: string, queryNo: string): number | null {
  const m = /^(?:W\/)?"([2-9A-HJ-NP-Z]{12})-v(\d{1,9})(?:-d\d{8})?"$/.exec(value.trim());
  if (!m || m[1] !== queryNo) return null;
  return Number(m[2]);
}
