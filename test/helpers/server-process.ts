import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/**
 * The server as plain JavaScript, transpiled once per version of src/ into a temp folder (shared by
 * the test files that start real processes). It mirrors the project's layout: src/paths.ts finds
 * views, public files and migrations one level up, where links point back to the project.
 * Returns the folder; the server is `<folder>/src/server.js`.
 */
export function buildServer(): string {
  const files = sourceFiles(path.join(ROOT, 'src')).sort();
  // Per checkout (the links point into it), then per version of the sources.
  const prefix = `permit-tracker-server-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}-`;
  const hash = crypto.createHash('sha256').update(ts.version);
  for (const f of files) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), `${prefix}${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'ready'))) return dir;
  for (const old of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix) && !n.includes('-building-'))) {
    fs.rmSync(path.join(os.tmpdir(), old), { recursive: true, force: true });
  }
  const tmp = fs.mkdtempSync(`${dir}-building-`);
  for (const f of files) {
    const { outputText } = ts.transpileModule(fs.readFileSync(f, 'utf8'), {
      fileName: f,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
    });
    const out = path.join(tmp, path.relative(ROOT, f)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, outputText);
  }
  for (const link of ['views', 'public', 'db', 'node_modules']) fs.symlinkSync(path.join(ROOT, link), path.join(tmp, link));
  fs.writeFileSync(path.join(tmp, 'ready'), '');
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another test file built the same version at the same time.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One request on its own connection; rejects on a socket error (e.g. the server was killed). */
export function call(
  url: string,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = opts.body === undefined ? null : Buffer.from(JSON.stringify(opts.body));
    const req = http.request(
      url,
      {
        method: opts.method ?? (data ? 'POST' : 'GET'),
        agent: false,
        headers: { ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}), ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('the connection closed before the answer was complete'));
        });
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(data ?? undefined);
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server as a child process in production mode on `databaseFile` and resolves once
 * /healthz answers. `env` adds to or overrides the defaults.
 */
export async function startServer(build: string, databaseFile: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(build, 'src', 'server.js')], {
    cwd: build,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SESSION_SECRET: 'crash-test-session-secret-0123456789abcdef',
      DEMO_DATA: 'off',
      DATABASE_FILE: databaseFile,
      UPLOAD_DIR: path.join(path.dirname(databaseFile), 'uploads'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOOKUP_RATE_LIMIT: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (gone) throw new Error(`server exited during start-up:\n${output}`);
    try {
      if ((await call(`${url}/healthz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, child, output: () => output, exited };
}

/** Resolves once `text` appears in the process output. */
export async function waitForOutput(p: ServerProcess, text: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!p.output().includes(text)) {
    if (Date.now() > until) throw new Error(`no "${text}" in the server output:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
