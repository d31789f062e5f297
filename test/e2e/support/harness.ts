import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../../src/config';
import { prepareApp } from '../../../src/start';
import type { Store } from '../../../src/store/store';
import { CHROMIUM_PATH, haveChromium } from './chromium';

export { DEFAULT_DEMO_PASSWORD as DEMO_PASSWORD } from '../../../src/config';

/** `describe` when Chromium is installed; otherwise the block is skipped (global-setup says why). */
export const describeInBrowser: jest.Describe = haveChromium() ? describe : describe.skip;

/** Time budget of a start-up (demo data load, browser launch) on a busy machine. */
export const SETUP_MS = 60_000;
export const STEP_MS = 45_000;

export interface DemoServer {
  baseUrl: string;
  store: Store;
  stop(): Promise<void>;
}

/**
 * The real application as `npm start` builds it (prepareApp: migrations, demo hall, live updates),
 * on a fresh database in a temp folder, listening on a free port of 127.0.0.1.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-e2e-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_FILE: path.join(dir, 'e2e.sqlite'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    // One browser opens many public pages from one address in a few seconds.
    LOOKUP_RATE_LIMIT: '100000',
  });
  const prepared = await prepareApp(config);
  const server: Server = await new Promise((resolve, reject) => {
    const s = prepared.app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    store: prepared.store,
    async stop() {
      prepared.live.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prepared.visits.flush();
      await prepared.store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const RESULTS_DIR = path.join(__dirname, '..', '..', '..', 'test-results', 'e2e');

/**
 * Numbered screenshots of one flow: test-results/e2e/<flow>/<nn>-<step>.png (git-ignored). Whole
 * pages by default; the viewport only where many pages are shot and time counts.
 */
export function screenshots(flow: string, opts: { fullPage: boolean } = { fullPage: true }) {
  const dir = path.join(RESULTS_DIR, flow);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page: Page, step: string): Promise<string> => {
    n += 1;
    const file = path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: opts.fullPage });
    return file;
  };
}

/** Logs in through the real login form. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/staff/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/staff`), page.getByRole('button', { name: '登录' }).click()]);
}

/**
 * Uncaught script errors and CSP refusals of every page of a context: a page can look right while
 * its script died (the kiosk keypad stayed hidden that way), so flows assert this stays empty.
 */
export function scriptErrors(context: BrowserContext, errors: string[] = []): string[] {
  const watch = (page: Page) => {
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}
