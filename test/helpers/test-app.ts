import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { residentIdCheckChar, usccCheckChar } from '../../src/domain/identity';
import type { Department, Item, Role, Staff } from '../../src/domain/model';
import { hashPassword } from '../../src/services/passwords';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Store } from '../../src/store/store';

type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;
let storeFactory: StoreFactory | null = null;

/**
 * Runs the web tests of this file on another adapter (PostgreSQL): createTestApp takes its store
 * from `factory` meanwhile. Only for test files that use the Store interface alone (not `store.db`):
 * `store` is then not really a SqliteStore.
 */
export function useStoreFactory(factory: StoreFactory): void {
  beforeAll(() => {
    storeFactory = factory;
  });
  afterAll(() => {
    storeFactory = null;
  });
}

export const PASSWORD = 'correct-horse-battery';
let passwordHash: Promise<string> | undefined;

export interface TestApp {
  app: Express;
  store: SqliteStore;
  config: Config;
  depts: { water: Department; land: Department };
  items: { water: Item; waterPrivate: Item; land: Item; cancelled: Item };
  staff: { water: Staff; waterLead: Staff; land: Staff; admin: Staff };
  /** Moves the app's injected clock (real time until set). */
  setNow(iso: string): void;
  cleanup(): Promise<void>;
}

/** A real app on a real SQLite file in a temp folder, with a small fixture of its own. */
/** A clock the test moves by hand. */
export function manualClock(iso: string) {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set(next: string) {
      now = new Date(next);
    },
  };
}

export async function createTestApp(
  env: Record<string, string> = {},
  opts: { clock?: { now(): Date } } = {},
): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_FILE: path.join(dir, 'test.sqlite'), UPLOAD_DIR: path.join(dir, 'uploads'), LOOKUP_RATE_LIMIT: '1000', ...env });
  const opened = storeFactory ? await storeFactory() : null;
  const store = opened ? (opened.store as SqliteStore) : new SqliteStore({ file: config.databaseFile });
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const water = await store.createDepartment({ code: 'SLJ', name: '市水利局' });
  const land = await store.createDepartment({ code: 'GTJ', name: '市国土资源局' });
  const mkStaff = (username: string, role: Role, departmentId: number | null) =>
    store.createStaff({ username, displayName: `${username}姓名`, role, departmentId, windowId: null, passwordHash: hash, isDemo: false });
  const base = { statutoryDays: 20, promisedDays: 10, resultsPublic: true, resultValidity: '5年', status: 'in_force' as const };
  const items = {
    water: await store.createItem({ ...base, code: 'SLJ-001', name: '取水许可', category: '取水许可', departmentId: water.id }),
    waterPrivate: await store.createItem({
      ...base,
      code: 'SLJ-009',
      name: '涉密水文资料使用审批',
      category: '其他',
      departmentId: water.id,
      resultsPublic: false,
    }),
    land: await store.createItem({ ...base, code: 'GTJ-001', name: '国有建设用地使用权首次登记', category: '土地登记', departmentId: land.id }),
    cancelled: await store.createItem({
      ...base,
      code: 'SLJ-099',
      name: '已取消的审批事项',
      category: '其他',
      departmentId: water.id,
      status: 'cancelled',
    }),
  };
  const staff = {
    water: await mkStaff('water', 'window_staff', water.id),
    waterLead: await mkStaff('waterlead', 'supervisor', water.id),
    land: await mkStaff('land', 'window_staff', land.id),
    admin: await mkStaff('admin', 'admin', null),
  };
  let now: number | null = null;
  const clock = opts.clock ?? { now: () => (now === null ? new Date() : new Date(now)) };
  const app = createApp({ store, config, clock, sessionSecret: 'test-secret-test-secret-test-secret!', log: () => {} });
  return {
    app,
    store,
    config,
    depts: { water, land },
    items,
    staff,
    setNow(iso: string) {
      now = Date.parse(iso);
    },
    async cleanup() {
      await (opened ? opened.cleanup() : store.close());
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function apiToken(app: Express, username: string): Promise<string> {
  const res = await request(app).post('/api/v1/auth/token').send({ username, password: PASSWORD }).expect(200);
  return res.body.token as string;
}

/** Logs in through the real form and returns an agent holding the session cookie, plus its CSRF token. */
export async function staffAgent(app: Express, username: string) {
  const agent = request.agent(app);
  const loginPage = await agent.get('/staff/login').expect(200);
  const csrf = csrfFrom(loginPage.text);
  await agent.post('/staff/login').type('form').send({ _csrf: csrf, username, password: PASSWORD, next: '/staff' }).expect(303);
  const home = await agent.get('/staff').expect(200);
  return { agent, csrf: csrfFrom(home.text) };
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on page');
  return m[1];
}

export function validResidentId(seed = '330802199001011'): string {
  const first17 = (seed + '23').slice(0, 17);
  return first17 + residentIdCheckChar(first17);
}

export function validCreditCode(body = '91330800MA2ABC123'): string {
  return body + usccCheckChar(body);
}

export const personApplicant = () => ({
  name: '张三丰',
  kind: 'person' as const,
  idNumber: validResidentId(),
  phone: '13905701234',
});

export const orgApplicant = () => ({
  name: '衢州市清源水务有限公司',
  kind: 'organization' as const,
  idNumber: validCreditCode(),
  phone: '0570-3890183',
});
