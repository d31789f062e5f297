/**
 * A throwaway PostgreSQL cluster (initdb + pg_ctl in a temp dir, a free local port, C locale,
 * UTF-8, trust auth, no fsync): for the tests when TEST_DATABASE_URL is not set, and for
 * `npm run bench -- --db postgres`. As root, the cluster runs as the `postgres` system user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN_CANDIDATES = ['17', '16', '15', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin`);

export function findPgBin(): string | null {
  const dirs = [...BIN_CANDIDATES, ...(process.env.PATH ?? '').split(path.delimiter)];
  return dirs.find((d) => d && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

/** initdb refuses to run as root: then the cluster belongs to the `postgres` system user. */
function clusterUser(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('running as root needs a "postgres" system user for the test cluster');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), name: 'postgres' };
}

export const PG_SKIP_REASON =
  'PostgreSQL tests skipped: TEST_DATABASE_URL is not set and no PostgreSQL server binaries (initdb, pg_ctl) were found (or PG_TESTS=off).';

/** PG_TESTS=off skips the PostgreSQL tests even where a server could be started. */
export function pgAvailable(): boolean {
  if (process.env.PG_TESTS === 'off') return false;
  if (process.env.TEST_DATABASE_URL) return true;
  if (!findPgBin()) return false;
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return false;
  return true;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ThrowawayCluster {
  url: string;
  stop(): void;
}

/** initdb + pg_ctl start in a temp dir, on a free local port, C locale and UTF-8, trust auth, no fsync. */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error(PG_SKIP_REASON);
  const user = clusterUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bjt-pg-'));
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const as = (cmd: string, args: string[]) =>
    user ? execFileSync('runuser', ['-u', user.name, '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  const data = path.join(dir, 'data');
  as(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  as(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

