import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from './deps';

export interface BackupSchedule {
  dir: string;
  intervalMs: number;
  /** Newest backups kept; older ones of this schedule are deleted after each success. */
  keep: number;
}

/** The timer functions the schedule uses; tests pass their own and fire the tick by hand. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

const NAME = /^tracker-\d{8}-\d{6}\.sqlite$/;

/** `tracker-YYYYMMDD-HHmmss.sqlite` in Beijing time: names sort in time order. */
export function backupFileName(at: Date): string {
  const s = new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString();
  return `tracker-${s.slice(0, 10).replace(/-/g, '')}-${s.slice(11, 19).replace(/:/g, '')}.sqlite`;
}

/**
 * Online backups at a fixed interval (the first one interval after start). A failed backup is logged
 * and leaves the earlier ones in place; the server keeps running.
 */
export class ScheduledBackups {
  private timer: unknown = null;
  private running: Promise<string | null> | null = null;

  constructor(
    private readonly schedule: BackupSchedule,
    /** Writes a consistent copy of the live database to the given file. */
    private readonly backup: (target: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = this.timers.setInterval(() => void this.runOnce(), this.schedule.intervalMs);
  }

  /** One backup now; returns its file, or null when it failed or one was already running. */
  runOnce(): Promise<string | null> {
    if (this.running) return Promise.resolve(null);
    this.running = this.backupAndPrune().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the schedule and waits for a backup in progress. */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async backupAndPrune(): Promise<string | null> {
    const file = path.join(this.schedule.dir, backupFileName(this.clock.now()));
    // Written under a temporary name: a half-written copy must never look like a backup.
    const partial = `${file}.partial`;
    try {
      fs.mkdirSync(this.schedule.dir, { recursive: true });
      await this.backup(partial);
      fs.renameSync(partial, file);
    } catch (err) {
      fs.rmSync(partial, { force: true });
      this.log(`Scheduled backup to ${file} failed: ${err instanceof Error ? err.message : err}`);
      return null;
    }
    try {
      const ours = fs.readdirSync(this.schedule.dir).filter((n) => NAME.test(n)).sort();
      for (const old of ours.slice(0, Math.max(0, ours.length - this.schedule.keep))) {
        fs.rmSync(path.join(this.schedule.dir, old), { force: true });
      }
    } catch (err) {
      this.log(`Could not remove old backups in ${this.schedule.dir}: ${err instanceof Error ? err.message : err}`);
    }
    return file;
  }
}
