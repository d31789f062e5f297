/**
 * Live status: a stage change is published to the open lookup pages of that case.
 * In one process this is a map of listeners; a PostgreSQL deployment swaps in LISTEN/NOTIFY
 * behind the same interface.
 */
export interface CaseUpdate {
  queryNo: string;
  version: number;
  stage: string;
}

export interface CaseUpdateBus {
  publish(update: CaseUpdate): void;
  subscribe(queryNo: string, listener: (u: CaseUpdate) => void): () => void;
}

export class LocalCaseUpdateBus implements CaseUpdateBus {
  private readonly listeners = new Map<string, Set<(u: CaseUpdate) => void>>();

  publish(update: CaseUpdate): void {
    for (const l of this.listeners.get(update.queryNo) ?? []) {
      try {
        l(update);
      } catch {
        // A broken subscriber must not stop the others or the staff request that published.
      }
    }
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

  subscriberCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
