import type { DisclosureAction, DisclosureEntry, DisclosureEvent, DisclosureStatus } from '../../domain/disclosure';
import type {
  BulletinEntry,
  Case,
  Department,
  ExtensionRequest,
  Item,
  OutboxMessage,
  ServiceWindow,
  Staff,
  PublicStageEvent,
  StageEvent,
  StoredClock,
} from '../../domain/model';
import type { ClockKind } from '../../domain/deadlines';
import type { ApplicantKind } from '../../domain/masking';
import type { Stage } from '../../domain/stages';
import type { Role } from '../../domain/model';
import type {
  AuditEntry,
  FileRecord,
  Intermediary,
  ItemChange,
  ItemChangeKind,
  ItemDetails,
  Law,
  LawLevel,
  LawStatus,
  Material,
  MaterialForm,
} from '../../domain/catalog';
import type { Evaluation, EvaluationLevel, Rectification } from '../../domain/evaluation';
import { toReportFigures, toReportTexts } from '../../domain/disclosure-report';
import type { DisclosureReportRecord, PublicCaseRecord } from '../store';

/** snake_case rows stay here; everything above the store sees camelCase objects. */
type Row = Record<string, unknown>;

const str = (v: unknown) => v as string;
const num = (v: unknown) => v as number;
const optStr = (v: unknown) => (v === null || v === undefined ? null : (v as string));

export function toDepartment(r: Row): Department {
  return { id: num(r.id), code: str(r.code), name: str(r.name) };
}

export function toWindow(r: Row): ServiceWindow {
  return {
    id: num(r.id),
    departmentId: num(r.department_id),
    code: str(r.code),
    name: str(r.name),
    location: str(r.location),
  };
}

export function toStaff(r: Row): Staff {
  return {
    id: num(r.id),
    username: str(r.username),
    displayName: str(r.display_name),
    role: str(r.role) as Role,
    departmentId: r.department_id === null ? null : num(r.department_id),
    windowId: r.window_id === null ? null : num(r.window_id),
    passwordHash: str(r.password_hash),
    isDemo: r.is_demo === 1,
    active: r.active === 1,
  };
}

export const ITEM_COLUMNS = `i.id, i.code, i.name, i.category, i.department_id, i.statutory_days, i.promised_days,
  i.results_public, i.result_validity, i.status, i.joint_handling, i.item_type, i.case_type,
  (SELECT MIN(ic.effective_date) FROM item_changes ic WHERE ic.item_id = i.id AND ic.kind = 'cancel') AS cancelled_on,
  d.code AS dept_code, d.name AS dept_name`;

/** The same columns for one item found by a key, without the join (cheaper: see CASE_COLUMNS_NO_JOIN). */
export const ITEM_COLUMNS_NO_JOIN = ITEM_COLUMNS.replace(
  'd.code AS dept_code, d.name AS dept_name',
  '(SELECT code FROM departments WHERE id = i.department_id) AS dept_code, (SELECT name FROM departments WHERE id = i.department_id) AS dept_name',
);

export function toItem(r: Row): Item {
  return {
    id: num(r.id),
    code: str(r.code),
    name: str(r.name),
    category: str(r.category),
    departmentId: num(r.department_id),
    department: { code: str(r.dept_code), name: str(r.dept_name) },
    statutoryDays: num(r.statutory_days),
    promisedDays: num(r.promised_days),
    resultsPublic: r.results_public === 1,
    resultValidity: str(r.result_validity),
    status: str(r.status) as Item['status'],
    jointHandling: r.joint_handling === 1,
    itemType: str(r.item_type),
    caseType: str(r.case_type) as Item['caseType'],
    cancelledOn: optStr(r.cancelled_on),
  };
}

export const CASE_COLUMNS = `c.*, i.code AS item_code, i.name AS item_name, i.category AS item_category,
  i.promised_days AS item_promised_days, i.statutory_days AS item_statutory_days, i.joint_handling AS item_joint_handling,
  d.code AS dept_code, d.name AS dept_name`;
export const CASE_JOINS = 'JOIN items i ON i.id = c.item_id JOIN departments d ON d.id = c.department_id';

/**
 * The same columns for one case found by a key, with no join: a scalar subquery per column costs a
 * quarter of the two joins here (≈ 45 vs 180 µs of CPU per case lookup, docs/performance.md), and the
 * lookup by number is on every public page and every write.
 */
export const CASE_COLUMNS_NO_JOIN = [
  'c.*',
  ...[['code', 'item_code'], ['name', 'item_name'], ['category', 'item_category'], ['promised_days', 'item_promised_days'],
    ['statutory_days', 'item_statutory_days'], ['joint_handling', 'item_joint_handling']].map(
    ([col, as]) => `(SELECT ${col} FROM items WHERE id = c.item_id) AS ${as}`,
  ),
  '(SELECT code FROM departments WHERE id = c.department_id) AS dept_code',
  '(SELECT name FROM departments WHERE id = c.department_id) AS dept_name',
].join(', ');

/** Clock states by urgency: the first key of the "most urgent first" index. */
export const CLOCK_RANK: Record<StoredClock['state'], number> = {
  running: 0,
  undetermined: 1,
  paused: 2,
  stopped: 3,
  pending: 9,
};

export function clockParams(c: StoredClock) {
  return [
    c.state,
    CLOCK_RANK[c.state],
    c.kind,
    c.dueDate,
    c.statutoryDueDate,
    c.pausedDays,
    c.extensionDays,
    c.deemedAccepted ? 1 : 0,
    c.undeterminedYear,
  ];
}

export const CLOCK_ASSIGNMENTS = `clock_state = ?, clock_rank = ?, clock_kind = ?, due_date = ?, statutory_due_date = ?,
  paused_days = ?, extension_days = ?, deemed_accepted = ?, undetermined_year = ?`;

function toClock(r: Row): StoredClock {
  return {
    state: str(r.clock_state) as StoredClock['state'],
    kind: str(r.clock_kind) as ClockKind,
    dueDate: optStr(r.due_date),
    statutoryDueDate: optStr(r.statutory_due_date),
    pausedDays: num(r.paused_days),
    extensionDays: num(r.extension_days),
    deemedAccepted: r.deemed_accepted === 1,
    undeterminedYear: r.undetermined_year === null ? null : num(r.undetermined_year),
  };
}

export function toCase(r: Row): Case {
  return {
    id: num(r.id),
    windowId: r.window_id === null || r.window_id === undefined ? null : num(r.window_id),
    clock: toClock(r),
    queryNo: str(r.query_no),
    item: {
      id: num(r.item_id),
      code: str(r.item_code),
      name: str(r.item_name),
      category: str(r.item_category),
      promisedDays: num(r.item_promised_days),
      statutoryDays: num(r.item_statutory_days),
      jointHandling: r.item_joint_handling === 1,
    },
    department: { id: num(r.department_id), code: str(r.dept_code), name: str(r.dept_name) },
    applicant: {
      name: str(r.applicant_name),
      kind: str(r.applicant_kind) as ApplicantKind,
      idNumber: str(r.applicant_id_number),
      phone: str(r.applicant_phone),
      email: optStr(r.applicant_email),
    },
    projectName: optStr(r.project_name),
    note: optStr(r.note),
    stage: str(r.stage) as Stage,
    version: num(r.version),
    registeredBy: num(r.registered_by),
    registeredAt: str(r.registered_at),
    updatedAt: str(r.updated_at),
    decisionNo: optStr(r.decision_no),
    decidedAt: optStr(r.decided_at),
  };
}

const PUBLIC_EVENT_FIELDS = ['id', 'case_id', 'seq', 'kind', 'extension_days', 'from_stage', 'to_stage', 'at', 'note', 'note_public', 'decision_no', 'reason', 'hash'];

/**
 * The arguments of a JSON object of one public event (`key, e.key, …`): SQLite's json_object and
 * PostgreSQL's json_build_object take the same list, so both build the rows toPublicStageEvent reads.
 */
export const PUBLIC_EVENT_JSON_FIELDS = PUBLIC_EVENT_FIELDS.map((f) => `'${f}', e.${f}`).join(', ');

/**
 * A case row with its public events as one JSON array (`public_events`): text from SQLite, already parsed
 * by the PostgreSQL driver. The aggregate's order is not guaranteed, so the events are sorted by seq here.
 */
export function toPublicCaseRecord(r: Row): PublicCaseRecord {
  const raw = r.public_events;
  const rows = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? [])) as Row[];
  return { case: toCase(r), events: rows.map(toPublicStageEvent).sort((a, b) => a.seq - b.seq) };
}

export function toPublicStageEvent(r: Row): PublicStageEvent {
  return {
    id: num(r.id),
    kind: str(r.kind) as StageEvent['kind'],
    extensionDays: r.extension_days === null ? null : num(r.extension_days),
    caseId: num(r.case_id),
    seq: num(r.seq),
    fromStage: optStr(r.from_stage) as Stage | null,
    toStage: str(r.to_stage) as Stage,
    at: str(r.at),
    note: optStr(r.note),
    notePublic: r.note_public === 1,
    decisionNo: optStr(r.decision_no),
    reason: optStr(r.reason),
    hash: optStr(r.hash),
  };
}

/** A stage event with who handled it (staff pages and the API), from a row of `e.*` plus the names. */
export function toStageEvent(r: Row): StageEvent {
  return {
    ...toPublicStageEvent(r),
    staffId: num(r.staff_id),
    staffName: str(r.staff_name),
    approverId: r.approver_id === null ? null : num(r.approver_id),
    approverName: optStr(r.approver_name),
  };
}

export const BULLETIN_COLUMNS = `b.id, b.case_id, b.decision_no, b.applicant_name, b.project_name, b.decided_at, b.validity,
  i.code AS item_code, i.name AS item_name, i.category AS item_category, d.code AS dept_code, d.name AS dept_name`;
export const BULLETIN_JOINS = 'JOIN items i ON i.id = b.item_id JOIN departments d ON d.id = b.department_id';

export function toBulletinEntry(r: Row): BulletinEntry {
  return {
    id: num(r.id),
    caseId: num(r.case_id),
    decisionNo: str(r.decision_no),
    item: { code: str(r.item_code), name: str(r.item_name), category: str(r.item_category) },
    department: { code: str(r.dept_code), name: str(r.dept_name) },
    applicantName: str(r.applicant_name),
    projectName: optStr(r.project_name),
    decidedAt: str(r.decided_at),
    validity: str(r.validity),
  };
}

/** A kept bulletin entry is shared by every caller it is handed to: none of them may change it. */
export function freezeBulletinEntry(e: BulletinEntry): BulletinEntry {
  Object.freeze(e.item);
  Object.freeze(e.department);
  return Object.freeze(e);
}

export function toSessionRecord(r: Row) {
  return {
    id: str(r.id),
    staffId: num(r.staff_id),
    csrfToken: str(r.csrf_token),
    createdAt: str(r.created_at),
    lastSeenAt: str(r.last_seen_at),
    expiresAt: str(r.expires_at),
  };
}

export const EXTENSION_COLUMNS = `x.*, c.query_no, c.department_id, i.name AS item_name, s.display_name AS requested_by_name`;
export const EXTENSION_JOINS = `JOIN cases c ON c.id = x.case_id JOIN items i ON i.id = c.item_id
  JOIN staff s ON s.id = x.requested_by`;

export function toExtensionRequest(r: Row): ExtensionRequest {
  return {
    id: num(r.id),
    caseId: num(r.case_id),
    queryNo: str(r.query_no),
    itemName: str(r.item_name),
    departmentId: num(r.department_id),
    days: num(r.days),
    reason: str(r.reason),
    requestedBy: num(r.requested_by),
    requestedByName: str(r.requested_by_name),
    requestedAt: str(r.requested_at),
    status: str(r.status) as ExtensionRequest['status'],
    decidedBy: r.decided_by === null ? null : num(r.decided_by),
    decidedAt: optStr(r.decided_at),
    decisionNote: optStr(r.decision_note),
  };
}

export function toItemDetails(r: Row): ItemDetails {
  return {
    conditions: str(r.conditions),
    windowId: r.window_id === null ? null : num(r.window_id),
    serviceHours: str(r.service_hours),
    consultPhone: str(r.consult_phone),
    complaintPhone: str(r.complaint_phone),
    visits: num(r.visits),
    feeNote: str(r.fee_note),
  };
}

export function toFile(r: Row, prefix = ''): FileRecord | null {
  if (r[`${prefix}id`] === null || r[`${prefix}id`] === undefined) return null;
  return {
    id: num(r[`${prefix}id`]),
    storageName: str(r[`${prefix}storage_name`]),
    originalName: str(r[`${prefix}original_name`]),
    contentType: str(r[`${prefix}content_type`]),
    sizeBytes: num(r[`${prefix}size_bytes`]),
    uploadedBy: r[`${prefix}uploaded_by`] === null ? null : num(r[`${prefix}uploaded_by`]),
    uploadedAt: str(r[`${prefix}uploaded_at`]),
    downloadCount: num(r[`${prefix}download_count`]),
  };
}

const FILE_FIELDS = ['id', 'storage_name', 'original_name', 'content_type', 'size_bytes', 'uploaded_by', 'uploaded_at', 'download_count'];
export const MATERIAL_COLUMNS = `m.*, ${FILE_FIELDS.map((f) => `bf.${f} AS bf_${f}`).join(', ')},
  ${FILE_FIELDS.map((f) => `sf.${f} AS sf_${f}`).join(', ')}`;
export const MATERIAL_JOINS =
  'LEFT JOIN files bf ON bf.id = m.blank_file_id LEFT JOIN files sf ON sf.id = m.sample_file_id';

export function toMaterial(r: Row): Material {
  return {
    id: num(r.id),
    itemId: num(r.item_id),
    seq: num(r.seq),
    name: str(r.name),
    form: str(r.form) as MaterialForm,
    copies: num(r.copies),
    required: r.required === 1,
    note: str(r.note),
    blankFile: toFile(r, 'bf_'),
    sampleFile: toFile(r, 'sf_'),
  };
}

export function toLaw(r: Row): Law {
  return {
    id: num(r.id),
    title: str(r.title),
    issuer: str(r.issuer),
    docNo: str(r.doc_no),
    level: str(r.level) as LawLevel,
    effectiveDate: str(r.effective_date),
    status: str(r.status) as LawStatus,
    repealedDate: optStr(r.repealed_date),
    body: str(r.body),
  };
}

export const ITEM_CHANGE_COLUMNS = `ch.*, i.code AS item_code, i.name AS item_name, d.code AS dept_code, d.name AS dept_name`;
export const ITEM_CHANGE_JOINS = 'JOIN items i ON i.id = ch.item_id JOIN departments d ON d.id = i.department_id';

export function toItemChange(r: Row): ItemChange {
  return {
    id: num(r.id),
    itemId: num(r.item_id),
    item: { code: str(r.item_code), name: str(r.item_name), department: { code: str(r.dept_code), name: str(r.dept_name) } },
    kind: str(r.kind) as ItemChangeKind,
    effectiveDate: str(r.effective_date),
    basis: str(r.basis),
    description: str(r.description),
    createdAt: str(r.created_at),
  };
}

export function toIntermediary(r: Row, items: Intermediary['items']): Intermediary {
  return {
    id: num(r.id),
    name: str(r.name),
    qualification: str(r.qualification),
    serviceScope: str(r.service_scope),
    feeBasis: str(r.fee_basis),
    contactPerson: str(r.contact_person),
    phone: str(r.phone),
    address: str(r.address),
    items,
  };
}

export function toAuditEntry(r: Row): AuditEntry {
  return {
    id: num(r.id),
    at: str(r.at),
    staffId: num(r.staff_id),
    staffName: str(r.staff_name),
    entity: str(r.entity),
    entityId: num(r.entity_id),
    action: str(r.action) as AuditEntry['action'],
    changes: JSON.parse(str(r.changes)) as AuditEntry['changes'],
  };
}

export function toOutboxMessage(r: Row): OutboxMessage {
  return {
    id: num(r.id),
    caseId: num(r.case_id),
    stageEventId: r.stage_event_id === null ? null : num(r.stage_event_id),
    dedupeKey: optStr(r.dedupe_key),
    channel: str(r.channel) as OutboxMessage['channel'],
    recipient: str(r.recipient),
    subject: str(r.subject),
    body: str(r.body),
    status: str(r.status) as OutboxMessage['status'],
    attempts: num(r.attempts),
    nextAttemptAt: str(r.next_attempt_at),
    lastError: optStr(r.last_error),
    createdAt: str(r.created_at),
    sentAt: optStr(r.sent_at),
  };
}

export function toEvaluation(r: Row): Evaluation {
  return {
    id: num(r.id),
    caseId: num(r.case_id),
    level: str(r.level) as EvaluationLevel,
    comment: optStr(r.comment),
    scores: { efficiency: num(r.score_efficiency), quality: num(r.score_quality), attitude: num(r.score_attitude) },
    evaluatedAt: str(r.evaluated_at),
  };
}

export const RECTIFICATION_COLUMNS = `r.*, c.query_no, i.name AS item_name, d.name AS dept_name, w.name AS window_name,
  c.applicant_name, c.applicant_phone, e.level, e.comment, e.score_efficiency, e.score_quality, e.score_attitude,
  e.evaluated_at, fs.display_name AS follow_up_by_name, cs.display_name AS closed_by_name`;
export const RECTIFICATION_JOINS = `JOIN evaluations e ON e.id = r.evaluation_id JOIN cases c ON c.id = r.case_id
  JOIN items i ON i.id = c.item_id JOIN departments d ON d.id = r.department_id LEFT JOIN windows w ON w.id = c.window_id
  LEFT JOIN staff fs ON fs.id = r.follow_up_by LEFT JOIN staff cs ON cs.id = r.closed_by`;

export function toRectification(r: Row): Rectification {
  return {
    id: num(r.id),
    evaluationId: num(r.evaluation_id),
    caseId: num(r.case_id),
    queryNo: str(r.query_no),
    itemName: str(r.item_name),
    departmentId: num(r.department_id),
    departmentName: str(r.dept_name),
    windowName: optStr(r.window_name),
    applicantName: str(r.applicant_name),
    applicantPhone: str(r.applicant_phone),
    level: str(r.level) as EvaluationLevel,
    comment: optStr(r.comment),
    scores: { efficiency: num(r.score_efficiency), quality: num(r.score_quality), attitude: num(r.score_attitude) },
    evaluatedAt: str(r.evaluated_at),
    openedAt: str(r.opened_at),
    dueDate: optStr(r.due_date),
    status: str(r.status) as Rectification['status'],
    followUp:
      r.follow_up_date === null
        ? null
        : {
            date: str(r.follow_up_date),
            result: str(r.follow_up_result),
            byName: str(r.follow_up_by_name),
            at: str(r.follow_up_at),
          },
    closingNote: optStr(r.closing_note),
    closedByName: optStr(r.closed_by_name),
    closedAt: optStr(r.closed_at),
  };
}

export function toDisclosureEntry(r: Row): DisclosureEntry {
  return {
    id: num(r.id),
    indexNo: str(r.index_no),
    title: str(r.title),
    category: str(r.category),
    writtenDate: str(r.written_date),
    publisher: str(r.publisher),
    summary: str(r.summary),
    body: str(r.body),
    bodyFormat: r.body_format === 'html' ? 'html' : 'text',
    status: str(r.status) as DisclosureStatus,
    publishedAt: r.published_at === null ? null : str(r.published_at),
    version: num(r.version),
    createdBy: num(r.created_by),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

export function toDisclosureEvent(r: Row): DisclosureEvent {
  return {
    id: num(r.id),
    entryId: num(r.entry_id),
    action: str(r.action) as DisclosureAction,
    fromStatus: r.from_status === null ? null : (str(r.from_status) as DisclosureStatus),
    toStatus: str(r.to_status) as DisclosureStatus,
    staffId: num(r.staff_id),
    staffName: str(r.staff_name),
    at: str(r.at),
    comment: r.comment === null ? null : str(r.comment),
  };
}

export function toDisclosureReport(r: Row): DisclosureReportRecord {
  return {
    year: num(r.year),
    template: str(r.template) === '2021' ? '2021' : '2008',
    texts: toReportTexts(parseJsonObject(r.texts_json)),
    figures: toReportFigures(parseJsonObject(r.figures_json)),
    entryId: r.entry_id === null ? null : num(r.entry_id),
    entryStatus: r.entry_status === null || r.entry_status === undefined ? null : (str(r.entry_status) as DisclosureStatus),
    snapshotJson: r.snapshot_json === null ? null : str(r.snapshot_json),
    version: num(r.version),
    updatedBy: num(r.updated_by),
    updatedAt: str(r.updated_at),
  };
}

function parseJsonObject(v: unknown): unknown {
  try {
    return JSON.parse(str(v));
  } catch {
    return {};
  }
}
