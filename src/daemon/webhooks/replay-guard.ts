/**
 * Replay protection: a delivery id is accepted once. Git hosts give every delivery a
 * unique id (a manual "redeliver" reuses it on purpose, and is refused like any replay).
 */

export interface ReplayGuard {
  /** true the first time `id` is seen within the window, false afterwards */
  firstSighting(id: string): Promise<boolean>;
}

/** Ids in memory for `ttlMs`, at most `maxEntries` (the oldest are forgotten first). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 24 * 3600_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  firstSighting(id: string): Promise<boolean> {
    const now = this.now();
    const expires = this.seen.get(id);
    if (expires !== undefined && expires > now) return Promise.resolve(false);
    this.seen.delete(id);
    this.seen.set(id, now + this.ttlMs);
    // a Map iterates in insertion order: the first entries are the oldest
    for (const [key, until] of this.seen) {
      if (this.seen.size <= this.maxEntries && until > now) break;
      this.seen.delete(key);
    }
    return Promise.resolve(true);
  }
}

/** The subset of a Redis client the guard needs (ioredis's `set`). */
export interface RedisSetNx {
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<string | null>;
}

/** Ids in Redis, shared by every daemon replica: SET NX is the atomic first-sighting check. */
export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: RedisSetNx,
    private readonly ttlMs = 24 * 3600_000,
    private readonly prefix = 'capstan:webhook-delivery:',
  ) {}

  async firstSighting(id: string): Promise<boolean> {
    return (await this.redis.set(this.prefix + id, '1', 'PX', this.ttlMs, 'NX')) === 'OK';
  }
}
