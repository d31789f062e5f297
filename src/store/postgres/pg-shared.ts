/**
 * What several app instances on one PostgreSQL database must share beyond the Store: rate-limit
 * counters (a table) and live case updates (LISTEN/NOTIFY). Sessions, the visit counter and the
 * outbox (claimed with FOR UPDATE SKIP LOCKED) are already Store tables.
 */
import type { Pool, PoolClient } from 'pg';
import type { CaseUpdate, CaseUpdateBus } from '../../services/live-updates';
import type { Limiter } from '../../web/rate-limit';

/** A fixed-window limiter whose counts every instance sees: one upsert per hit. */
export class PgRateLimiter implements Limiter {
  private lastSweep = 0;

  constructor(
    private readonly pool: Pool,
    private readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string): Promise<number> {
    const now = this.now();
    const r = await this.pool.query<{ count: number; reset_at: number }>(
      `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, $2::bigint + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.reset_at <= $2::bigint THEN 1 ELSE rate_limits.count + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= $2::bigint THEN $2::bigint + $3::bigint ELSE rate_limits.reset_at END
       RETURNING count, reset_at`,
      [`${this.name}:${key}`, now, this.windowMs],
    );
    if (now - this.lastSweep >= this.windowMs) {
      this.lastSweep = now;
      // Expired windows of every key; any instance may do it.
      this.pool.query('DELETE FROM rate_limits WHERE reset_at <= $1', [now]).catch(() => undefined);
    }
    const { count, reset_at } = r.rows[0];
    return count > this.limit ? Math.max(1, Math.ceil((Number(reset_at) - now) / 1000)) : 0;
  }

  async reset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limits WHERE key = $1', [`${this.name}:${key}`]);
  }
}

export const CASE_UPDATES_CHANNEL = 'bjt_case_updates';

/**
 * Live status across instances: publish is a NOTIFY; each instance LISTENs on one dedicated
 * connection and hands what arrives (its own updates included) to its local subscribers.
 * A lost listening connection is reopened; updates sent meanwhile are missed, and the lookup page
 * still shows the current stage on its next load.
 */
export class PgNotifyBus implements CaseUpdateBus {
  private readonly listeners = new Map<string, Set<(u: CaseUpdate) => void>>();
  private client: PoolClient | null = null;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly log: (msg: string) => void,
  ) {}

  static async start(pool: Pool, log: (msg: string) => void = (m) => console.warn(m)): Promise<PgNotifyBus> {
    const bus = new PgNotifyBus(pool, log);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== CASE_UPDATES_CHANNEL || !msg.payload) return;
      try {
        this.deliver(JSON.parse(msg.payload) as CaseUpdate);
      } catch {
        // Not ours or malformed: ignored.
      }
    });
    client.on('error', (err) => {
      this.log(`Live updates: listening connection lost (${err.message}); reconnecting`);
      client.release(err);
      if (this.client === client) this.client = null;
      this.reconnect();
    });
    await client.query(`LISTEN ${CASE_UPDATES_CHANNEL}`);
    this.client = client;
  }

  private reconnect(delayMs = 1000): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch(() => this.reconnect(Math.min(delayMs * 2, 30_000)));
    }, delayMs).unref();
  }

  publish(update: CaseUpdate): void {
    this.pool
      .query('SELECT pg_notify($1, $2)', [CASE_UPDATES_CHANNEL, JSON.stringify(update)])
      .catch((err: Error) => this.log(`Live updates: NOTIFY failed (${err.message})`));
  }

  subscribe(queryNo: string, listener: (u: CaseUpdate) => void): () => void {
    let set = this.listeners.get(queryNo);
    if (!set) {
      set = new Set();
      this.listeners.set(queryNo, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(queryNo);
    };
  }

  private deliver(update: CaseUpdate): void {
    for (const l of this.listeners.get(update.queryNo) ?? []) {
      try {
        l(update);
      } catch {
        // A broken subscriber must not stop the others.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) {
      await client.query(`UNLISTEN ${CASE_UPDATES_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}
