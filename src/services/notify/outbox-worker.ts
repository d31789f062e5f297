import type { OutboxMessage } from '../../domain/model';
import type { Store } from '../../store/store';
import type { Clock } from '../deps';
import type { NotificationTransport } from './transport';

export interface OutboxWorkerOptions {
  batchSize?: number;
  /** How long a claimed message is reserved for this worker. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before retry n (1-based): doubles from 30 s, at most an hour. */
  backoffMs?: (attempt: number) => number;
  log?: (message: string) => void;
}

const defaultBackoff = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 60 * 60 * 1000);

/**
 * Delivers the outbox in the background. Staff requests only write rows; a mail-server outage
 * leaves messages pending with a growing delay, and nothing is lost.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly store: Store,
    private readonly transports: readonly NotificationTransport[],
    private readonly clock: Clock,
    opts: OutboxWorkerOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 20;
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.backoffMs = opts.backoffMs ?? defaultBackoff;
    this.log = opts.log ?? (() => {});
  }

  /** One pass over the due messages; returns how many were sent. Overlapping calls share one pass. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.store.claimOutbox(
      now.toISOString(),
      new Date(now.getTime() + this.leaseMs).toISOString(),
      this.batchSize,
    );
    let sent = 0;
    for (const m of claimed) if (await this.deliver(m)) sent++;
    return sent;
  }

  private async deliver(m: OutboxMessage): Promise<boolean> {
    const transport = this.transports.find((t) => t.channel === m.channel);
    try {
      if (!transport) throw new Error(`no transport for channel ${m.channel}`);
      await transport.send({ to: m.recipient, subject: m.subject, text: m.body });
      await this.store.markOutboxSent(m.id, this.clock.now().toISOString());
      return true;
    } catch (err) {
      const attempt = m.attempts + 1;
      const error = err instanceof Error ? err.message : String(err);
      const next =
        attempt >= this.maxAttempts ? null : new Date(this.clock.now().getTime() + this.backoffMs(attempt)).toISOString();
      await this.store.markOutboxFailed(m.id, error, next);
      this.log(`outbox message ${m.id} attempt ${attempt} failed: ${error}${next ? `; retry at ${next}` : '; giving up'}`);
      return false;
    }
  }

  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((err) => this.log(`outbox pass failed: ${err instanceof Error ? err.message : err}`));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a pass in progress, so shutdown flushes what it started. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }
}
