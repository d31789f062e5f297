import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describePg } from '../helpers/pg';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Runs the benchmark end to end once, small and short, so the script cannot rot. It checks that
 * every scenario ran and got the answers it expected; speed is judged only by `npm run bench`.
 */
describe('npm run bench --quick', () => {
  it('when run on a small database, then every scenario answers without unexpected errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permit-tracker-bench-'));
    const out = path.join(dir, 'result.json');
    try {
      const run = spawnSync(
        process.execPath,
        ['-r', './scripts/bench/ts-register.js', 'scripts/bench/run.ts', '--quick', '--cases', '5000', '--duration', '1', '--connections', '10', '--out', out],
        { cwd: ROOT, encoding: 'utf8', timeout: 230_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        cases: number;
        scenarios: { name: string; requests: number; unexpected: number; expected4xx: number; note?: string }[];
        peakRssMb: number;
        targets: { target: string; value: number; ok: boolean }[];
        startupMs: number;
        startupCpuMs: number;
      };
      expect(report.cases).toBe(5000);
      expect(report.scenarios.map((s) => s.name.replace(/ .*/, ''))).toEqual([
        'healthz', 'lookup', 'lookup', 'lookup', 'bulletin', 'bulletin', 'bulletin', 'bulletin', 'bulletin',
        'registrations', 'registrations', 'transitions', 'bare', 'lookup', 'lookup',
      ]);
      // The write floor: every refused registration answered 400 (a 401 or a 201 would be unexpected).
      const refused = report.scenarios.find((s) => s.name.startsWith('registrations refused'));
      expect(refused).toEqual(expect.objectContaining({ expected4xx: expect.any(Number), requests: expect.any(Number) }));
      expect(refused?.requests).toBeGreaterThan(0);
      expect(refused?.expected4xx).toBe(refused?.requests);
      for (const s of report.scenarios) {
        expect({ name: s.name, unexpected: s.unexpected, note: s.note }).toEqual({ name: s.name, unexpected: 0, note: undefined });
        expect(s.requests).toBeGreaterThan(0);
      }
      // The cost of size: both sizes in alternating rounds, and its target reported.
      expect(report.scenarios.slice(-2).map((s) => s.name)).toEqual(['lookup JSON at 5,000 cases, 3 paired rounds', 'lookup JSON at 2,500 cases, 3 paired rounds']);
      expect(report.targets.find((t) => t.target.startsWith('lookup at 5,000 cases ≤ 10% slower'))?.value).toEqual(expect.any(Number));
      // 5,000 generated cases say nothing about the 1,000,000-case generation target: left out, not missed.
      expect(report.targets.filter((t) => /generation/.test(t.target))).toEqual([]);
      // Every 10th lookup is a wrong or unknown number (a scenario of one busy second may send fewer than 10).
      const lookups = report.scenarios.filter((s) => s.name.startsWith('lookup') && s.requests >= 10);
      expect(lookups.length).toBeGreaterThanOrEqual(3);
      expect(lookups.every((s) => s.expected4xx > 0)).toBe(true);
      expect(report.peakRssMb).toBeGreaterThan(0);
      expect(report.startupMs).toBeGreaterThan(0);
      expect(report.startupCpuMs).toBeGreaterThan(0);
      for (const s of report.scenarios) expect(s).toHaveProperty('clientCpuUsPerRequest', expect.any(Number));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describePg('npm run bench --quick --db postgres', () => {
  it('when run on PostgreSQL with one and then two instances, then every scenario answers without unexpected errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permit-tracker-bench-pg-'));
    const out = path.join(dir, 'result.json');
    try {
      const dbArgs = process.env.TEST_DATABASE_URL ? ['--database-url', process.env.TEST_DATABASE_URL] : [];
      const run = spawnSync(
        process.execPath,
        ['-r', './scripts/bench/ts-register.js', 'scripts/bench/run.ts', '--quick', '--cases', '5000', '--duration', '1', '--connections', '10',
          '--db', 'postgres', ...dbArgs, '--out', out],
        { cwd: ROOT, encoding: 'utf8', timeout: 280_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        db: string;
        scenarios: Record<string, { name: string; requests: number; unexpected: number; note?: string }[]>;
      };
      expect(report.db).toBe('postgres');
      expect(Object.keys(report.scenarios)).toEqual(['1', '2']);
      for (const rows of Object.values(report.scenarios)) {
        expect(rows.map((s) => s.name.replace(/ .*/, ''))).toEqual([
          'healthz', 'lookup', 'lookup', 'bulletin', 'bulletin', 'registrations', 'transitions',
        ]);
        for (const s of rows) {
          expect({ name: s.name, unexpected: s.unexpected, note: s.note }).toEqual({ name: s.name, unexpected: 0, note: undefined });
          expect(s.requests).toBeGreaterThan(0);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
