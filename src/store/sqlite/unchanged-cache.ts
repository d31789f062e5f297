/**
 * Results kept while the database is unchanged: each value remembers the database version it was
 * read at and is reused only at that same version, so a reused value is always what the query would
 * return now. The version comes from the caller (SqliteStore.dataVersion). Bounded: past `max`
 * keys the oldest is dropped.
 */
export class UnchangedCache<T> {
  private readonly entries = new Map<string, { value: T; version: string }>();

  constructor(private readonly max = 500) {}

  get(key: string, version: string, compute: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.version === version) return hit.value;
    const value = compute();
    if (hit === undefined && this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, version });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
