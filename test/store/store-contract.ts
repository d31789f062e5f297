/**
 * The behaviour every Store adapter must show. An adapter's test file calls
 * runStoreContract(name, makeStore); makeStore gives a fresh, migrated, empty store per test.
 */
import { AppError, StaleVersionError } from '../../src/domain/errors';
import type { Case, Department, Item, ServiceWindow, Staff, StoredClock } from '../../src/domain/model';
import { QUERY_NO_ALPHABET, createQueryNo } from '../../src/domain/query-number';
import type { Stage } from '../../src/domain/stages';
import {
  DuplicateKeyError,
  DuplicateEvaluationError,
  DuplicateQueryNoError,
  PendingExtensionExistsError,
  type AdvanceCase,
  type DisclosureRequestFilter,
  type NewDisclosureRequest,
  type ItemGuideInput,
  type ItemSearch,
  type LawFilter,
  type NewLaw,
  type BulletinListOptions,
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
        // The public read: the case as found by number, the same events in order, without who handled or approved them.
        const found = await store.findPublicCase(c.queryNo);
        expect(found?.case).toEqual(await store.findCaseByQueryNo(c.queryNo));
        const publicEvents = found?.events ?? [];
        expect(publicEvents).toEqual(events.map(({ staffId: _s, staffName: _n, approverId: _a, approverName: _an, ...rest }) => rest));
        expect(publicEvents.length).toBeGreaterThanOrEqual(3);
        for (const e of publicEvents) expect(Object.keys(e).some((k) => /staff|approver/i.test(k))).toBe(false);
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
        expect(await store.findApiToken('tok-1')).toEqual({ id: 'tok-1', staffId: s.id, expiresAt: at(59), createdAt: '' });
        expect(await store.findApiToken('tok-2')).toBeNull();
      });

      it('when API tokens are listed, then only live ones come, newest first, of one account or all; deletion respects the owner', async () => {
        const a = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        const b = await store.createStaff(newStaff('other', null, { role: 'admin' }));
        await store.createApiToken({ id: 'a-old', staffId: a.id, expiresAt: at(50), createdAt: at(1) });
        await store.createApiToken({ id: 'a-new', staffId: a.id, expiresAt: at(59), createdAt: at(2) });
        await store.createApiToken({ id: 'a-dead', staffId: a.id, expiresAt: at(10), createdAt: at(0) });
        await store.createApiToken({ id: 'b-1', staffId: b.id, expiresAt: at(59), createdAt: at(3) });
        expect((await store.listApiTokens({ staffId: a.id, activeAt: at(20) })).map((x) => x.id)).toEqual(['a-new', 'a-old']);
        const all = await store.listApiTokens({ activeAt: at(20) });
        expect(all.map((x) => x.id)).toEqual(['b-1', 'a-new', 'a-old']);
        expect(all[0]).toMatchObject({ staffId: b.id, username: b.username, staffName: b.displayName, createdAt: at(3), expiresAt: at(59) });
        expect(await store.deleteApiToken('b-1', a.id)).toBe(false);
        expect(await store.deleteApiToken('b-1', b.id)).toBe(true);
        expect(await store.deleteApiToken('a-old')).toBe(true);
        expect(await store.deleteApiToken('a-old')).toBe(false);
        expect((await store.listApiTokens({ activeAt: at(20) })).map((x) => x.id)).toEqual(['a-new']);
      });
    });

    describe('login throttle and authentication log', () => {
      const state = (key: string, lockedUntil: string | null, failures = 0) => ({
        key,
        failures,
        windowStart: failures ? at(1) : null,
        lockedUntil,
        lockLevel: lockedUntil ? 1 : 0,
        lastFailureAt: failures ? at(1) : null,
      });

      it('when counters are updated, then the update sees the stored state and its result is kept; absent keys start empty', async () => {
        const seen: unknown[] = [];
        const first = await store.updateLoginThrottle('user:a', (prev) => {
          seen.push(prev);
          return { ...prev, failures: prev.failures + 1, windowStart: at(1), lastFailureAt: at(1) };
        });
        expect(seen[0]).toEqual(state('user:a', null));
        expect(first).toEqual(state('user:a', null, 1));
        await store.updateLoginThrottle('user:a', (prev) => ({ ...prev, failures: prev.failures + 1 }));
        expect(await store.findLoginThrottles(['user:a', 'ip:x'])).toEqual([{ ...state('user:a', null, 1), failures: 2 }]);
        expect(await store.findLoginThrottles([])).toEqual([]);
      });

      it('when keys are locked, then they are listed until the lock ends, and deleting forgets them', async () => {
        await store.updateLoginThrottle('user:a', () => state('user:a', at(30)));
        await store.updateLoginThrottle('ip:1.2.3.4', () => state('ip:1.2.3.4', at(40)));
        await store.updateLoginThrottle('user:b', () => state('user:b', null, 3));
        expect((await store.listLoginLocks(at(20))).map((s) => s.key)).toEqual(['ip:1.2.3.4', 'user:a']);
        expect((await store.listLoginLocks(at(35))).map((s) => s.key)).toEqual(['ip:1.2.3.4']);
        expect(await store.deleteLoginThrottle('ip:1.2.3.4')).toBe(true);
        expect(await store.deleteLoginThrottle('ip:1.2.3.4')).toBe(false);
        expect(await store.listLoginLocks(at(20))).toEqual([expect.objectContaining({ key: 'user:a' })]);
      });

      it('when authentication events are added, then they list newest first with names, filtered by account and kind', async () => {
        const a = await store.createStaff(newStaff('admin', null, { role: 'admin' }));
        await store.addAuthEvent({ at: at(1), kind: 'login_failed', staffId: null, username: 'x'.repeat(80), ip: '10.0.0.1' });
        await store.addAuthEvent({ at: at(2), kind: 'login_succeeded', staffId: a.id, username: a.username, ip: '10.0.0.1' });
        await store.addAuthEvent({ at: at(3), kind: 'lock_cleared', staffId: null, username: 'x', ip: '', actorId: a.id, detail: 'user:x' });
        const all = await store.listAuthEvents({ limit: 10, offset: 0 });
        expect(all.total).toBe(3);
        expect(all.rows.map((e) => e.kind)).toEqual(['lock_cleared', 'login_succeeded', 'login_failed']);
        expect(all.rows[0]).toMatchObject({ actorId: a.id, actorName: a.displayName, staffId: null, staffName: null, detail: 'user:x' });
        expect(all.rows[2].username).toBe('x'.repeat(50));
        expect((await store.listAuthEvents({ staffId: a.id, limit: 10, offset: 0 })).rows).toEqual([
          expect.objectContaining({ kind: 'login_succeeded', staffName: a.displayName }),
        ]);
        expect((await store.listAuthEvents({ kind: 'login_failed', limit: 10, offset: 0 })).total).toBe(1);
        expect((await store.listAuthEvents({ limit: 1, offset: 1 })).rows.map((e) => e.kind)).toEqual(['login_succeeded']);
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
          itemType: '行政许可',
          caseType: '承诺件',
          cancelledOn: null,
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
          applicant: { name: '欧阳娜娜', kind: 'person', idNumber: '11010519491231002X', phone: '0578-2123456', email: null },
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
            // Sealed on insert; the public chain head is the last event's hash.
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        ]);
        expect(await store.chainHead(c.id)).toBe((await store.listStageEvents(c.id))[0].hash);
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
          email: null,
        });
        expect(c.projectName).toBeNull();
        expect(c.note).toBeNull();
      });

      it('when an applicant gives an e-mail address, then it is kept with the case', async () => {
        const f = await seed(store);
        const c = await store.registerCase(
          newCase(f, 1, { applicant: { name: '张三', kind: 'person', idNumber: '11010519491231002X', phone: '13812345678', email: 'zhang@example.com' } }),
        );
        expect(c.applicant.email).toBe('zhang@example.com');
      });

      it('when notifications come with a registration or a move, then they are queued with their event, in its transaction', async () => {
        const f = await seed(store);
        const note = { channel: 'email' as const, recipient: 'a@example.com', subject: 's', body: 'b' };
        const c = await store.registerCase(newCase(f, 1, { notifications: [note] }));
        const moved = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(2) }));
        await expect(
          store.advanceCase({ ...advanceOf(moved, f.reviewer.id, { to: 'under_review', at: at(3) }), expectedVersion: 1, notifications: [note] }),
        ).rejects.toBeInstanceOf(StaleVersionError);
        await store.advanceCase({ ...advanceOf(moved, f.reviewer.id, { to: 'under_review', at: at(3) }), notifications: [note, note] });
        const events = await store.listStageEvents(c.id);
        const rows = await store.listOutbox(c.id);
        expect(rows.map((r) => r.stageEventId)).toEqual([events[0].id, events[2].id, events[2].id]);
        expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
      });

      it('when the outbox is claimed, then due messages are leased once; sent and failed ones leave the queue', async () => {
        const f = await seed(store);
        const note = { channel: 'email' as const, recipient: 'a@example.com', subject: 's', body: 'b' };
        const c = await store.registerCase(newCase(f, 1, { at: at(1), notifications: [note, note, note] }));
        const first = await store.claimOutbox(at(2), at(10), 2);
        expect(first).toHaveLength(2);
        expect(await store.claimOutbox(at(3), at(10), 5)).toHaveLength(1);
        expect(await store.claimOutbox(at(4), at(10), 5)).toEqual([]);
        await store.markOutboxSent(first[0].id, at(5));
        await store.markOutboxFailed(first[1].id, 'busy', at(20));
        expect(await store.claimOutbox(at(11), at(30), 5)).toHaveLength(1);
        const again = await store.claimOutbox(at(21), at(40), 5);
        expect(again.map((m) => m.id)).toEqual([first[1].id]);
        await store.markOutboxFailed(first[1].id, 'gone', null);
        const rows = await store.listOutbox(c.id);
        expect(rows.map((r) => [r.status, r.attempts])).toEqual([
          ['sent', 1],
          ['failed', 2],
          ['pending', 0],
        ]);
      });

      it('when a reminder is enqueued twice with the same key, then it is stored once', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1));
        const m = { channel: 'email' as const, recipient: 'a@example.com', subject: 's', body: 'b', dedupeKey: 'k1' };
        expect(await store.enqueueOutbox(c.id, [m], at(2))).toBe(1);
        expect(await store.enqueueOutbox(c.id, [m], at(3))).toBe(0);
        expect(await store.listOutbox(c.id)).toHaveLength(1);
      });

      it('when no case has the query number, then findCaseByQueryNo and findPublicCase give null', async () => {
        const f = await seed(store);
        await store.registerCase(newCase(f, 1));
        expect(await store.findCaseByQueryNo(queryNoFor(2))).toBeNull();
        expect(await store.findPublicCase(queryNoFor(2))).toBeNull();
        expect(await store.listStageEvents(9999)).toEqual([]);
      });

      it('when a case is read for the public, then every event field comes back exactly, in seq order, JSON-like text included', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1));
        const tricky = '引号"反斜杠\\ 换行\n制表\t {"json":[1]} 表情😀 null \u2028';
        const moves: Move[] = [
          { to: 'accepted', at: at(2), note: tricky, notePublic: true },
          { to: 'under_review', at: at(3), note: null },
          { to: 'denied', at: at(4), reason: '材料不全，依据《行政许可法》第三十二条', note: '内部意见', notePublic: false },
        ];
        let cur = c;
        for (const m of moves) cur = await store.advanceCase(advanceOf(cur, f.reviewer.id, m));
        const found = await store.findPublicCase(c.queryNo);
        expect(found?.case).toEqual(cur);
        const staffEvents = await store.listStageEvents(c.id);
        expect(found?.events).toEqual(staffEvents.map(({ staffId: _s, staffName: _n, approverId: _a, approverName: _an, ...rest }) => rest));
        expect(found?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(found?.events[1]).toMatchObject({ note: tricky, notePublic: true, fromStage: 'submitted', extensionDays: null, decisionNo: null });
        expect(found?.events[3]).toMatchObject({ reason: '材料不全，依据《行政许可法》第三十二条', notePublic: false });
        expect(typeof found?.events[0].id).toBe('number');
        expect(found?.events[0].hash).toMatch(/^[0-9a-f]{64}$/);
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

    describe('bulletin search', () => {
      /**
       * 1 取水许可 (A) 衢州市清源水务有限公司 · 乌溪江引水工程 · 衢水许〔2026〕088号 · 2026-03-01T16:30Z (Beijing 03-02)
       * 2 土地登记 (B) 浙江衢江建设集团有限公司 · 智造新城安置房项目 · 衢国土登〔2026〕012号 · 2026-03-01T15:59Z (Beijing 03-01)
       * 3 水土保持方案审批 (A) 张** (person, stored masked) · no project · 衢水保〔2025〕7号 · 2025-12-31T16:00Z (Beijing 2026-01-01)
       * newest first: 1, 2, 3
       */
      async function seedBulletin(f: Fixture) {
        const plan: Array<[number, Item, Department, string, string | null, string, string]> = [
          [1, f.itemA1, f.deptA, '衢州市清源水务有限公司', '乌溪江引水工程', '衢水许〔2026〕088号', '2026-03-01T16:30:00.000Z'],
          [2, f.itemB1, f.deptB, '浙江衢江建设集团有限公司', '智造新城安置房项目', '衢国土登〔2026〕012号', '2026-03-01T15:59:00.000Z'],
          [3, f.itemA2, f.deptA, '张**', null, '衢水保〔2025〕7号', '2025-12-31T16:00:00.000Z'],
        ];
        // Published out of decision order, so id order is not bulletin order.
        for (const n of [2, 3, 1]) {
          const [, item, dept, applicantName, projectName, decisionNo, decidedAt] = plan[n - 1];
          let c = await store.registerCase(
            newCase(f, n, {
              itemId: item.id,
              departmentId: dept.id,
              projectName,
              applicant: { name: n === 3 ? '张三丰' : applicantName, kind: n === 3 ? 'person' : 'organization', idNumber: 'x', phone: 'y' },
            }),
          );
          c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(1) }));
          await store.advanceCase(
            advanceOf(c, f.reviewer.id, {
              to: 'approved',
              at: decidedAt,
              decisionNo,
              decision: { decisionNo, decidedAt },
              bulletin: { decisionNo, applicantName, projectName, decidedAt, validity: '5年' },
            }),
          );
        }
      }
      const numbers = ['衢水许〔2026〕088号', '衢国土登〔2026〕012号', '衢水保〔2025〕7号'];
      const list = (o: Partial<BulletinListOptions>) => store.listBulletin({ limit: 50, offset: 0, ...o });

      it.each<[string, Partial<BulletinListOptions>, number[]]>([
        ['a 2-character keyword', { keywords: ['取水'] }, [1]],
        ['another 2-character keyword', { keywords: ['土地'] }, [2]],
        ['a 4-character keyword', { keywords: ['土地登记'] }, [2]],
        ['a 4-character keyword in two entries', { keywords: ['有限公司'] }, [1, 2]],
        ['part of an organization name', { keywords: ['清源水务'] }, [1]],
        ['a full organization name', { keywords: ['衢州市清源水务有限公司'] }, [1]],
        ['a project name', { keywords: ['安置房'] }, [2]],
        ['a decision number', { keywords: ['衢水许〔2026〕088号'] }, [1]],
        ['a decision number typed with ASCII brackets', { keywords: ['衢水许[2026]088号'] }, [1]],
        ['a decision number typed with full-width brackets and digits', { keywords: ['衢水许［２０２６］０８８号'] }, [1]],
        ['the digits of a decision number', { keywords: ['088'] }, [1]],
        ['two keywords that both occur', { keywords: ['有限公司', '取水'] }, [1]],
        ['two keywords that never occur together', { keywords: ['清源', '土地'] }, []],
        ['a keyword that occurs nowhere', { keywords: ['不存在的'] }, []],
        ['letters across the end of one field and the start of another', { keywords: ['公司乌溪'] }, []],
        ["a person's full name (stored masked)", { keywords: ['张三丰'] }, []],
        ['a category', { category: '取水许可' }, [1]],
        ['another category', { category: '水土保持方案' }, [3]],
        ['an unknown category', { category: '不存在' }, []],
        ['a department code', { departmentCode: 'D01' }, [1, 3]],
        ['an unknown department code', { departmentCode: 'NOPE' }, []],
        ['decided from an instant', { decidedFrom: '2026-03-01T16:00:00.000Z' }, [1]],
        ['decided before an instant', { decidedBefore: '2026-03-01T16:00:00.000Z' }, [2, 3]],
        ['a date range', { decidedFrom: '2025-12-31T16:00:00.000Z', decidedBefore: '2026-03-01T16:00:00.000Z' }, [2, 3]],
        ['a range that excludes its end', { decidedFrom: '2025-01-01T00:00:00.000Z', decidedBefore: '2025-12-31T16:00:00.000Z' }, []],
        ['keyword and department', { keywords: ['有限公司'], departmentCode: 'D02' }, [2]],
        ['keyword, category and date', { keywords: ['衢水'], category: '取水许可', decidedFrom: '2026-01-01T00:00:00.000Z' }, [1]],
        ['department and date', { departmentCode: 'D01', decidedBefore: '2026-01-01T00:00:00.000Z' }, [3]],
        ['no filter', {}, [1, 2, 3]],
      ])('when searching by %s, then the matching entries come newest first', async (_l, filter, expected) => {
        await seedBulletin(await seed(store));
        const page = await list(filter);
        expect(page.rows.map((r) => r.decisionNo)).toEqual(expected.map((n) => numbers[n - 1]));
        expect(page.total).toBe(expected.length);
      });

      it('when a search is paged, then each page keeps the filter and the full total', async () => {
        await seedBulletin(await seed(store));
        const p1 = await list({ keywords: ['衢水'], limit: 1, offset: 0 });
        const p2 = await list({ keywords: ['衢水'], limit: 1, offset: 1 });
        const p3 = await list({ keywords: ['衢水'], limit: 1, offset: 2 });
        expect([p1, p2, p3].map((p) => p.rows.map((r) => r.decisionNo))).toEqual([[numbers[0]], [numbers[2]], []]);
        expect([p1.total, p2.total, p3.total]).toEqual([2, 2, 2]);
      });

      it.each([['one character', '衢'], ["a person's masked name", '张*'], ['only the mask', '**']])(
        'when a keyword is %s, then the search is refused (callers validate keywords first)',
        async (_l, keyword) => {
          await seedBulletin(await seed(store));
          await expect(list({ keywords: [keyword] })).rejects.toThrow(/two characters/);
        },
      );

      it('when a search row is read, then it is the same entry findBulletinEntry gives', async () => {
        await seedBulletin(await seed(store));
        const page = await list({ keywords: ['有限公司'] });
        for (const row of page.rows) expect(await store.findBulletinEntry(row.id)).toEqual(row);
      });

      it('when reading after an entry (keyset paging), then only older entries come, with or without filters', async () => {
        await seedBulletin(await seed(store));
        const [newest] = (await list({ limit: 1 })).rows;
        const after = { decidedAt: newest.decidedAt, id: newest.id };
        expect((await list({ after })).rows.map((r) => r.decisionNo)).toEqual([numbers[1], numbers[2]]);
        expect((await list({ after, departmentCode: 'D01' })).rows.map((r) => r.decisionNo)).toEqual([numbers[2]]);
      });

      it.each<[string, number | undefined, number]>([
        ['countLimit 1', 1, 1],
        ['countLimit 2', 2, 2],
        ['countLimit 10', 10, 3],
        ['countLimit 0 (no count)', 0, 0],
        ['no countLimit', undefined, 3],
      ])('when counting with %s, then total is capped but the rows are not', async (_l, countLimit, total) => {
        await seedBulletin(await seed(store));
        for (const filter of [{}, { keywords: ['衢水'] }, { departmentCode: 'D01' }]) {
          const page = await list({ ...filter, countLimit, limit: 50 });
          const all = await list(filter);
          expect(page.rows).toEqual(all.rows);
          expect(page.total).toBe(Math.min(all.total, countLimit ?? Infinity));
        }
        expect((await list({ countLimit })).total).toBe(total);
      });

      it('when entries share a decision time, then the later published comes first, in search results too', async () => {
        const f = await seed(store);
        for (const n of [1, 2]) {
          let c = await store.registerCase(newCase(f, n));
          c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(5) }));
          const decisionNo = `衢水许〔2026〕10${n}号`;
          await store.advanceCase(
            advanceOf(c, f.reviewer.id, {
              to: 'approved',
              at: at(40),
              decisionNo,
              decision: { decisionNo, decidedAt: at(40) },
              bulletin: bulletinOf(decisionNo, at(40), '衢州市清源水务有限公司'),
            }),
          );
        }
        const expected = ['衢水许〔2026〕102号', '衢水许〔2026〕101号'];
        expect((await list({})).rows.map((r) => r.decisionNo)).toEqual(expected);
        expect((await list({ keywords: ['清源'] })).rows.map((r) => r.decisionNo)).toEqual(expected);
      });
    });

    describe('site visits', () => {
      it('when nothing was counted, then the count is 0', async () => {
        expect(await store.getSiteVisits()).toBe(0);
      });

      it('when batches are added, then each returns the new total and the total is kept', async () => {
        expect(await store.addSiteVisits(5)).toBe(5);
        expect(await store.addSiteVisits(3)).toBe(8);
        expect(await store.addSiteVisits(0)).toBe(8);
        expect(await store.getSiteVisits()).toBe(8);
      });

      it('when a negative or fractional count is added, then it is refused and the total is unchanged', async () => {
        await store.addSiteVisits(2);
        await expect(store.addSiteVisits(-1)).rejects.toThrow();
        await expect(store.addSiteVisits(1.5)).rejects.toThrow();
        expect(await store.getSiteVisits()).toBe(2);
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

    describe('service hall: item guides', () => {
      const actorOf = (staffId: number, minute = 30) => ({ staffId, at: at(minute) });

      async function setup() {
        const f = await seed(store);
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const law = await store.createLaw({
          title: '《中华人民共和国水法》',
          issuer: '全国人民代表大会常务委员会',
          docNo: '主席令第七十四号',
          level: '法律',
          effectiveDate: '2002-10-01',
          status: 'in_force',
          repealedDate: null,
          body: '第七条 国家对水资源依法实行取水许可制度。',
        });
        return { f, admin, law };
      }

      function guideInput(departmentId: number, lawId: number, extra: Partial<ItemGuideInput['item']> = {}): ItemGuideInput {
        return {
          item: {
            code: 'SL-010',
            name: '河道采砂许可',
            category: '涉河建设审批',
            departmentId,
            statutoryDays: 20,
            promisedDays: 10,
            resultsPublic: true,
            resultValidity: '1年',
            status: 'in_force',
            itemType: '行政许可',
            caseType: '承诺件',
            ...extra,
          },
          details: {
            conditions: '1. 有采砂船只；\n2. 符合采砂规划。',
            windowId: null,
            serviceHours: '工作日',
            consultPhone: '0570-3021101',
            complaintPhone: '0570-12345',
            visits: 1,
            feeNote: '',
          },
          materials: [
            { name: '河道采砂申请书', form: '原件', copies: 1, required: true, note: '' },
            { name: '采砂船只证书', form: '复印件', copies: 2, required: false, note: '船舶检验证书' },
          ],
          steps: [
            { name: '受理', description: '窗口审核材料' },
            { name: '决定', description: '作出决定' },
          ],
          specialProcedures: [{ name: '现场踏勘', duration: '5个工作日', counted: false, basis: '第四十五条' }],
          fees: [],
          laws: [{ lawId, articles: '第三十九条' }],
        };
      }

      it('when an item is saved with its guide, then every disclosure comes back in order and the window defaults to the department\'s', async () => {
        const { f, admin, law } = await setup();
        const item = await store.saveItemGuide(guideInput(f.deptA.id, law.id), actorOf(admin.id));
        expect(item).toMatchObject({ code: 'SL-010', name: '河道采砂许可', caseType: '承诺件', itemType: '行政许可', cancelledOn: null });
        const g = await store.findItemGuide('SL-010');
        expect(g?.details).toEqual(guideInput(f.deptA.id, law.id).details);
        expect(g?.window).toEqual(f.windowA);
        expect(g?.materials.map((m) => [m.name, m.form, m.copies, m.required, m.note, m.blankFile])).toEqual([
          ['河道采砂申请书', '原件', 1, true, '', null],
          ['采砂船只证书', '复印件', 2, false, '船舶检验证书', null],
        ]);
        expect(g?.steps).toEqual([
          { name: '受理', description: '窗口审核材料' },
          { name: '决定', description: '作出决定' },
        ]);
        expect(g?.specialProcedures).toEqual([{ name: '现场踏勘', duration: '5个工作日', counted: false, basis: '第四十五条' }]);
        expect(g?.fees).toEqual([]);
        expect(g?.laws).toEqual([{ law, articles: '第三十九条' }]);
        expect(await store.findItemGuide('NOPE')).toBeNull();
      });

      it('when an item is edited, then kept materials keep their ids (and files), removed ones go, and the audit entry holds only the changed fields', async () => {
        const { f, admin, law } = await setup();
        const item = await store.saveItemGuide(guideInput(f.deptA.id, law.id), actorOf(admin.id));
        const first = (await store.findItemGuide('SL-010'))!;
        const input = guideInput(f.deptA.id, law.id, { promisedDays: 8 });
        input.materials = [{ ...input.materials[0], id: first.materials[0].id, copies: 3 }, { name: '新增材料', form: '电子件', copies: 1, required: true, note: '' }];
        await store.saveItemGuide(input, actorOf(admin.id, 31), item.id);
        const g = (await store.findItemGuide('SL-010'))!;
        expect(g.materials.map((m) => m.name)).toEqual(['河道采砂申请书', '新增材料']);
        expect(g.materials[0].id).toBe(first.materials[0].id);
        const audit = await store.listAudit({ entity: 'item', limit: 10, offset: 0 });
        expect(audit.total).toBe(2);
        const update = audit.rows[0];
        expect(update).toMatchObject({ entity: 'item', entityId: item.id, action: 'update', staffId: admin.id, at: at(31) });
        expect(Object.keys(update.changes).sort()).toEqual(['materials', 'promisedDays']);
        expect(update.changes.promisedDays).toEqual([10, 8]);
        expect(audit.rows[1].action).toBe('create');
      });

      it('when an item is saved again unchanged, then no audit entry is added', async () => {
        const { f, admin, law } = await setup();
        const item = await store.saveItemGuide(guideInput(f.deptA.id, law.id), actorOf(admin.id));
        const again = guideInput(f.deptA.id, law.id);
        again.materials = (await store.findItemGuide('SL-010'))!.materials.map((m) => ({ id: m.id, name: m.name, form: m.form, copies: m.copies, required: m.required, note: m.note }));
        await store.saveItemGuide(again, actorOf(admin.id), item.id);
        expect((await store.listAudit({ limit: 10, offset: 0 })).total).toBe(1);
      });

      it('when an item code is taken, then DuplicateKeyError names the column and nothing (not even the audit entry) is written', async () => {
        const { f, admin, law } = await setup();
        const err = await errorOf(store.saveItemGuide(guideInput(f.deptA.id, law.id, { code: 'SL-001' }), actorOf(admin.id)));
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect((err as DuplicateKeyError).column).toBe('code');
        expect((await store.listAudit({ limit: 10, offset: 0 })).total).toBe(0);
        expect(await store.findItemGuide('SL-001')).toMatchObject({ materials: [] });
      });
    });

    describe('service hall: catalog search', () => {
      async function setup() {
        const d1 = await store.createDepartment({ code: 'D01', name: '市水利局' });
        const d2 = await store.createDepartment({ code: 'D02', name: '市自然资源局' });
        await store.createItem(newItem('SLJ-001', d1.id, { name: '取水许可', category: '取水许可' }));
        await store.createItem(newItem('SLJ-002', d1.id, { name: '生产建设项目水土保持方案审批', category: '水土保持' }));
        await store.createItem(newItem('GTJ-001', d2.id, { name: '国有土地使用权首次登记', category: '土地登记' }));
        await store.createItem(newItem('GTJ-002', d2.id, { name: '集体土地使用权变更登记', category: '土地登记' }));
        await store.createItem(newItem('GTJ-009', d2.id, { name: '土地复垦方案审查', category: '土地登记', status: 'cancelled' }));
        return { d1, d2 };
      }
      const search = (terms: string[], extra: Partial<ItemSearch> = {}) =>
        store.searchItems({ terms, onDate: '2026-03-01', limit: 50, offset: 0, ...extra });

      it.each<[string, string[], string[]]>([
        ['a 2-character Chinese term (LIKE)', ['土地'], ['GTJ-001', 'GTJ-002']],
        ['a 2-character term inside a word', ['取水'], ['SLJ-001']],
        ['a 4-character Chinese term (trigram index)', ['水土保持'], ['SLJ-002']],
        ['a 3-character term', ['使用权'], ['GTJ-001', 'GTJ-002']],
        ['an item code, any case', ['gtj-002'], ['GTJ-002']],
        ['a code prefix', ['SLJ'], ['SLJ-001', 'SLJ-002']],
        ['two terms, both required', ['土地', '变更'], ['GTJ-002']],
        ['a LIKE wildcard taken literally', ['%'], []],
        ['no terms', [], ['SLJ-001', 'SLJ-002', 'GTJ-001', 'GTJ-002']],
      ])('when searching %s, then the matching items in force come back', async (_l, terms, codes) => {
        await setup();
        const r = await search(terms);
        expect(r.rows.map((i) => i.code).sort()).toEqual([...codes].sort());
        expect(r.total).toBe(codes.length);
      });

      it('when filtering by department or category, then counts per department and category stay those of the terms', async () => {
        const { d1, d2 } = await setup();
        const r = await search(['登记'], { departmentId: d2.id, category: '土地登记' });
        expect(r.rows.map((i) => i.code)).toEqual(['GTJ-001', 'GTJ-002']);
        const all = await search([], { departmentId: d1.id });
        expect(all.rows.map((i) => i.code)).toEqual(['SLJ-001', 'SLJ-002']);
        expect(all.byDepartment).toEqual([
          { id: d1.id, code: 'D01', name: '市水利局', count: 2 },
          { id: d2.id, code: 'D02', name: '市自然资源局', count: 2 },
        ]);
        expect(all.byCategory).toEqual([
          { category: '土地登记', count: 2 },
          { category: '取水许可', count: 1 },
          { category: '水土保持', count: 1 },
        ]);
      });

      it('when a cancellation is published, then the item leaves search and in-force lists from its effective day on, not before', async () => {
        await setup();
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const item = (await store.findItemByCode('SLJ-001'))!;
        await store.createItemChange(
          { itemId: item.id, kind: 'cancel', effectiveDate: '2026-03-02', basis: '某某文件', description: '' },
          { staffId: admin.id, at: at(1) },
        );
        expect((await store.findItemByCode('SLJ-001'))?.cancelledOn).toBe('2026-03-02');
        expect((await search(['取水'], { onDate: '2026-03-01' })).total).toBe(1);
        expect((await search(['取水'], { onDate: '2026-03-02' })).total).toBe(0);
        const codesOn = async (onDate: string) => (await store.listItems({ inForceOnly: true, onDate })).map((i) => i.code);
        expect(await codesOn('2026-03-01')).toContain('SLJ-001');
        expect(await codesOn('2026-03-02')).not.toContain('SLJ-001');
        expect((await store.listItems({ inForceOnly: false })).map((i) => i.code)).toContain('SLJ-001');
      });

      it('when an item is renamed, then the search index follows', async () => {
        const { d1 } = await setup();
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const item = (await store.findItemByCode('SLJ-001'))!;
        const g = (await store.findItemGuide('SLJ-001'))!;
        await store.saveItemGuide(
          {
            item: { ...newItem('SLJ-001', d1.id, { name: '取用地下水许可', category: '取水许可' }), itemType: '行政许可', caseType: '承诺件' },
            details: g.details,
            materials: [],
            steps: [],
            specialProcedures: [],
            fees: [],
            laws: [],
          },
          { staffId: admin.id, at: at(2) },
          item.id,
        );
        expect((await search(['地下水'])).rows.map((i) => i.code)).toEqual(['SLJ-001']);
        expect((await search(['取水许可'])).total).toBe(0);
      });
    });

    describe('service hall: laws, files, intermediaries, changes, audit', () => {
      const newLaw = (title: string, extra: Partial<NewLaw> = {}): NewLaw => ({
        title,
        issuer: '国务院',
        docNo: '国务院令第460号',
        level: '行政法规',
        effectiveDate: '2006-04-15',
        status: 'in_force',
        repealedDate: null,
        body: '',
        ...extra,
      });

      it('when laws are listed, then they filter by text, level and status, newest first, and a repealed law keeps its date', async () => {
        const a = await store.createLaw(newLaw('《取水许可和水资源费征收管理条例》'));
        const b = await store.createLaw(newLaw('《取水许可制度实施办法》', { docNo: '国务院令第119号', effectiveDate: '1993-09-01', status: 'repealed', repealedDate: '2006-04-15' }));
        const c = await store.createLaw(newLaw('《中华人民共和国水法》', { level: '法律', docNo: '主席令第七十四号', effectiveDate: '2002-10-01' }));
        const ids = async (f: Partial<LawFilter>) => (await store.listLaws({ limit: 10, offset: 0, ...f })).rows.map((l) => l.id);
        expect(await ids({})).toEqual([a.id, c.id, b.id]);
        expect(await ids({ q: '取水' })).toEqual([a.id, b.id]);
        expect(await ids({ q: '第119号' })).toEqual([b.id]);
        expect(await ids({ level: '法律' })).toEqual([c.id]);
        expect(await ids({ status: 'repealed' })).toEqual([b.id]);
        expect(await store.findLaw(b.id)).toMatchObject({ status: 'repealed', repealedDate: '2006-04-15' });
        expect(await store.findLaw(9999)).toBeNull();
      });

      it('when a law is updated with an actor, then the audit entry has the before and after of the changed fields', async () => {
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const law = await store.createLaw(newLaw('《取水许可制度实施办法》'));
        await store.updateLaw(law.id, newLaw('《取水许可制度实施办法》', { status: 'repealed', repealedDate: '2006-04-15' }), { staffId: admin.id, at: at(5) });
        const [entry] = (await store.listAudit({ entity: 'law', limit: 5, offset: 0 })).rows;
        expect(entry.changes).toEqual({ status: ['in_force', 'repealed'], repealedDate: [null, '2006-04-15'] });
        expect(entry.staffName).toBe('员工root');
      });

      it('when a file is attached to a material, then the material links it, downloads are counted, and an audit entry is written', async () => {
        const f = await seed(store);
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const law = await store.createLaw(newLaw('《水法》'));
        await store.saveItemGuide(
          {
            item: { ...newItem('SL-020', f.deptA.id), itemType: '行政许可', caseType: '即办件' },
            details: { conditions: '', windowId: f.windowA.id, serviceHours: '', consultPhone: '', complaintPhone: '', visits: 0, feeNote: '' },
            materials: [{ name: '申请表', form: '原件', copies: 1, required: true, note: '' }],
            steps: [],
            specialProcedures: [],
            fees: [{ name: '登记费', standard: '80元/件', basis: '发改价格规〔2016〕2559号' }],
            laws: [{ lawId: law.id, articles: '' }],
          },
          { staffId: admin.id, at: at(1) },
        );
        const material = (await store.findItemGuide('SL-020'))!.materials[0];
        expect(await store.findMaterialItem(material.id)).toEqual({ materialId: material.id, itemCode: 'SL-020', departmentId: f.deptA.id });
        const file = await store.attachMaterialFile(
          material.id,
          'sample',
          { storageName: 'abc.pdf', originalName: '申请表（样本）.pdf', contentType: 'application/pdf', sizeBytes: 123 },
          { staffId: admin.id, at: at(2) },
        );
        expect(file).toEqual({
          id: expect.any(Number),
          storageName: 'abc.pdf',
          originalName: '申请表（样本）.pdf',
          contentType: 'application/pdf',
          sizeBytes: 123,
          uploadedBy: admin.id,
          uploadedAt: at(2),
          downloadCount: 0,
        });
        const g = (await store.findItemGuide('SL-020'))!;
        expect(g.materials[0].sampleFile).toEqual(file);
        expect(g.materials[0].blankFile).toBeNull();
        expect(g.fees).toEqual([{ name: '登记费', standard: '80元/件', basis: '发改价格规〔2016〕2559号' }]);
        await store.countDownload(file.id);
        await store.countDownload(file.id);
        expect((await store.findFile(file.id))?.downloadCount).toBe(2);
        expect((await store.listAudit({ entity: 'file', limit: 5, offset: 0 })).rows[0].changes.slot).toEqual([null, 'sample']);
        expect(await errorOf(store.attachMaterialFile(99999, 'blank', { storageName: 'x.pdf', originalName: 'x.pdf', contentType: 'application/pdf', sizeBytes: 1 }, { staffId: admin.id, at: at(3) }))).toBeInstanceOf(AppError);
        expect(await store.findFile(file.id + 1)).toBeNull();
      });

      it('when an intermediary is created and edited, then its items come back and both changes are audited', async () => {
        const f = await seed(store);
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const base = { name: '某测绘公司', qualification: '乙级', serviceScope: '测绘', feeBasis: '市场价', contactPerson: '钱', phone: '0570-3056622', address: '衢州' };
        const m = await store.createIntermediary({ ...base, itemIds: [f.itemA1.id, f.itemB1.id] }, { staffId: admin.id, at: at(1) });
        expect(m.items.map((i) => i.code)).toEqual(['SL-001', 'ZR-001']);
        await store.updateIntermediary(m.id, { ...base, qualification: '甲级', itemIds: [f.itemB1.id] }, { staffId: admin.id, at: at(2) });
        expect(await store.findIntermediary(m.id)).toMatchObject({ qualification: '甲级', items: [{ code: 'ZR-001' }] });
        expect((await store.listIntermediaries()).map((x) => x.id)).toEqual([m.id]);
        expect((await store.findItemGuide('ZR-001'))?.intermediaries).toEqual([{ id: m.id, name: '某测绘公司' }]);
        const audit = await store.listAudit({ entity: 'intermediary', limit: 5, offset: 0 });
        expect(audit.rows.map((a) => a.action)).toEqual(['update', 'create']);
        expect(audit.rows[0].changes).toEqual({ qualification: ['乙级', '甲级'], itemIds: [[f.itemA1.id, f.itemB1.id], [f.itemB1.id]] });
      });

      it('when item changes are recorded, then they list newest effective date first, per item or all, and are audited', async () => {
        const f = await seed(store);
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const a = await store.createItemChange({ itemId: f.itemA1.id, kind: 'delegate', effectiveDate: '2026-01-01', basis: '浙政发〔2014〕13号', description: '下放' }, { staffId: admin.id, at: at(1) });
        const b = await store.createItemChange({ itemId: f.itemB1.id, kind: 'transfer', effectiveDate: '2026-02-01', basis: '文件', description: '' }, { staffId: admin.id, at: at(2) });
        expect(a).toMatchObject({ kind: 'delegate', item: { code: 'SL-001', name: '取水许可', department: { name: '市水利局' } } });
        expect((await store.listItemChanges({ limit: 10, offset: 0 })).rows.map((c) => c.id)).toEqual([b.id, a.id]);
        expect(await store.listItemChanges({ itemId: f.itemA1.id, limit: 10, offset: 0 })).toEqual({ rows: [a], total: 1 });
        expect((await store.listAudit({ entity: 'item_change', limit: 10, offset: 0 })).total).toBe(2);
        // Neither a delegation nor a transfer cancels the item.
        expect((await store.findItemByCode('SL-001'))?.cancelledOn).toBeNull();
      });

      it('when departments and windows are created and updated with an actor, then each change is audited; codes stay unique', async () => {
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        const actor = { staffId: admin.id, at: at(1) };
        const d = await store.createDepartment({ code: 'JTJ', name: '市交通局' }, actor);
        await store.updateDepartment(d.id, { code: 'JTJ', name: '市交通运输局' }, actor);
        const w = await store.createWindow({ departmentId: d.id, code: 'W17', name: '交通窗口', location: '一楼' }, actor);
        const moved = await store.updateWindow(w.id, { departmentId: d.id, code: 'W17', name: '交通窗口', location: '一楼 D 区' }, actor);
        expect(moved.location).toBe('一楼 D 区');
        expect(await store.findWindowById(w.id)).toEqual(moved);
        expect((await store.listDepartments()).map((x) => x.name)).toEqual(['市交通运输局']);
        const audit = await store.listAudit({ limit: 10, offset: 0 });
        expect(audit.rows.map((a) => `${a.entity}:${a.action}`)).toEqual(['window:update', 'window:create', 'department:update', 'department:create']);
        expect(audit.rows[2].changes).toEqual({ name: ['市交通局', '市交通运输局'] });
        expect(await errorOf(store.createDepartment({ code: 'JTJ', name: '重复' }, actor))).toBeInstanceOf(DuplicateKeyError);
        expect((await store.listAudit({ limit: 10, offset: 0 })).total).toBe(4);
        expect(await errorOf(store.updateDepartment(9999, { code: 'X', name: 'x' }, actor))).toBeInstanceOf(AppError);
      });

      it('when a case is registered with received materials, then they are stored with it in order', async () => {
        const f = await seed(store);
        const c = await store.registerCase(newCase(f, 1, { materials: [{ materialId: null, name: '申请书' }, { materialId: null, name: '营业执照复印件' }] }));
        expect(await store.listCaseMaterials(c.id)).toEqual([
          { materialId: null, name: '申请书' },
          { materialId: null, name: '营业执照复印件' },
        ]);
        const other = await store.registerCase(newCase(f, 2));
        expect(await store.listCaseMaterials(other.id)).toEqual([]);
      });

      it('when the audit log is paged, then newest come first with the total', async () => {
        const admin = await store.createStaff(newStaff('root', null, { role: 'admin' }));
        for (let n = 0; n < 5; n++) await store.createDepartment({ code: `D${n}`, name: `部门${n}` }, { staffId: admin.id, at: at(n) });
        const page = await store.listAudit({ limit: 2, offset: 2 });
        expect(page.total).toBe(5);
        expect(page.rows.map((r) => r.changes.code)).toEqual([[null, 'D2'], [null, 'D1']]);
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

    describe('政府信息公开', () => {
      const fields = (title: string, category = '政策文件') => ({
        title, category, writtenDate: '2026-03-01', publisher: '衢州市行政服务中心', summary: '', body: `${title}正文`,
      });
      const PREFIX = '11330800MB0R57773W/2026-';

      it('when staff have a center-office role, then it is stored and read back (beside the CHECK-constrained staff.role)', async () => {
        const office = await store.createStaff(newStaff('office', null, { role: 'office_reviewer' }));
        const web = await store.createStaff(newStaff('web', null, { role: 'webmaster' }));
        expect((await store.findStaffById(office.id))!.role).toBe('office_reviewer');
        expect((await store.findStaffByUsername('web'))!.role).toBe('webmaster');
        expect(web.departmentId).toBeNull();
      });

      it('when entries are drafted, then 索引号 serials run per prefix, skip one taken by an import, and a duplicate is refused', async () => {
        const f = await seed(store);
        const actor = { staffId: f.registrar.id, at: '2026-03-01T02:00:00.000Z' };
        const imported = await store.createDisclosureEntry({ ...fields('导入'), indexPrefix: PREFIX, indexNo: `${PREFIX}00002` }, actor);
        expect(imported.indexNo).toBe(`${PREFIX}00002`);
        const a = await store.createDisclosureEntry({ ...fields('甲'), indexPrefix: PREFIX }, actor);
        const b = await store.createDisclosureEntry({ ...fields('乙'), indexPrefix: PREFIX }, actor);
        const c = await store.createDisclosureEntry({ ...fields('丙'), indexPrefix: '11330800MB0R57773W/2027-' }, actor);
        expect([a.indexNo, b.indexNo, c.indexNo]).toEqual([`${PREFIX}00001`, `${PREFIX}00003`, '11330800MB0R57773W/2027-00001']);
        expect(a).toMatchObject({ status: 'draft', version: 1, publishedAt: null, createdBy: f.registrar.id });
        const dup = await errorOf(store.createDisclosureEntry({ ...fields('重复'), indexPrefix: PREFIX, indexNo: a.indexNo }, actor));
        expect(dup).toBeInstanceOf(DuplicateKeyError);
        expect((dup as DuplicateKeyError).column).toBe('index_no');
      });

      it('when an entry moves, then the version is checked, 发布日期 is set on publishing, and every step is logged in order', async () => {
        const f = await seed(store);
        const e = await store.createDisclosureEntry({ ...fields('甲'), indexPrefix: PREFIX }, { staffId: f.registrar.id, at: '2026-03-01T02:00:00.000Z' });
        const move = (from: string, to: string, action: string, version: number, minute: number, comment: string | null = null) =>
          store.moveDisclosureEntry({
            id: e.id, expectedVersion: version, from: from as never, to: to as never, action: action as never, comment,
            actor: { staffId: f.reviewer.id, at: at(minute) },
          });
        const s1 = await move('draft', 'submitted', 'submit', 1, 1);
        expect(await errorOf(move('draft', 'submitted', 'submit', 1, 2))).toBeInstanceOf(StaleVersionError);
        const edited = await errorOf(store.updateDisclosureEntry(e.id, 1, fields('改'), { staffId: f.registrar.id, at: at(2) }));
        expect(edited).toBeInstanceOf(StaleVersionError);
        const s2 = await move('submitted', 'approved', 'approve', s1.version, 3);
        const s3 = await move('approved', 'published', 'publish', s2.version, 4);
        expect(s3).toMatchObject({ status: 'published', publishedAt: at(4), version: 4 });
        const s4 = await move('published', 'unpublished', 'unpublish', s3.version, 5, '过期');
        expect(s4).toMatchObject({ status: 'unpublished', publishedAt: at(4) });
        const s5 = await store.updateDisclosureEntry(e.id, s4.version, fields('新标题'), { staffId: f.registrar.id, at: at(6) });
        expect(s5).toMatchObject({ title: '新标题', indexNo: e.indexNo, version: 6 });
        const events = await store.listDisclosureEvents(e.id);
        expect(events.map((x) => [x.action, x.fromStatus, x.toStatus, x.comment])).toEqual([
          ['create', null, 'draft', null],
          ['submit', 'draft', 'submitted', null],
          ['approve', 'submitted', 'approved', null],
          ['publish', 'approved', 'published', null],
          ['unpublish', 'published', 'unpublished', '过期'],
          ['edit', 'unpublished', 'unpublished', null],
        ]);
        expect(events[2]).toMatchObject({ staffId: f.reviewer.id, staffName: '李审查', at: at(3) });
        expect(await errorOf(move('draft', 'submitted', 'submit', 99, 7))).toBeInstanceOf(StaleVersionError);
        expect(await store.findDisclosureEntry(9999)).toBeNull();
      });

      it('when entries are listed and counted, then status, category, publication range and substring (LIKE-escaped) filters hold', async () => {
        const f = await seed(store);
        const publish = async (title: string, category: string, publishedAt: string) => {
          let e = await store.createDisclosureEntry({ ...fields(title, category), indexPrefix: PREFIX }, { staffId: f.registrar.id, at: publishedAt });
          for (const [from, to, action] of [['draft', 'submitted', 'submit'], ['submitted', 'approved', 'approve'], ['approved', 'published', 'publish']]) {
            e = await store.moveDisclosureEntry({ id: e.id, expectedVersion: e.version, from: from as never, to: to as never, action: action as never, comment: null, actor: { staffId: f.registrar.id, at: publishedAt } });
          }
          return e;
        };
        await publish('行政审批通知', '政策文件', '2025-06-01T02:00:00.000Z');
        // 2025-12-31T17:00Z is 2026-01-01 01:00 in Beijing: counted in 2026.
        await publish('机构设置100%', '机构职能', '2025-12-31T17:00:00.000Z');
        await store.createDisclosureEntry({ ...fields('审批草稿'), indexPrefix: PREFIX }, { staffId: f.registrar.id, at: at(1) });

        const published = await store.listDisclosureEntries({ statuses: ['published'], limit: 10, offset: 0 });
        expect(published.rows.map((e) => e.title)).toEqual(['机构设置100%', '行政审批通知']);
        expect((await store.listDisclosureEntries({ limit: 10, offset: 0 })).total).toBe(3);
        expect((await store.listDisclosureEntries({ statuses: ['published'], q: '审批', limit: 10, offset: 0 })).rows.map((e) => e.title)).toEqual(['行政审批通知']);
        expect((await store.listDisclosureEntries({ q: '%', limit: 10, offset: 0 })).rows.map((e) => e.title)).toEqual(['机构设置100%']);
        expect((await store.listDisclosureEntries({ q: '_', limit: 10, offset: 0 })).total).toBe(0);
        expect((await store.listDisclosureEntries({ category: '机构职能', limit: 10, offset: 0 })).total).toBe(1);
        const in2025 = await store.listDisclosureEntries({ publishedFrom: '2024-12-31T16:00:00.000Z', publishedBefore: '2025-12-31T16:00:00.000Z', limit: 10, offset: 0 });
        expect(in2025.rows.map((e) => e.title)).toEqual(['行政审批通知']);
        expect(await store.countPublishedDisclosures({})).toEqual([
          { category: '机构职能', year: 2026, count: 1 },
          { category: '政策文件', year: 2025, count: 1 },
        ]);
        expect(await store.countPublishedDisclosures({ publishedBefore: '2025-12-31T16:00:00.000Z' })).toEqual([{ category: '政策文件', year: 2025, count: 1 }]);
      });

      it('when cases are approved, then countApprovals counts each case once, only within the range', async () => {
        const f = await seed(store);
        for (const n of [1, 2, 3]) {
          let c = await store.registerCase(newCase(f, n));
          c = await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'accepted', at: at(10) }));
          if (n < 3) await store.advanceCase(advanceOf(c, f.reviewer.id, { to: 'approved', at: at(20 + n) }));
        }
        expect(await store.countApprovals({ from: at(0), before: at(30) })).toBe(2);
        expect(await store.countApprovals({ from: at(22), before: at(30) })).toBe(1);
        expect(await store.countApprovals({ from: at(30), before: at(40) })).toBe(0);
      });

      it('when the annual report is saved and submitted, then versions are checked and the entry walks the given steps in one write', async () => {
        const f = await seed(store);
        const actor = { staffId: f.registrar.id, at: '2026-03-02T02:00:00.000Z' };
        const texts = { overview: '概况', requestsNote: '', feesNote: '', appealsNote: '', problems: '问题', other: '' };
        const figures = { websitePosts: 406, rulesIssued: 0, rulesRepealed: 0, rulesInForce: 0, normsIssued: 1, normsRepealed: 0, normsInForce: 2, penalties: 0, enforcement: 0, feeAmount: 1.25 };
        expect(await store.findDisclosureReport(2025)).toBeNull();
        const r1 = await store.saveDisclosureReport({ year: 2025, expectedVersion: null, template: '2021', texts, figures, actor });
        expect(r1).toMatchObject({ year: 2025, template: '2021', texts, figures, entryId: null, entryStatus: null, snapshotJson: null, version: 1 });
        expect(await errorOf(store.saveDisclosureReport({ year: 2025, expectedVersion: null, template: '2021', texts, figures, actor }))).toBeInstanceOf(StaleVersionError);
        const r2 = await store.saveDisclosureReport({ year: 2025, expectedVersion: 1, template: '2008', texts: { ...texts, other: '无。' }, figures, actor });
        expect(r2).toMatchObject({ template: '2008', version: 2 });
        expect(r2.texts.other).toBe('无。');

        const submission = {
          year: 2025,
          snapshotJson: '{"schema":1}',
          fields: { ...fields('2025年度报告', '其他'), body: '<article>报告</article>' },
          indexPrefix: PREFIX,
          steps: [
            { action: 'create' as const, from: null, to: 'draft' as const },
            { action: 'submit' as const, from: 'draft' as const, to: 'submitted' as const },
            { action: 'approve' as const, from: 'submitted' as const, to: 'approved' as const },
          ],
          actor,
        };
        expect(await errorOf(store.submitDisclosureReport({ ...submission, expectedVersion: 1, entry: null }))).toBeInstanceOf(StaleVersionError);
        expect((await store.listDisclosureEntries({ limit: 10, offset: 0 })).total).toBe(0);
        const { report, entry } = await store.submitDisclosureReport({ ...submission, expectedVersion: 2, entry: null });
        expect(entry).toMatchObject({ status: 'approved', bodyFormat: 'html', body: '<article>报告</article>', category: '其他', version: 3 });
        expect(report).toMatchObject({ entryId: entry.id, entryStatus: 'approved', snapshotJson: '{"schema":1}', version: 3 });
        expect((await store.listDisclosureEvents(entry.id)).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
          ['create', null, 'draft'],
          ['submit', 'draft', 'submitted'],
          ['approve', 'submitted', 'approved'],
        ]);

        const again = await store.submitDisclosureReport({
          ...submission,
          snapshotJson: '{"schema":1,"n":2}',
          fields: { ...submission.fields, body: '<article>第二稿</article>' },
          expectedVersion: 3,
          entry: { id: entry.id, version: entry.version },
          steps: [{ action: 'edit', from: 'approved', to: 'approved' }],
        });
        expect(again.entry).toMatchObject({ id: entry.id, status: 'approved', body: '<article>第二稿</article>', version: entry.version + 1 });
        expect(again.report.snapshotJson).toBe('{"schema":1,"n":2}');
        expect((await store.listDisclosureReports()).map((r) => r.year)).toEqual([2025]);
      });
    });
    });

    describe('依申请公开 (disclosure requests)', () => {
      const newRequest = (n: number, extra: Partial<NewDisclosureRequest> = {}): NewDisclosureRequest => ({
        queryNo: queryNoFor(10_000 + n),
        applicantKind: 'person',
        applicantName: `申请人${n}`,
        idNumber: '11010519491231002X',
        contactPerson: null,
        phone: '13812345678',
        email: null,
        address: null,
        description: `申请公开事项${n}`,
        deliveryForm: 'email',
        receivedAt: '2026-03-02T02:00:00.000Z',
        receivedOn: '2026-03-02',
        dueOn: '2026-03-30',
        ...extra,
      });
      const pdf = (name: string) => ({ storageName: `${name}.pdf`, originalName: `${name}.pdf`, contentType: 'application/pdf', sizeBytes: 10 });

      it('when a request is created, then it is found by id and number with its receive event, and a number taken by a case or request is refused', async () => {
        const f = await seed(store);
        const r = await store.createDisclosureRequest(newRequest(1, { applicantKind: 'business', email: 'a@example.cn' }));
        expect(r).toMatchObject({
          stage: 'received', clockStartOn: '2026-03-02', dueOn: '2026-03-30', extended: false, outcome: null,
          closedOn: null, version: 1, applicantKind: 'business', email: 'a@example.cn', supplementDueOn: null,
        });
        expect(await store.findDisclosureRequest(r.id)).toEqual(r);
        expect(await store.findDisclosureRequestByQueryNo(r.queryNo)).toEqual(r);
        expect(await store.findDisclosureRequestByQueryNo(queryNoFor(1))).toBeNull();
        expect((await store.listDisclosureRequestEvents(r.id)).map((e) => [e.action, e.fromStage, e.toStage, e.staffId])).toEqual([
          ['receive', null, 'received', null],
        ]);
        expect(await errorOf(store.createDisclosureRequest(newRequest(1)))).toBeInstanceOf(DuplicateQueryNoError);
        await store.registerCase(newCase(f, 5));
        expect(await errorOf(store.createDisclosureRequest(newRequest(2, { queryNo: queryNoFor(5) })))).toBeInstanceOf(DuplicateQueryNoError);
        expect(await errorOf(store.registerCase(newCase(f, 6, { queryNo: r.queryNo })))).toBeInstanceOf(DuplicateQueryNoError);
      });

      it('when a request moves, then clock fields, the event and reply files are saved together, and stale or disallowed moves are refused', async () => {
        const f = await seed(store);
        const r = await store.createDisclosureRequest(newRequest(1));
        const actor = { staffId: f.reviewer.id, at: '2026-03-04T02:00:00.000Z' };
        const s1 = await store.moveDisclosureRequest({
          id: r.id, expectedVersion: 1, from: 'received', to: 'supplement_requested', action: 'request_supplement',
          comment: '请写明文件名称', actor, changes: { dueOn: null, supplementDueOn: '2026-03-25' },
        });
        expect(s1).toMatchObject({ stage: 'supplement_requested', dueOn: null, supplementDueOn: '2026-03-25', clockStartOn: '2026-03-02', version: 2 });
        const stale = store.moveDisclosureRequest({
          id: r.id, expectedVersion: 1, from: 'supplement_requested', to: 'received', action: 'supply', comment: null, actor,
          changes: {},
        });
        expect(await errorOf(stale)).toBeInstanceOf(StaleVersionError);
        const wrong = store.moveDisclosureRequest({
          id: r.id, expectedVersion: 2, from: 'supplement_requested', to: 'received', action: 'extend', comment: null, actor, changes: {},
        });
        expect(await errorOf(wrong)).toBeInstanceOf(AppError);
        const s2 = await store.moveDisclosureRequest({
          id: r.id, expectedVersion: 2, from: 'supplement_requested', to: 'received', action: 'supply', comment: null,
          actor: { staffId: f.reviewer.id, at: '2026-03-10T02:00:00.000Z' },
          changes: { clockStartOn: '2026-03-10', dueOn: '2026-04-08', supplementDueOn: null },
        });
        expect(s2).toMatchObject({ stage: 'received', clockStartOn: '2026-03-10', dueOn: '2026-04-08', supplementDueOn: null });
        const s3 = await store.moveDisclosureRequest({
          id: r.id, expectedVersion: 3, from: 'received', to: 'received', action: 'extend', comment: '经主任同意：涉及多个部门',
          actor, changes: { extended: true, dueOn: '2026-05-08' },
        });
        expect(s3).toMatchObject({ extended: true, dueOn: '2026-05-08', version: 4 });
        const s4 = await store.moveDisclosureRequest({
          id: r.id, expectedVersion: 4, from: 'received', to: 'closed', action: 'reply', comment: null,
          actor: { staffId: f.reviewer.id, at: '2026-04-20T02:00:00.000Z' },
          changes: { outcome: 'withhold_third_party', replyText: '答复书正文', closedOn: '2026-04-20', dueOn: null },
          files: [pdf('答复书'), pdf('附件')],
        });
        expect(s4).toMatchObject({
          stage: 'closed', outcome: 'withhold_third_party', replyText: '答复书正文', closedOn: '2026-04-20',
          closedAt: '2026-04-20T02:00:00.000Z', extended: true,
        });
        const events = await store.listDisclosureRequestEvents(r.id);
        expect(events.map((e) => e.action)).toEqual(['receive', 'request_supplement', 'supply', 'extend', 'reply']);
        expect(events[1]).toMatchObject({ comment: '请写明文件名称', staffName: '李审查' });
        const files = await store.listDisclosureRequestFiles(r.id);
        expect(files.map((x) => [x.originalName, x.eventId])).toEqual([['答复书.pdf', events[4].id], ['附件.pdf', events[4].id]]);
        expect(await store.isNonPublicFile(files[0].id)).toBe(true);
        const again = store.moveDisclosureRequest({
          id: r.id, expectedVersion: 5, from: 'closed', to: 'closed', action: 'reply', comment: null, actor, changes: {},
        });
        expect(await errorOf(again)).toBeInstanceOf(AppError);
        expect(await errorOf(store.moveDisclosureRequest({
          id: 9999, expectedVersion: 1, from: 'received', to: 'closed', action: 'reply', comment: null, actor,
          changes: { outcome: 'disclose', closedOn: '2026-04-20' },
        }))).toMatchObject({ status: 404 });
      });

      it('when requests are listed, then stage, overdue, due-soon and search filters hold, open ones first by due date', async () => {
        const a = await store.createDisclosureRequest(newRequest(1, { dueOn: '2026-03-20', applicantName: '王小明' }));
        const b = await store.createDisclosureRequest(newRequest(2, { dueOn: '2026-03-10', description: '关于100%_通知' }));
        const c = await store.createDisclosureRequest(newRequest(3, { dueOn: null }));
        const d = await store.createDisclosureRequest(newRequest(4));
        await store.moveDisclosureRequest({
          id: d.id, expectedVersion: 1, from: 'received', to: 'closed', action: 'reply', comment: null,
          actor: { staffId: null, at: '2026-03-05T02:00:00.000Z' }, changes: { outcome: 'disclose', closedOn: '2026-03-05', dueOn: null },
        });
        const list = (f: Partial<DisclosureRequestFilter>) => store.listDisclosureRequests({ limit: 10, offset: 0, ...f });
        expect((await list({})).rows.map((r) => r.id)).toEqual([b.id, a.id, c.id, d.id]);
        expect((await list({ stage: 'closed' })).rows.map((r) => r.id)).toEqual([d.id]);
        expect((await list({ dueBefore: '2026-03-11' })).rows.map((r) => r.id)).toEqual([b.id]);
        expect((await list({ dueOnOrBefore: '2026-03-20' })).rows.map((r) => r.id)).toEqual([b.id, a.id]);
        expect((await list({ q: '小明' })).rows.map((r) => r.id)).toEqual([a.id]);
        expect((await list({ q: '%_' })).rows.map((r) => r.id)).toEqual([b.id]);
        expect((await list({ q: c.queryNo })).rows.map((r) => r.id)).toEqual([c.id]);
        expect((await list({ limit: 1 })).total).toBe(4);
        expect((await store.listOpenDisclosureRequests()).map((r) => r.id)).toEqual([a.id, b.id, c.id]);
        expect(await store.saveDisclosureRequestDueDates([{ id: c.id, version: 1, dueOn: '2027-01-29' }, { id: d.id, version: 2, dueOn: '2027-01-29' }])).toBe(1);
        expect((await store.findDisclosureRequest(c.id))!.dueOn).toBe('2027-01-29');
        expect((await store.findDisclosureRequest(d.id))!.dueOn).toBeNull();
      });

      it('when 补正 deadlines pass, then only requests still waiting with a deadline before today are listed', async () => {
        const f = await seed(store);
        const mk = async (n: number, supplementDueOn: string) => {
          const r = await store.createDisclosureRequest(newRequest(n));
          return store.moveDisclosureRequest({
            id: r.id, expectedVersion: 1, from: 'received', to: 'supplement_requested', action: 'request_supplement', comment: 'x',
            actor: { staffId: f.reviewer.id, at: '2026-03-03T02:00:00.000Z' }, changes: { dueOn: null, supplementDueOn },
          });
        };
        const late = await mk(1, '2026-03-20');
        await mk(2, '2026-03-23');
        await store.createDisclosureRequest(newRequest(3));
        expect((await store.listExpiredSupplements('2026-03-23')).map((r) => r.id)).toEqual([late.id]);
      });

      it('when fees and review records are entered, then they are listed, logged, and the review outcome is updated with its version', async () => {
        const f = await seed(store);
        const r = await store.createDisclosureRequest(newRequest(1));
        const actor = { staffId: f.reviewer.id, at: '2026-03-04T02:00:00.000Z' };
        const fee = await store.addDisclosureRequestFee({ requestId: r.id, chargedOn: '2026-03-04', amountFen: 12050, waivedFen: 50, note: '超量' }, actor);
        expect(fee).toMatchObject({ amountFen: 12050, waivedFen: 50, note: '超量', staffId: f.reviewer.id });
        expect(await store.listDisclosureRequestFees(r.id)).toEqual([fee]);
        const review = await store.addDisclosureRequestReview(
          { requestId: r.id, kind: 'review', filedOn: '2026-04-01', outcome: 'pending', decidedOn: null, note: '' }, actor,
        );
        expect(review).toMatchObject({ kind: 'review', outcome: 'pending', decidedOn: null, version: 1 });
        const decided = await store.updateDisclosureRequestReview(review.id, 1, { outcome: 'corrected', decidedOn: '2026-05-10', note: '责令重新答复' }, actor);
        expect(decided).toMatchObject({ outcome: 'corrected', decidedOn: '2026-05-10', version: 2 });
        expect(await errorOf(store.updateDisclosureRequestReview(review.id, 1, { outcome: 'upheld', decidedOn: '2026-05-11', note: '' }, actor))).toBeInstanceOf(StaleVersionError);
        expect(await store.findDisclosureRequestReview(review.id)).toEqual(decided);
        expect(await store.listDisclosureRequestReviews(r.id)).toEqual([decided]);
        expect((await store.listDisclosureRequestEvents(r.id)).map((e) => [e.action, e.fromStage, e.toStage])).toEqual([
          ['receive', null, 'received'], ['fee', 'received', 'received'], ['review', 'received', 'received'], ['review', 'received', 'received'],
        ]);
        expect(await errorOf(store.addDisclosureRequestFee({ requestId: 9999, chargedOn: '2026-03-04', amountFen: 1, waivedFen: 0, note: '' }, actor))).toMatchObject({ status: 404 });
      });

      it('when the annual report reads a year, then carried-over, closed-in-year and still-open requests, fees and reviews are included, others not', async () => {
        const f = await seed(store);
        const actor = (iso: string) => ({ staffId: f.reviewer.id, at: iso });
        const close = async (r: { id: number; version: number }, closedOn: string) =>
          store.moveDisclosureRequest({
            id: r.id, expectedVersion: r.version, from: 'received', to: 'closed', action: 'reply', comment: null,
            actor: actor(`${closedOn}T02:00:00.000Z`), changes: { outcome: 'disclose', closedOn, dueOn: null },
          });
        const early = await store.createDisclosureRequest(newRequest(1, { receivedOn: '2025-05-06', receivedAt: '2025-05-06T02:00:00.000Z' }));
        await close(early, '2025-06-01');
        const carried = await store.createDisclosureRequest(newRequest(2, { receivedOn: '2025-12-20', receivedAt: '2025-12-20T02:00:00.000Z' }));
        await close(carried, '2026-01-15');
        const inYear = await store.createDisclosureRequest(newRequest(3, { receivedOn: '2026-03-02' }));
        await close(inYear, '2026-03-20');
        const open = await store.createDisclosureRequest(newRequest(4, { receivedOn: '2026-12-28', receivedAt: '2026-12-28T02:00:00.000Z' }));
        await store.createDisclosureRequest(newRequest(5, { receivedOn: '2027-01-04', receivedAt: '2027-01-04T02:00:00.000Z' }));
        const rows = await store.listDisclosureRequestsForReport(2026);
        expect(rows.map((r) => [r.id, r.receivedOn, r.closedOn, r.outcome])).toEqual([
          [carried.id, '2025-12-20', '2026-01-15', 'disclose'],
          [inYear.id, '2026-03-02', '2026-03-20', 'disclose'],
          [open.id, '2026-12-28', null, null],
        ]);
        await store.addDisclosureRequestFee({ requestId: carried.id, chargedOn: '2025-12-30', amountFen: 100, waivedFen: 0, note: '' }, actor('2025-12-30T02:00:00.000Z'));
        await store.addDisclosureRequestFee({ requestId: inYear.id, chargedOn: '2026-03-10', amountFen: 300, waivedFen: 100, note: '' }, actor('2026-03-10T02:00:00.000Z'));
        expect(await store.listDisclosureFeesForReport(2026)).toEqual([{ requestId: inYear.id, chargedOn: '2026-03-10', amountFen: 300, waivedFen: 100 }]);
        const review = (requestId: number, filedOn: string, outcome: 'pending' | 'upheld', decidedOn: string | null) =>
          store.addDisclosureRequestReview({ requestId, kind: 'litigation_direct', filedOn, outcome, decidedOn, note: '' }, actor(`${filedOn}T02:00:00.000Z`));
        await review(early.id, '2025-06-10', 'upheld', '2025-09-01');
        await review(carried.id, '2025-12-25', 'upheld', '2026-02-01');
        await review(inYear.id, '2026-04-01', 'pending', null);
        expect((await store.listDisclosureReviewsForReport(2026)).map((r) => [r.requestId, r.outcome, r.decidedOn])).toEqual([
          [carried.id, 'upheld', '2026-02-01'],
          [inYear.id, 'pending', null],
        ]);
      });

      it('when files are attached to a catalog entry, then only an editable entry takes or loses them, and they are public only once published', async () => {
        const f = await seed(store);
        const actor = { staffId: f.registrar.id, at: '2026-03-01T02:00:00.000Z' };
        const e = await store.createDisclosureEntry(
          { title: '目录', category: '政策文件', writtenDate: '2026-03-01', publisher: '中心', summary: '', body: '正文', indexPrefix: '11330800MB0R57773W/2026-' },
          actor,
        );
        const editable = ['draft', 'returned', 'unpublished'] as const;
        const a = await store.attachDisclosureEntryFile(e.id, pdf('甲'), editable, actor);
        const b = await store.attachDisclosureEntryFile(e.id, pdf('乙'), editable, actor);
        expect((await store.listDisclosureEntryFiles(e.id)).map((x) => x.originalName)).toEqual(['甲.pdf', '乙.pdf']);
        expect(await store.isNonPublicFile(a.id)).toBe(true);
        expect(await store.removeDisclosureEntryFile(e.id, a.id, editable, actor)).toBe(true);
        expect(await store.removeDisclosureEntryFile(e.id, a.id, editable, actor)).toBe(false);
        expect(await store.isNonPublicFile(a.id)).toBe(false);
        let moved = e;
        for (const [from, to, action] of [['draft', 'submitted', 'submit'], ['submitted', 'approved', 'approve'], ['approved', 'published', 'publish']]) {
          moved = await store.moveDisclosureEntry({ id: e.id, expectedVersion: moved.version, from: from as never, to: to as never, action: action as never, comment: null, actor });
        }
        expect(await store.isNonPublicFile(b.id)).toBe(false);
        expect(await errorOf(store.attachDisclosureEntryFile(e.id, pdf('丙'), editable, actor))).toMatchObject({ status: 409 });
        expect(await errorOf(store.removeDisclosureEntryFile(e.id, b.id, editable, actor))).toMatchObject({ status: 409 });
        expect(await errorOf(store.attachDisclosureEntryFile(9999, pdf('丁'), editable, actor))).toMatchObject({ status: 404 });
      });
    });
  });
}
