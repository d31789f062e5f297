import type { Store } from '../store/store';
import type { Clock } from './deps';

export interface VisitCounterOptions {
  /** Write once this many views are waiting... */
  flushEveryViews: number;
  /** ...or when a view arrives this long after the last write. */
  flushEveryMs: number;
}

export const DEFAULT_VISIT_FLUSH: VisitCounterOptions = { flushEveryViews: 100, flushEveryMs: 30_000 };

/**
 * The site visit count (网上办事大厅累计访问量), counted in memory and added to the store in
 * batches, not one write per page view. Call flush() on shutdown; views counted since the last
 * write are lost only if the process dies without it (at most one batch).
 */
export class VisitCounter {
  private persisted: number | null = null;
  private pending = 0;
  private inFlight = 0;
  private lastFlushAt: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: VisitCounterOptions = DEFAULT_VISIT_FLUSH,
    private readonly log: (err: unknown) => void = (err) => console.error(err),
  ) {
    this.lastFlushAt = clock.now().getTime();
  }

  /** Counts one page view; may start a write in the background. */
  record(): void {
    this.pending++;
    const due =
      this.pending >= this.options.flushEveryViews ||
      this.clock.now().getTime() - this.lastFlushAt >= this.options.flushEveryMs;
    if (due) this.flush().catch(this.log);
  }

  /** Persisted total plus views not yet written. */
  async total(): Promise<number> {
    if (this.persisted === null) {
      const stored = await this.store.getSiteVisits();
      this.persisted ??= stored;
    }
    return this.persisted + this.inFlight + this.pending;
  }

  /** Writes the waiting views in one store call; flushes queue behind each other. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    this.lastFlushAt = this.clock.now().getTime();
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    this.inFlight += n;
    try {
      this.persisted = await this.store.addSiteVisits(n);
    } catch (err) {
      this.pending += n;
      throw err;
    } finally {
      this.inFlight -= n;
    }
  }
}
