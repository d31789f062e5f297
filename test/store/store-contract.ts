/**
 * The behaviour every Store adapter must show. An adapter's test file calls
 * runStoreContract(name, makeStore); makeStore gives a fresh, migrated, empty store per test.
 */
import { AppError, StaleVersionError } from '../../src/domain/errors';
import type { Case, Department, Item, ServiceWindow, Staff, StoredClock } from '../../src/domain/model';
import { QUERY_NO_ALPHABET, createQueryNo } from '../../src/domain/query-number';
import type { Stage } from '../../src/domain/stages';
import {
  DuplicateEvaluationError,
  DuplicateQueryNoError,
  PendingExtensionExistsError,
  type AdvanceCase,
  type NewBulletinEntry,
  type NewCase,
  type NewItem,
  type NewStaff,
  type Store,
} from '../../src/store/store';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** A valid query number per integer, deterministic. */
export function queryNoFor(n: number): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 11; i++) {
    body = QUERY_NO_ALPHABET[v % 32] + body;
    v = Math.floor(v / 32);
  }
  return createQueryNo(body);
}

/** 2024-03-01 10:mm UTC, as stored. */
/** A running clock, as a service would compute it. */
export function clockOf(dueDate: string | null = '2026-11-30', extra: Partial<StoredClock> = {}): StoredClock {
  return {
    state: dueDate ? 'running' : 'stopped',
    kind: dueDate ? 'decision' : 'none',
    dueDate,
    statutoryDueDate: null,
    pausedDays: 0,
    extensionDays: 0,
    deemedAccepted: false,
    undeterminedYear: null,
    ...extra,
  };
}

export function at(minute: number): string {
  return new Date(Date.UTC(2024, 2, 1, 10, minute)).toISOString();
}

interface Fixture {
  deptA: Department;
  deptB: Department;
  windowA: ServiceWindow;
  registrar: Staff;
  reviewer: Staff;
  itemA1: Item;
  itemA2: Item;
  itemB1: Item;
}

function newItem(code: string, departmentId: number, extra: Partial<NewItem> = {}): NewItem {
  return {
    code,
    name: `事项${code}`,
    category: '取水许可',
    departmentId,
    statutoryDays: 20,
    promisedDays: 10,
    resultsPublic: true,
    resultValidity: '5年',
    status: 'in_force',
    ...extra,
  };
}

function newStaff(username: string, departmentId: number | null, extra: Partial<NewStaff> = {}): NewStaff {
  return {
    username,
    displayName: `员工${username}`,
    role: 'window_staff',
    departmentId,
    windowId: null,
    passwordHash: `hash-of-${username}`,
    isDemo: false,
    ...extra,
  };
}

async function seed(store: Store): Promise<Fixture> {
  const deptA = await store.createDepartment({ code: 'D01', name: '市水利局' });
  const deptB = await store.createDepartment({ code: 'D02', name: '市自然资源和规划局' });
  const windowA = await store.createWindow({ departmentId: deptA.id, code: 'W01', name: '水利窗口', location: '二楼12号' });
  const registrar = await store.createStaff(newStaff('wang', deptA.id, { displayName: '王收件', windowId: windowA.id }));
  const reviewer = await store.createStaff(newStaff('li', deptA.id, { displayName: '李审查', role: 'supervisor' }));
  const itemA1 = await store.createItem(newItem('SL-001', deptA.id, { name: '取水许可', category: '取水许可' }));
  const itemA2 = await store.createItem(newItem('SL-002', deptA.id, { name: '水土保持方案审批', category: '水土保持方案' }));
  const itemB1 = await store.createItem(newItem('ZR-001', deptB.id, { name: '土地登记', category: '土地登记' }));
  return { deptA, deptB, windowA, registrar, reviewer, itemA1, itemA2, itemB1 };
}

function newCase(f: Fixture, n: number, extra: Partial<NewCase> = {}): NewCase {
  return {
    queryNo: queryNoFor(n),
    itemId: f.itemA1.id,
    departmentId: f.deptA.id,
    applicant: { name: '张三', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678' },
    projectName: `项目${n}`,
    note: `收件备注${n}`,
    registeredBy: f.registrar.id,
    windowId: f.windowA.id,
    at: at(n),
    clock: clockOf(),
    ...extra,
  };
}

interface Move {
  to: Stage;
  at: string;
  note?: string | null;
  notePublic?: boolean;
  decisionNo?: string | null;
  reason?: string | null;
  decision?: AdvanceCase['decision'];
  bulletin?: NewBulletinEntry;
  expectedVersion?: number;
  from?: Stage;
  clock?: StoredClock;
}

function advanceOf(c: Case, staffId: number, m: Move): AdvanceCase {
  return {
    caseId: c.id,
    expectedVersion: m.expectedVersion ?? c.version,
    from: m.from ?? c.stage,
    event: {
      to: m.to,
      at: m.at,
      staffId,
      note: m.note ?? null,
      notePublic: m.notePublic ?? false,
      decisionNo: m.decisionNo ?? null,
      reason: m.reason ?? null,
    },
    ...(m.decision ? { decision: m.decision } : {}),
    ...(m.bulletin ? { bulletin: m.bulletin } : {}),
    clock: m.clock ?? clockOf(),
  };
}

function bulletinOf(decisionNo: string, decidedAt: string, applicantName = '张*'): NewBulletinEntry {
  return { decisionNo, applicantName, projectName: '某某引水工程', decidedAt, validity: '5年' };
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

export function runStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('statutory clock', () => {
      it('when a case is registered or moved, then its clock is stored with it', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1, { clock: clockOf('2026-11-09', { kind: 'acceptance' }) }));
        expect(c.clock).toEqual(clockOf('2026-11-09', { kind: 'acceptance' }));
        const moved = await store.advanceCase(
          advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(2), clock: clockOf('2026-11-20', { pausedDays: 2, deemedAccepted: true }) }),
        );
        expect(moved.clock).toEqual(clockOf('2026-11-20', { pausedDays: 2, deemedAccepted: true }));
        expect((await store.findCaseByQueryNo(c.queryNo))?.clock).toEqual(moved.clock);
      });

      it('when listed by urgency, then running clocks come by due date, then undetermined, paused, stopped', async () => {
        const f = await seed(store);
        await store.registerCase(newCase(f, 1, { clock: clockOf(null) }));
        await store.registerCase(newCase(f, 2, { clock: clockOf('2026-12-01') }));
        await store.registerCase(newCase(f, 3, { clock: clockOf(null, { state: 'paused', kind: 'decision' }) }));
        await store.registerCase(newCase(f, 4, { clock: clockOf('2026-11-20') }));
        await store.registerCase(newCase(f, 5, { clock: clockOf(null, { state: 'undetermined', undeterminedYear: 2027 }) }));
        const page = await store.listCases({ order: 'urgency', limit: 10, offset: 0 });
        expect(page.rows.map((c) => c.queryNo)).toEqual([4, 2, 5, 3, 1].map(queryNoFor));
      });

      it('when filtered by clock state, window and due-date range, then only matching cases come back', async () => {
        const f = await seed(store);
        await store.registerCase(newCase(f, 1, { clock: clockOf('2026-11-18') }));
        await store.registerCase(newCase(f, 2, { clock: clockOf('2026-11-20') }));
        await store.registerCase(newCase(f, 3, { clock: clockOf('2026-11-25'), windowId: null }));
        await store.registerCase(newCase(f, 4, { clock: clockOf(null, { state: 'paused' }) }));
        const overdue = await store.listCases({ clockState: 'running', dueTo: '2026-11-19', limit: 10, offset: 0 });
        expect(overdue.rows.map((c) => c.queryNo)).toEqual([queryNoFor(1)]);
        const soon = await store.listCases({ clockState: 'running', dueFrom: '2026-11-19', dueTo: '2026-11-25', order: 'urgency', limit: 10, offset: 0 });
        expect(soon.rows.map((c) => c.queryNo)).toEqual([queryNoFor(2), queryNoFor(3)]);
        expect((await store.listCases({ clockState: 'paused', limit: 10, offset: 0 })).total).toBe(1);
        expect((await store.listCases({ windowId: f.windowA.id, limit: 10, offset: 0 })).total).toBe(3);
      });

      it('when open cases are listed for recomputation, then each comes with its events and stopped ones are left out', async () => {
        const f = await seed(store);
        const a = await store.registerCase(newCase(f, 1));
        await store.advanceCase(advanceOf(a, f.reviewer.id, { to: 'accepted', at: at(2) }));
        const b = await store.registerCase(newCase(f, 2));
        await store.advanceCase(advanceOf(b, f.reviewer.id, { to: 'withdrawn', at: at(3), clock: clockOf(null) }));
        await store.registerCase(newCase(f, 3));
        const first = await store.listOpenCasesForClock(0, 1);
        expect(first.map((x) => x.case.queryNo)).toEqual([queryNoFor(1)]);
        expect(first[0].events.map((e) => e.toStage)).toEqual(['submitted', 'accepted']);
        const rest = await store.listOpenCasesForClock(first[0].case.id, 10);
        expect(rest.map((x) => x.case.queryNo)).toEqual([queryNoFor(3)]);
        expect(rest[0].events).toHaveLength(1);
      });

      it('when clocks are saved, then a case whose version moved on is skipped', async () => {
        const f = await seed(store);
        const a = await store.registerCase(newCase(f, 1));
        const b = await store.registerCase(newCase(f, 2));
        await store.advanceCase(advanceOf(b, f.reviewer.id, { to: 'accepted', at: at(3) }));
        const saved = await store.saveCaseClocks([
          { caseId: a.id, version: a.version, clock: clockOf('2027-01-05') },
          { caseId: b.id, version: b.version, clock: clockOf('2027-01-05') },
        ]);
        expect(saved).toBe(1);
        expect((await store.findCaseByQueryNo(a.queryNo))?.clock.dueDate).toBe('2027-01-05');
        expect((await store.findCaseByQueryNo(b.queryNo))?.clock.dueDate).toBe('2026-11-30');
      });
    });

    describe('extension requests', () => {
      async function underReview(f: Fixture) {
        const c = await store.registerCase(newCase(f, 1));
        return store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(2) }));
      }

      it('when requested, then it is pending and listed for the department; a second pending one is refused', async () => {
        const f = await seed(store);
        const c = await underReview(f);
        const r = await store.createExtensionRequest({ caseId: c.id, days: 10, reason: '需现场核查', requestedBy: f.registrar.id, requestedAt: at(5) });
        expect(r).toMatchObject({ caseId: c.id, queryNo: c.queryNo, days: 10, status: 'pending', requestedByName: '王收件', departmentId: f.deptA.id });
        expect(await store.listExtensionRequests({ departmentId: f.deptA.id, status: 'pending' })).toEqual([r]);
        expect(await store.listExtensionRequests({ departmentId: f.deptB.id })).toEqual([]);
        const err = await errorOf(
          store.createExtensionRequest({ caseId: c.id, days: 10, reason: '再次', requestedBy: f.registrar.id, requestedAt: at(6) }),
        );
        expect(err).toBeInstanceOf(PendingExtensionExistsError);
      });

      it('when approved, then the request, an extension event and the case version and clock change together', async () => {
        const f = await seed(store);
        const c = await underReview(f);
        const r = await store.createExtensionRequest({ caseId: c.id, days: 15, reason: '联合办理需会商', requestedBy: f.registrar.id, requestedAt: at(5) });
        const after = await store.approveExtension({
          requestId: r.id,
          caseId: c.id,
          expectedVersion: c.version,
          stage: c.stage,
          approverId: f.reviewer.id,
          at: at(6),
          decisionNote: '同意',
          clock: clockOf('2026-12-21', { extensionDays: 15 }),
        });
        expect(after).toMatchObject({ version: c.version + 1, stage: 'accepted', clock: clockOf('2026-12-21', { extensionDays: 15 }) });
        const events = await store.listStageEvents(c.id);
        expect(events[events.length - 1]).toMatchObject({
          kind: 'extension',
          fromStage: 'accepted',
          toStage: 'accepted',
          extensionDays: 15,
          note: '联合办理需会商',
          notePublic: true,
          staffId: f.registrar.id,
          approverId: f.reviewer.id,
          approverName: '李审查',
        });
        expect(await store.findExtensionRequest(r.id)).toMatchObject({ status: 'approved', decidedBy: f.reviewer.id, decisionNote: '同意' });
      });

      it('when the case moved on meanwhile, then approval is refused and nothing is written', async () => {
        const f = await seed(store);
        const c = await underReview(f);
        const r = await store.createExtensionRequest({ caseId: c.id, days: 10, reason: '核查', requestedBy: f.registrar.id, requestedAt: at(5) });
        await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'under_review', at: at(6) }));
        const err = await errorOf(
          store.approveExtension({ requestId: r.id, caseId: c.id, expectedVersion: c.version, stage: c.stage, approverId: f.reviewer.id, at: at(7), decisionNote: null, clock: clockOf() }),
        );
        expect(err).toBeInstanceOf(StaleVersionError);
        expect((await store.findExtensionRequest(r.id))?.status).toBe('pending');
        expect(await store.listStageEvents(c.id)).toHaveLength(3);
      });

      it('when refused, then it is closed with the note, and cannot be decided twice', async () => {
        const f = await seed(store);
        const c = await underReview(f);
        const r = await store.createExtensionRequest({ caseId: c.id, days: 10, reason: '核查', requestedBy: f.registrar.id, requestedAt: at(5) });
        const refused = await store.refuseExtension({ requestId: r.id, decidedBy: f.reviewer.id, at: at(6), decisionNote: '时限内可办结' });
        expect(refused).toMatchObject({ status: 'refused', decisionNote: '时限内可办结' });
        expect(await errorOf(store.refuseExtension({ requestId: r.id, decidedBy: f.reviewer.id, at: at(7), decisionNote: 'x' }))).toBeInstanceOf(StaleVersionError);
        const again = await store.createExtensionRequest({ caseId: c.id, days: 10, reason: '再申请', requestedBy: f.registrar.id, requestedAt: at(8) });
        expect(again.status).toBe('pending');
      });
    });

    describe('calendar overrides', () => {
      it('stores, replaces and deletes overrides, and records declared years', async () => {
        const f = await seed(store);
        const o = { date: '2027-01-01', kind: 'holiday' as const, notice: '国办发明电〔2026〕7号', createdBy: f.registrar.id, createdAt: at(1) };
        await store.putCalendarOverride(o);
        await store.putCalendarOverride({ ...o, date: '2026-12-31', kind: 'workday' });
        await store.putCalendarOverride({ ...o, kind: 'workday', notice: '更正' });
        expect(await store.listCalendarOverrides()).toEqual([
          { ...o, date: '2026-12-31', kind: 'workday' },
          { ...o, kind: 'workday', notice: '更正' },
        ]);
        expect(await store.deleteCalendarOverride('2026-12-31')).toBe(true);
        expect(await store.deleteCalendarOverride('2026-12-31')).toBe(false);
        await store.declareCalendarYear({ year: 2027, notice: '国办发明电〔2026〕7号', declaredBy: f.registrar.id, declaredAt: at(2) });
        expect(await store.listCalendarYears()).toEqual([
          { year: 2027, notice: '国办发明电〔2026〕7号', declaredBy: f.registrar.id, declaredAt: at(2) },
        ]);
      });
    });

    describe('lifecycle', () => {
      it('when pinged, then it answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('when closed twice, then the second close is harmless', async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('settings', () => {
      it('when a key was never written, then it reads null', async () => {
        expect(await store.getSetting('session_secret')).toBeNull();
      });

      it('when two writers put the same key, then the first value wins and both are told it', async () => {
        expect(await store.putSettingIfAbsent('session_secret', 'first')).toBe('first');
        expect(await store.putSettingIfAbsent('session_secret', 'second')).toBe('first');
        expect(await store.getSetting('session_secret')).toBe('first');
      });

      it('when different keys are written, then each keeps its own value', async () => {
        await store.putSettingIfAbsent('a', '1');
        await store.putSettingIfAbsent('b', '2');
        expect(await store.getSetting('a')).toBe('1');
        expect(await store.getSetting('b')).toBe('2');
      });

      it('when the value is empty or long Unicode text, then it is kept exactly', async () => {
        const long = '办件通'.repeat(1000);
        expect(await store.putSettingIfAbsent('empty', '')).toBe('');
        expect(await store.putSettingIfAbsent('long', long)).toBe(long);
        expect(await store.getSetting('empty')).toBe('');
        expect(await store.getSetting('long')).toBe(long);
      });
    });

    describe('isEmpty', () => {
      it('when the store is new, then it is empty', async () => {
        expect(await store.isEmpty()).toBe(true);
      });

      it('when only settings were written (as at every start), then it is still empty', async () => {
        await store.putSettingIfAbsent('session_secret', 'x');
        expect(await store.isEmpty()).toBe(true);
      });

      it('when a staff member exists, then it is not empty', async () => {
        await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        expect(await store.isEmpty()).toBe(false);
      });

      it('when an item exists, then it is not empty', async () => {
        const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
        await store.createItem(newItem('SL-001', d.id));
        expect(await store.isEmpty()).toBe(false);
      });
    });

    describe('departments and windows', () => {
      it('when departments are created, then they come back with ids, ordered by code', async () => {
        const b = await store.createDepartment({ code: 'D02', name: '市自然资源和规划局' });
        const a = await store.createDepartment({ code: 'D01', name: '市水利局' });
        expect(a).toEqual({ id: expect.any(Number), code: 'D01', name: '市水利局' });
        expect(a.id).not.toBe(b.id);
        expect(await store.listDepartments()).toEqual([a, b]);
      });

      it('when no department exists, then the list is empty', async () => {
        expect(await store.listDepartments()).toEqual([]);
        expect(await store.listWindows()).toEqual([]);
      });

      it('when windows are created, then they are listed by code, all or per department', async () => {
        const a = await store.createDepartment({ code: 'D01', name: '市水利局' });
        const b = await store.createDepartment({ code: 'D02', name: '市自然资源和规划局' });
        const w3 = await store.createWindow({ departmentId: a.id, code: 'W03', name: '水利二号', location: '' });
        const w1 = await store.createWindow({ departmentId: a.id, code: 'W01', name: '水利一号', location: '二楼12号' });
        const w2 = await store.createWindow({ departmentId: b.id, code: 'W02', name: '国土窗口', location: '二楼15号' });
        expect(w1).toEqual({ id: expect.any(Number), departmentId: a.id, code: 'W01', name: '水利一号', location: '二楼12号' });
        expect(await store.listWindows()).toEqual([w1, w2, w3]);
        expect(await store.listWindows(a.id)).toEqual([w1, w3]);
        expect(await store.listWindows(b.id)).toEqual([w2]);
        expect(await store.listWindows(b.id + a.id + 100)).toEqual([]);
      });

      it.each([
        ['department code', async (s: Store) => {
          await s.createDepartment({ code: 'D01', name: 'x' });
          await s.createDepartment({ code: 'D01', name: 'y' });
        }],
        ['window code', async (s: Store) => {
          const d = await s.createDepartment({ code: 'D01', name: 'x' });
          await s.createWindow({ departmentId: d.id, code: 'W01', name: 'a', location: '' });
          await s.createWindow({ departmentId: d.id, code: 'W01', name: 'b', location: '' });
        }],
        ['staff username', async (s: Store) => {
          await s.createStaff(newStaff('admin', null, { role: 'admin' }));
          await s.createStaff(newStaff('admin', null, { role: 'admin' }));
        }],
        ['item code', async (s: Store) => {
          const d = await s.createDepartment({ code: 'D01', name: 'x' });
          await s.createItem(newItem('SL-001', d.id));
          await s.createItem(newItem('SL-001', d.id));
        }],
      ])('when a second record repeats the %s, then it is refused', async (_label, act) => {
        // Not toThrow(): a native driver's error may come from another realm under Jest.
        await expect(act(store)).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE|unique|duplicate/));
      });
    });

    describe('staff', () => {
      it('when a staff member is created, then all fields come back and can be found by username and id', async () => {
        const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
        const w = await store.createWindow({ departmentId: d.id, code: 'W01', name: '水利窗口', location: '' });
        const s = await store.createStaff(
          newStaff('wang', d.id, { displayName: '王收件', windowId: w.id, passwordHash: 'scrypt$abc', isDemo: true }),
        );
        expect(s).toEqual({
          id: expect.any(Number),
          username: 'wang',
          displayName: '王收件',
          role: 'window_staff',
          departmentId: d.id,
          windowId: w.id,
          passwordHash: 'scrypt$abc',
          isDemo: true,
          active: true,
        });
        expect(await store.findStaffByUsername('wang')).toEqual(s);
        expect(await store.findStaffById(s.id)).toEqual(s);
      });

      it('when an administrator has no department, then it is stored with nulls', async () => {
        const s = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        expect(s).toMatchObject({ role: 'admin', departmentId: null, windowId: null, isDemo: false, active: true });
      });

      it('when nobody has the username or id, then null', async () => {
        expect(await store.findStaffByUsername('nobody')).toBeNull();
        expect(await store.findStaffById(999)).toBeNull();
      });

      it('when some staff are demo accounts, then listDemoStaff gives only those, in creation order', async () => {
        const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
        const z = await store.createStaff(newStaff('zhou', d.id, { isDemo: true }));
        await store.createStaff(newStaff('real', d.id, { isDemo: false }));
        const a = await store.createStaff(newStaff('admin', null, { role: 'admin', isDemo: true }));
        expect(await store.listDemoStaff()).toEqual([z, a]);
      });
    });

    describe('sessions and API tokens', () => {
      const session = (id: string, staffId: number) => ({
        id,
        staffId,
        csrfToken: `csrf-${id}`,
        createdAt: at(0),
        lastSeenAt: at(0),
        expiresAt: at(59),
      });

      it('when a session is created, then it is found as written', async () => {
        const s = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        await store.createSession(session('sess-1', s.id));
        expect(await store.findSession('sess-1')).toEqual(session('sess-1', s.id));
        expect(await store.findSession('sess-2')).toBeNull();
      });

      it('when a session is touched, then only lastSeenAt changes', async () => {
        const s = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        await store.createSession(session('sess-1', s.id));
        await store.touchSession('sess-1', at(30));
        expect(await store.findSession('sess-1')).toEqual({ ...session('sess-1', s.id), lastSeenAt: at(30) });
        await expect(store.touchSession('missing', at(31))).resolves.toBeUndefined();
      });

      it('when a session is deleted, then it is gone and the others stay', async () => {
        const s = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        await store.createSession(session('sess-1', s.id));
        await store.createSession(session('sess-2', s.id));
        await store.deleteSession('sess-1');
        expect(await store.findSession('sess-1')).toBeNull();
        expect(await store.findSession('sess-2')).toEqual(session('sess-2', s.id));
        await expect(store.deleteSession('sess-1')).resolves.toBeUndefined();
      });

      it('when an API token is created, then it is found as written', async () => {
        const s = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        await store.createApiToken({ id: 'tok-1', staffId: s.id, expiresAt: at(59) });
        expect(await store.findApiToken('tok-1')).toEqual({ id: 'tok-1', staffId: s.id, expiresAt: at(59) });
        expect(await store.findApiToken('tok-2')).toBeNull();
      });
    });

    describe('items', () => {
      it('when an item is created, then it comes back with its department and is found by code', async () => {
        const d = await store.createDepartment({ code: 'D01', name: '市水利局' });
        const item = await store.createItem(
          newItem('SL-001', d.id, {
            name: '取水许可',
            category: '取水许可',
            statutoryDays: 20,
            promisedDays: 8,
            resultsPublic: false,
            resultValidity: '5年',
          }),
        );
        expect(item).toEqual({
          id: expect.any(Number),
          code: 'SL-001',
          name: '取水许可',
          category: '取水许可',
          departmentId: d.id,
          department: { code: 'D01', name: '市水利局' },
          statutoryDays: 20,
          promisedDays: 8,
          resultsPublic: false,
          resultValidity: '5年',
          status: 'in_force',
          jointHandling: false,
        });
        expect(await store.findItemByCode('SL-001')).toEqual(item);
        expect(await store.findItemByCode('SL-999')).toBeNull();
      });

      it.each<[string, { inForceOnly: boolean; dept?: 'A' | 'B' }, string[]]>([
        ['all items', { inForceOnly: false }, ['A-1', 'A-2', 'B-1', 'B-2']],
        ['items in force', { inForceOnly: true }, ['A-2', 'B-1']],
        ['all items of department A', { inForceOnly: false, dept: 'A' }, ['A-1', 'A-2']],
        ['items in force of department A', { inForceOnly: true, dept: 'A' }, ['A-2']],
        ['items in force of department B', { inForceOnly: true, dept: 'B' }, ['B-1']],
      ])('when listing %s, then they come ordered by department code, then item code', async (_l, opts, codes) => {
        // Department B is created first and has the smaller id, but sorts after A by code.
        const b = await store.createDepartment({ code: 'D02', name: '乙局' });
        const a = await store.createDepartment({ code: 'D01', name: '甲局' });
        await store.createItem(newItem('B-2', b.id, { status: 'cancelled' }));
        await store.createItem(newItem('B-1', b.id));
        await store.createItem(newItem('A-2', a.id));
        await store.createItem(newItem('A-1', a.id, { status: 'cancelled' }));
        const departmentId = opts.dept === 'A' ? a.id : opts.dept === 'B' ? b.id : undefined;
        const items = await store.listItems({ inForceOnly: opts.inForceOnly, departmentId });
        expect(items.map((i) => i.code)).toEqual(codes);
      });
    });

    describe('registerCase', () => {
      it('when a case is registered, then it is stored as submitted, version 1, with all its data', async () => {
        const f = await seed(store);
        const c = await store.registerCase(
          newCase(f, 1, {
            itemId: f.itemA2.id,
            applicant: { name: '欧阳娜娜', kind: 'person', idNumber: '11010519491231002X', phone: '0578-2123456' },
            projectName: '某某水土保持方案',
            note: '材料齐全',
          }),
        );
        expect(c).toEqual({
          id: expect.any(Number),
          queryNo: queryNoFor(1),
          item: {
            id: f.itemA2.id,
            code: 'SL-002',
            name: '水土保持方案审批',
            category: '水土保持方案',
            promisedDays: 10,
            statutoryDays: 20,
            jointHandling: false,
          },
          windowId: f.windowA.id,
          clock: clockOf(),
          department: { id: f.deptA.id, code: 'D01', name: '市水利局' },
          applicant: { name: '欧阳娜娜', kind: 'person', idNumber: '11010519491231002X', phone: '0578-2123456' },
          projectName: '某某水土保持方案',
          note: '材料齐全',
          stage: 'submitted',
          version: 1,
          registeredBy: f.registrar.id,
          registeredAt: at(1),
          updatedAt: at(1),
          decisionNo: null,
          decidedAt: null,
        });
        expect(await store.findCaseByQueryNo(queryNoFor(1))).toEqual(c);
      });

      it('when a case is registered, then exactly one stage event exists: seq 1, from null to submitted', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1));
        expect(await store.listStageEvents(c.id)).toEqual([
          {
            id: expect.any(Number),
            caseId: c.id,
            seq: 1,
            fromStage: null,
            toStage: 'submitted',
            at: at(1),
            staffId: f.registrar.id,
            staffName: '王收件',
            note: null,
            notePublic: false,
            decisionNo: null,
            reason: null,
            kind: 'stage',
            extensionDays: null,
            approverId: null,
            approverName: null,
          },
        ]);
      });

      it('when an organization applies without project name or note, then the nulls are kept', async () => {
        const f = await seed(store);
        const c = await store.registerCase(
          newCase(f, 1, {
            applicant: { name: '某某建设有限公司', kind: 'organization', idNumber: '11330800MB0R57773W', phone: '' },
            projectName: null,
            note: null,
          }),
        );
        expect(c.applicant).toEqual({
          name: '某某建设有限公司',
          kind: 'organization',
          idNumber: '11330800MB0R57773W',
          phone: '',
        });
        expect(c.projectName).toBeNull();
        expect(c.note).toBeNull();
      });

      it('when no case has the query number, then findCaseByQueryNo gives null', async () => {
        const f = await seed(store);
        await store.registerCase(newCase(f, 1));
        expect(await store.findCaseByQueryNo(queryNoFor(2))).toBeNull();
        expect(await store.listStageEvents(9999)).toEqual([]);
      });

      it('when the query number is taken, then DuplicateQueryNoError is thrown and nothing is written', async () => {
        const f = await seed(store);
        const first = await store.registerCase(newCase(f, 1));
        const dup = newCase(f, 2, {
          queryNo: first.queryNo,
          itemId: f.itemB1.id,
          departmentId: f.deptB.id,
          applicant: { name: '李四', kind: 'person', idNumber: '330802198506151230', phone: '13900000000' },
        });
        const err = await errorOf(store.registerCase(dup));
        expect(err).toBeInstanceOf(DuplicateQueryNoError);

        expect(await store.findCaseByQueryNo(first.queryNo)).toEqual(first);
        expect(await store.listStageEvents(first.id)).toHaveLength(1);
        expect(await store.listCases({ limit: 50, offset: 0 })).toEqual({ rows: [first], total: 1 });
        expect(await store.listCases({ departmentId: f.deptB.id, limit: 50, offset: 0 })).toEqual({ rows: [], total: 0 });

        // The service retries with another number: that works and leaves no stray event behind.
        const retry = await store.registerCase({ ...dup, queryNo: queryNoFor(3) });
        expect((await store.listStageEvents(retry.id)).map((e) => [e.seq, e.fromStage, e.toStage])).toEqual([
          [1, null, 'submitted'],
        ]);
        expect((await store.listCases({ limit: 50, offset: 0 })).total).toBe(2);
      });
    });

    describe('advanceCase', () => {
      const PATHS: Array<[string, Stage[]]> = [
        ['即办件', ['accepted', 'approved', 'completed']],
        ['full approval', ['accepted', 'under_review', 'approved', 'certificate_issued', 'completed']],
        ['补正 and 特别程序', ['supplement_requested', 'accepted', 'under_review', 'special_procedure', 'under_review', 'denied', 'completed']],
        ['not accepted', ['not_accepted']],
        ['withdrawn during review', ['accepted', 'under_review', 'withdrawn']],
      ];

      it.each(PATHS)('when a case goes the %s path, then each move bumps the version and appends one event', async (_l, path) => {
        const f = await seed(store);
        let c = await store.registerCase(newCase(f, 1));
        for (const [i, to] of path.entries()) {
          const before = c;
          c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to, at: at(10 + i), note: `第${i + 1}步` }));
          expect(c).toEqual({ ...before, stage: to, version: before.version + 1, updatedAt: at(10 + i) });
          expect(await store.findCaseByQueryNo(c.queryNo)).toEqual(c);
        }
        const events = await store.listStageEvents(c.id);
        const stages: Stage[] = ['submitted', ...path];
        expect(events.map((e) => [e.seq, e.fromStage, e.toStage])).toEqual(
          stages.map((s, i) => [i + 1, i === 0 ? null : stages[i - 1], s]),
        );
        expect(events.slice(1).map((e) => [e.at, e.staffId, e.staffName, e.note])).toEqual(
          path.map((_, i) => [at(10 + i), f.reviewer.id, '李审查', `第${i + 1}步`]),
        );
        expect(c.version).toBe(path.length + 1);
      });

      it('when an event carries a public note, a decision number or a reason, then they are stored on the event', async () => {
        const f = await seed(store);
        let c = await store.registerCase(newCase(f, 1));
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, { to: 'supplement_requested', at: at(10), note: '请补齐营业执照副本', notePublic: true }),
        );
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, { to: 'not_accepted', at: at(11), reason: '不属于本机关职权范围' }),
        );
        const [, supplement, refused] = await store.listStageEvents(c.id);
        expect(supplement).toMatchObject({ seq: 2, note: '请补齐营业执照副本', notePublic: true, decisionNo: null, reason: null });
        expect(refused).toMatchObject({ seq: 3, note: null, notePublic: false, reason: '不属于本机关职权范围' });
      });

      it('when the move is a decision, then the case keeps the decision number and date through later moves', async () => {
        const f = await seed(store);
        let c = await store.registerCase(newCase(f, 1));
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) }));
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, {
            to: 'approved',
            at: at(11),
            decisionNo: '丽水许〔2024〕12号',
            decision: { decisionNo: '丽水许〔2024〕12号', decidedAt: at(11) },
          }),
        );
        expect(c).toMatchObject({ stage: 'approved', version: 3, decisionNo: '丽水许〔2024〕12号', decidedAt: at(11) });
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'certificate_issued', at: at(12) }));
        expect(c).toMatchObject({ stage: 'certificate_issued', version: 4, decisionNo: '丽水许〔2024〕12号', decidedAt: at(11) });
        expect((await store.listStageEvents(c.id))[2].decisionNo).toBe('丽水许〔2024〕12号');
      });

      it('when a denial is recorded without a decision number, then decidedAt is set and decisionNo stays null', async () => {
        const f = await seed(store);
        let c = await store.registerCase(newCase(f, 1));
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) }));
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, { to: 'denied', at: at(11), reason: '不符合条件', decision: { decisionNo: null, decidedAt: at(11) } }),
        );
        expect(c).toMatchObject({ stage: 'denied', decisionNo: null, decidedAt: at(11) });
      });

      it.each<[string, (c: Case) => Partial<Move>]>([
        ['an older version', (c) => ({ expectedVersion: c.version - 1 })],
        ['a newer version', (c) => ({ expectedVersion: c.version + 1 })],
        ['version 0', () => ({ expectedVersion: 0 })],
        ['the right version but a different current stage', () => ({ from: 'under_review' })],
      ])(
        'when the caller holds %s, then StaleVersionError (412) and nothing is written, not even the bulletin entry',
        async (_l, stale) => {
          const f = await seed(store);
          let c = await store.registerCase(newCase(f, 1));
          c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) }));
          const eventsBefore = await store.listStageEvents(c.id);

          const err = await errorOf(
            store.advanceCase(
              advanceOf(c, f.reviewer.id, {
                to: 'approved',
                at: at(20),
                decisionNo: '丽水许〔2024〕12号',
                decision: { decisionNo: '丽水许〔2024〕12号', decidedAt: at(20) },
                bulletin: bulletinOf('丽水许〔2024〕12号', at(20)),
                ...stale(c),
              }),
            ),
          );
          expect(err).toBeInstanceOf(StaleVersionError);
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).status).toBe(412);
          expect((err as AppError).code).toBe('stale_version');

          expect(await store.findCaseByQueryNo(c.queryNo)).toEqual(c);
          expect(await store.listStageEvents(c.id)).toEqual(eventsBefore);
          expect(await store.listBulletin({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
        },
      );

      it('when two staff act on the same version, then the first wins and the second gets StaleVersionError', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1));
        const results = await Promise.allSettled([
          store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) })),
          store.advanceCase(advanceOf(c, f.registrar.id, { to: 'withdrawn', at: at(11) })),
        ]);
        const fulfilled = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect(rejected[0].reason).toBeInstanceOf(StaleVersionError);

        const now = (await store.findCaseByQueryNo(c.queryNo)) as Case;
        expect(now.version).toBe(2);
        const events = await store.listStageEvents(c.id);
        expect(events).toHaveLength(2);
        expect(events[1].toStage).toBe(now.stage);
      });

      it('when the case does not exist, then the move is refused', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1));
        await expect(
          store.advanceCase(advanceOf({ ...c, id: c.id + 1000 }, f.reviewer.id, { to: 'accepted', at: at(10) })),
        ).rejects.toBeInstanceOf(StaleVersionError);
        expect(await store.listStageEvents(c.id + 1000)).toEqual([]);
      });
    });

    describe('results bulletin', () => {
      async function approve(f: Fixture, n: number, decidedAt: string, extra: Partial<NewCase> = {}) {
        let c = await store.registerCase(newCase(f, n, extra));
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: decidedAt }));
        const decisionNo = `丽水许〔2024〕${n}号`;
        return store.advanceCase(
          advanceOf(c, f.reviewer.id, {
            to: 'approved',
            at: decidedAt,
            decisionNo,
            decision: { decisionNo, decidedAt },
            bulletin: bulletinOf(decisionNo, decidedAt, `申请人${n}`),
          }),
        );
      }

      it('when an approval carries a bulletin entry, then the entry is published with item and department', async () => {
        const f = await seed(store);
        const c = await approve(f, 1, at(30), { itemId: f.itemB1.id, departmentId: f.deptB.id });
        const page = await store.listBulletin({ limit: 10, offset: 0 });
        expect(page).toEqual({
          total: 1,
          rows: [
            {
              id: expect.any(Number),
              caseId: c.id,
              decisionNo: '丽水许〔2024〕1号',
              item: { code: 'ZR-001', name: '土地登记', category: '土地登记' },
              department: { code: 'D02', name: '市自然资源和规划局' },
              applicantName: '申请人1',
              projectName: '某某引水工程',
              decidedAt: at(30),
              validity: '5年',
            },
          ],
        });
        expect(await store.findBulletinEntry(page.rows[0].id)).toEqual(page.rows[0]);
        expect(await store.findBulletinEntry(page.rows[0].id + 1000)).toBeNull();
      });

      it('when an approval carries no bulletin entry (results not public), then nothing is published', async () => {
        const f = await seed(store);
        let c = await store.registerCase(newCase(f, 1));
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) }));
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, { to: 'approved', at: at(11), decision: { decisionNo: 'X1', decidedAt: at(11) } }),
        );
        expect(c.stage).toBe('approved');
        expect(await store.listBulletin({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
      });

      it.each<[string, { limit: number; offset: number }, number[]]>([
        ['the first page', { limit: 2, offset: 0 }, [4, 3]],
        ['the second page', { limit: 2, offset: 2 }, [2, 1]],
        ['past the end', { limit: 2, offset: 4 }, []],
        ['everything', { limit: 10, offset: 0 }, [4, 3, 2, 1]],
      ])('when reading %s, then the newest decision comes first', async (_l, page, expected) => {
        const f = await seed(store);
        // Decision dates out of insertion order; cases 3 and 4 share a time: the later entry first.
        await approve(f, 1, at(31));
        await approve(f, 2, at(35));
        await approve(f, 3, at(40));
        await approve(f, 4, at(40));
        const result = await store.listBulletin(page);
        expect(result.total).toBe(4);
        expect(result.rows.map((r) => r.decisionNo)).toEqual(expected.map((n) => `丽水许〔2024〕${n}号`));
      });

      it('when the bulletin entry cannot be written (a case is published once), then the stage change and the event are rolled back too', async () => {
        const f = await seed(store);
        const c = await approve(f, 1, at(30));
        const eventsBefore = await store.listStageEvents(c.id);
        await expect(
          store.advanceCase(
            advanceOf(c, f.reviewer.id, { to: 'completed', at: at(50), bulletin: bulletinOf('重复', at(50)) }),
          ),
        ).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE|unique|duplicate/));
        expect(await store.findCaseByQueryNo(c.queryNo)).toEqual(c);
        expect(await store.listStageEvents(c.id)).toEqual(eventsBefore);
        expect((await store.listBulletin({ limit: 10, offset: 0 })).total).toBe(1);
      });
    });

    describe('listCases', () => {
      /**
       * q1 A1 submitted 10:01 · q2 A1 accepted 10:20 · q3 A2 submitted 10:03
       * q4 A2 accepted 10:15 · q5 B1 submitted 10:05 · q6 B1 accepted 10:10
       * newest change first: q2, q4, q6, q5, q3, q1
       */
      async function seedCases(f: Fixture) {
        const plan: Array<[number, Item, Department, number | null]> = [
          [1, f.itemA1, f.deptA, null],
          [2, f.itemA1, f.deptA, 20],
          [3, f.itemA2, f.deptA, null],
          [4, f.itemA2, f.deptA, 15],
          [5, f.itemB1, f.deptB, null],
          [6, f.itemB1, f.deptB, 10],
        ];
        for (const [n, item, dept, acceptedAt] of plan) {
          const c = await store.registerCase(newCase(f, n, { itemId: item.id, departmentId: dept.id }));
          if (acceptedAt !== null) {
            await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(acceptedAt) }));
          }
        }
      }

      type Filter = { dept?: 'A' | 'B'; item?: 'A1' | 'A2' | 'B1'; stage?: Stage; limit?: number; offset?: number };

      it.each<[string, Filter, number[], number]>([
        ['no filter', {}, [2, 4, 6, 5, 3, 1], 6],
        ['department A', { dept: 'A' }, [2, 4, 3, 1], 4],
        ['department B', { dept: 'B' }, [6, 5], 2],
        ['stage submitted', { stage: 'submitted' }, [5, 3, 1], 3],
        ['stage accepted', { stage: 'accepted' }, [2, 4, 6], 3],
        ['stage approved (none)', { stage: 'approved' }, [], 0],
        ['item A1', { item: 'A1' }, [2, 1], 2],
        ['item A2', { item: 'A2' }, [4, 3], 2],
        ['department A and stage accepted', { dept: 'A', stage: 'accepted' }, [2, 4], 2],
        ['item A2 and stage submitted', { item: 'A2', stage: 'submitted' }, [3], 1],
        ['department B and item A1 (contradiction)', { dept: 'B', item: 'A1' }, [], 0],
        ['page 1 of 3', { limit: 2, offset: 0 }, [2, 4], 6],
        ['page 2 of 3', { limit: 2, offset: 2 }, [6, 5], 6],
        ['page 3 of 3', { limit: 2, offset: 4 }, [3, 1], 6],
        ['past the last page', { limit: 2, offset: 6 }, [], 6],
        ['department A, second page of 3', { dept: 'A', limit: 3, offset: 3 }, [1], 4],
        ['stage submitted, limit 1', { stage: 'submitted', limit: 1 }, [5], 3],
      ])('when filtering by %s, then the right cases come newest first with the full total', async (_l, filter, expected, total) => {
        const f = await seed(store);
        await seedCases(f);
        const page = await store.listCases({
          departmentId: filter.dept === 'A' ? f.deptA.id : filter.dept === 'B' ? f.deptB.id : undefined,
          itemId: filter.item ? { A1: f.itemA1, A2: f.itemA2, B1: f.itemB1 }[filter.item].id : undefined,
          stage: filter.stage,
          limit: filter.limit ?? 50,
          offset: filter.offset ?? 0,
        });
        expect(page.total).toBe(total);
        expect(page.rows.map((c) => c.queryNo)).toEqual(expected.map(queryNoFor));
      });

      it('when cases are listed, then each row is the full case as findCaseByQueryNo gives it', async () => {
        const f = await seed(store);
        await seedCases(f);
        const page = await store.listCases({ limit: 50, offset: 0 });
        for (const row of page.rows) expect(row).toEqual(await store.findCaseByQueryNo(row.queryNo));
      });

      it('when the store has no cases, then the page is empty', async () => {
        expect(await store.listCases({ limit: 50, offset: 0 })).toEqual({ rows: [], total: 0 });
      });
    });

    describe('evaluations and rectification tasks (好差评)', () => {
      const scores = { efficiency: 5, quality: 4, attitude: 3 };
      const iso = (s: string) => new Date(s).toISOString();

      /** A case registered, accepted, decided (on time or not) and completed at the given instants. */
      async function finished(
        f: Fixture,
        n: number,
        t: { registered: string; accepted?: string; decided: string; completed?: string },
        opts: { onTime?: boolean | null; deny?: boolean; extra?: Partial<NewCase> } = {},
      ) {
        let c = await store.registerCase(newCase(f, n, { at: iso(t.registered), ...opts.extra }));
        c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: iso(t.accepted ?? t.registered) }));
        const decisionNo = opts.deny ? null : `水许〔2026〕${n}号`;
        c = await store.advanceCase(
          advanceOf(c, f.reviewer.id, {
            to: opts.deny ? 'denied' : 'approved',
            at: iso(t.decided),
            decisionNo,
            reason: opts.deny ? '不符合条件' : null,
            decision: { decisionNo, decidedAt: iso(t.decided), dueDate: '2026-03-20', onTime: opts.onTime === undefined ? true : opts.onTime },
          }),
        );
        if (t.completed) c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'completed', at: iso(t.completed), clock: clockOf(null) }));
        return c;
      }

      it('when a good evaluation is saved, then it is found by case and no task is opened', async () => {
        const f = await seed(store);
        const c = await finished(f, 1, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-04T02:00:00Z' });
        const e = await store.createEvaluation({ caseId: c.id, level: 'satisfied', comment: '很好', scores, at: '2026-03-05T02:00:00.000Z' });
        expect(e).toEqual({ id: expect.any(Number), caseId: c.id, level: 'satisfied', comment: '很好', scores, evaluatedAt: '2026-03-05T02:00:00.000Z' });
        expect(await store.findEvaluationByCase(c.id)).toEqual(e);
        expect(await store.listRectifications({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
      });

      it('when a 差评 is saved, then its task is opened with it; a second evaluation is refused and opens no second task', async () => {
        const f = await seed(store);
        const c = await finished(f, 1, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-04T02:00:00Z' });
        const e = await store.createEvaluation({
          caseId: c.id, level: 'very_dissatisfied', comment: null, scores, at: '2026-03-05T02:00:00.000Z', rectification: { dueDate: '2026-03-26' },
        });
        const page = await store.listRectifications({ limit: 10, offset: 0 });
        expect(page.total).toBe(1);
        expect(page.rows[0]).toMatchObject({
          evaluationId: e.id, caseId: c.id, queryNo: c.queryNo, itemName: '取水许可', departmentId: f.deptA.id, departmentName: '市水利局',
          windowName: '水利窗口', applicantName: '张三', applicantPhone: '13812345678', level: 'very_dissatisfied', scores,
          openedAt: '2026-03-05T02:00:00.000Z', dueDate: '2026-03-26', status: 'open', followUp: null, closingNote: null,
        });
        expect(await store.findRectification(page.rows[0].id)).toEqual(page.rows[0]);
        const err = await errorOf(
          store.createEvaluation({ caseId: c.id, level: 'dissatisfied', comment: null, scores, at: '2026-03-06T02:00:00.000Z', rectification: { dueDate: null } }),
        );
        expect(err).toBeInstanceOf(DuplicateEvaluationError);
        expect((await store.listRectifications({ limit: 10, offset: 0 })).total).toBe(1);
        expect((await store.findEvaluationByCase(c.id))?.level).toBe('very_dissatisfied');
      });

      it('when a 回访 is recorded and the task closed, then both are kept; a closed task takes no more changes', async () => {
        const f = await seed(store);
        const c = await finished(f, 1, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-04T02:00:00Z' });
        await store.createEvaluation({ caseId: c.id, level: 'dissatisfied', comment: null, scores, at: '2026-03-05T02:00:00.000Z', rectification: { dueDate: '2026-03-26' } });
        const [task] = (await store.listRectifications({ limit: 10, offset: 0 })).rows;
        expect(await errorOf(store.closeRectification({ id: task.id, note: '未回访', staffId: f.reviewer.id, at: '2026-03-06T02:00:00.000Z' }))).toBeInstanceOf(
          AppError,
        );
        const followed = await store.recordFollowUp({ id: task.id, date: '2026-03-06', result: '已电话回访', staffId: f.reviewer.id, at: '2026-03-06T03:00:00.000Z' });
        expect(followed.followUp).toEqual({ date: '2026-03-06', result: '已电话回访', byName: '李审查', at: '2026-03-06T03:00:00.000Z' });
        const closed = await store.closeRectification({ id: task.id, note: '已整改', staffId: f.reviewer.id, at: '2026-03-07T02:00:00.000Z' });
        expect(closed).toMatchObject({ status: 'closed', closingNote: '已整改', closedByName: '李审查', closedAt: '2026-03-07T02:00:00.000Z' });
        const again = await errorOf(store.recordFollowUp({ id: task.id, date: '2026-03-08', result: '改', staffId: f.reviewer.id, at: '2026-03-08T02:00:00.000Z' }));
        expect((again as AppError).status).toBe(409);
        expect(await errorOf(store.closeRectification({ id: task.id, note: 'x', staffId: f.reviewer.id, at: '2026-03-08T02:00:00.000Z' }))).toBeInstanceOf(AppError);
        expect(await store.findRectification(task.id)).toEqual(closed);
      });

      it('when tasks are listed, then open ones come first by deadline (undetermined last), then closed ones; filters by department and status', async () => {
        const f = await seed(store);
        const mk = async (n: number, dueDate: string | null, dept: 'A' | 'B' = 'A') => {
          const c = await finished(
            f, n, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-04T02:00:00Z' },
            { extra: dept === 'B' ? { itemId: f.itemB1.id, departmentId: f.deptB.id, windowId: null } : {} },
          );
          await store.createEvaluation({ caseId: c.id, level: 'dissatisfied', comment: null, scores, at: '2026-03-05T02:00:00.000Z', rectification: { dueDate } });
          return (await store.listRectifications({ limit: 50, offset: 0 })).rows.find((r) => r.caseId === c.id)!;
        };
        const closed = await mk(1, '2026-03-10');
        const late = await mk(2, '2026-03-30');
        const undetermined = await mk(3, null);
        const early = await mk(4, '2026-03-20');
        const other = await mk(5, '2026-03-01', 'B');
        await store.recordFollowUp({ id: closed.id, date: '2026-03-06', result: '回访', staffId: f.reviewer.id, at: '2026-03-06T02:00:00.000Z' });
        await store.closeRectification({ id: closed.id, note: '整改', staffId: f.reviewer.id, at: '2026-03-06T03:00:00.000Z' });
        const all = await store.listRectifications({ limit: 50, offset: 0 });
        expect(all.rows.map((r) => r.id)).toEqual([other.id, early.id, late.id, undetermined.id, closed.id]);
        const deptA = await store.listRectifications({ departmentId: f.deptA.id, limit: 2, offset: 0 });
        expect(deptA).toMatchObject({ total: 4 });
        expect(deptA.rows.map((r) => r.id)).toEqual([early.id, late.id]);
        expect(other.windowName).toBeNull();
        const open = await store.listRectifications({ departmentId: f.deptA.id, status: 'open', limit: 0, offset: 0 });
        expect(open).toEqual({ rows: [], total: 3 });
      });

      it('when evaluations are counted for a period, then per department, window and level, with rectified ones', async () => {
        const f = await seed(store);
        const t = { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-04T02:00:00Z' };
        const levels = ['very_satisfied', 'very_satisfied', 'satisfied', 'dissatisfied', 'dissatisfied'] as const;
        const tasks: number[] = [];
        for (const [i, level] of levels.entries()) {
          const c = await finished(f, i + 1, t);
          await store.createEvaluation({ caseId: c.id, level, comment: null, scores, at: `2026-03-1${i}T02:00:00.000Z`, rectification: level === 'dissatisfied' ? { dueDate: '2026-04-01' } : undefined });
        }
        const b = await finished(f, 10, t, { extra: { itemId: f.itemB1.id, departmentId: f.deptB.id, windowId: null } });
        await store.createEvaluation({ caseId: b.id, level: 'basically_satisfied', comment: null, scores, at: '2026-03-15T02:00:00.000Z' });
        const outside = await finished(f, 11, t);
        await store.createEvaluation({ caseId: outside.id, level: 'satisfied', comment: null, scores, at: '2026-04-01T00:00:00.000Z' });
        tasks.push(...(await store.listRectifications({ limit: 10, offset: 0 })).rows.map((r) => r.id));
        await store.recordFollowUp({ id: tasks[0], date: '2026-03-20', result: '回访', staffId: f.reviewer.id, at: '2026-03-20T02:00:00.000Z' });
        await store.closeRectification({ id: tasks[0], note: '整改', staffId: f.reviewer.id, at: '2026-03-20T03:00:00.000Z' });

        const range = { fromAt: '2026-03-01T00:00:00.000Z', toAt: '2026-04-01T00:00:00.000Z' };
        const rows = await store.evaluationCounts(range);
        const key = (r: { departmentId: number; windowId: number | null; level: string }) => `${r.departmentId}/${r.windowId}/${r.level}`;
        expect(Object.fromEntries(rows.map((r) => [key(r), [r.count, r.rectified]]))).toEqual({
          [`${f.deptA.id}/${f.windowA.id}/very_satisfied`]: [2, 0],
          [`${f.deptA.id}/${f.windowA.id}/satisfied`]: [1, 0],
          [`${f.deptA.id}/${f.windowA.id}/dissatisfied`]: [2, 1],
          [`${f.deptB.id}/null/basically_satisfied`]: [1, 0],
        });
        expect((await store.evaluationCounts({ ...range, departmentId: f.deptB.id })).map(key)).toEqual([`${f.deptB.id}/null/basically_satisfied`]);
      });

      it('when decisions are counted, then per department and window, with on-time and known counts from the decision', async () => {
        const f = await seed(store);
        await finished(f, 1, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-03T02:00:00Z' }, { onTime: true });
        await finished(f, 2, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-04T02:00:00Z' }, { onTime: false, deny: true });
        await finished(f, 3, { registered: '2026-03-02T02:00:00Z', decided: '2026-03-05T02:00:00Z' }, { onTime: null });
        await finished(f, 4, { registered: '2026-03-02T02:00:00Z', decided: '2026-02-28T02:00:00Z' }, { onTime: true });
        const c = await store.registerCase(newCase(f, 5));
        await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: '2026-03-06T02:00:00.000Z' }));
        const rows = await store.decisionCounts({ fromAt: '2026-03-01T00:00:00.000Z', toAt: '2026-04-01T00:00:00.000Z' });
        expect(rows).toEqual([{ departmentId: f.deptA.id, windowId: f.windowA.id, decided: 3, onTime: 1, onTimeKnown: 2 }]);
        expect(await store.decisionCounts({ departmentId: f.deptB.id, fromAt: '2026-03-01T00:00:00.000Z', toAt: '2026-04-01T00:00:00.000Z' })).toEqual([]);
      });

      it('when case statistics are asked for, then registered, completed, stages now and Beijing months come back', async () => {
        const f = await seed(store);
        // 2026-02-28T17:00Z is 2026-03-01 01:00 in Beijing: March.
        await finished(f, 1, { registered: '2026-02-28T17:00:00Z', decided: '2026-03-03T02:00:00Z', completed: '2026-03-31T17:00:00Z' });
        await finished(f, 2, { registered: '2026-03-10T02:00:00Z', decided: '2026-03-12T02:00:00Z', completed: '2026-03-13T02:00:00Z' });
        await store.registerCase(newCase(f, 3, { at: '2026-04-02T02:00:00.000Z' }));
        await store.registerCase(newCase(f, 4, { at: '2026-02-10T02:00:00.000Z', itemId: f.itemB1.id, departmentId: f.deptB.id }));
        const range = { fromAt: '2026-02-28T16:00:00.000Z', toAt: '2026-04-30T16:00:00.000Z' };
        expect(await store.caseStatistics(range)).toEqual({
          registered: 3,
          completed: 2,
          byStage: expect.arrayContaining([{ stage: 'completed', count: 2 }, { stage: 'submitted', count: 2 }]),
          registeredByMonth: [{ month: '2026-03', count: 2 }, { month: '2026-04', count: 1 }],
          completedByMonth: [{ month: '2026-03', count: 1 }, { month: '2026-04', count: 1 }],
        });
        const b = await store.caseStatistics({ ...range, departmentId: f.deptB.id });
        expect(b).toEqual({ registered: 0, completed: 0, byStage: [{ stage: 'submitted', count: 1 }], registeredByMonth: [], completedByMonth: [] });
      });

      it('when decision durations are listed, then only accepted cases decided in the range, with the acceptance instant', async () => {
        const f = await seed(store);
        await finished(f, 1, { registered: '2026-03-02T02:00:00Z', accepted: '2026-03-03T02:00:00Z', decided: '2026-03-09T02:00:00Z' });
        await finished(f, 2, { registered: '2026-03-02T02:00:00Z', accepted: '2026-03-03T02:00:00Z', decided: '2026-05-09T02:00:00Z' });
        const na = await store.registerCase(newCase(f, 3));
        await store.advanceCase(
          advanceOf(na, f.reviewer.id, { to: 'not_accepted', at: '2026-03-04T02:00:00.000Z', reason: '不属于本机关', decision: { decisionNo: null, decidedAt: '2026-03-04T02:00:00.000Z' } }),
        );
        const rows = await store.listDecisionDurations({ fromAt: '2026-03-01T00:00:00.000Z', toAt: '2026-04-01T00:00:00.000Z' });
        expect(rows).toEqual([
          {
            itemId: f.itemA1.id, itemCode: 'SL-001', itemName: '取水许可', registeredAt: '2026-03-02T02:00:00.000Z',
            acceptedAt: '2026-03-03T02:00:00.000Z', decidedAt: '2026-03-09T02:00:00.000Z', deemedAccepted: false,
          },
        ]);
      });
    });
  });
}
