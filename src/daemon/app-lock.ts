/**
 * Who may sync an application right now. Alone, a daemon always may. Replicas that share a
 * Redis (the configuration's `queue.redisUrl`) take an expiring lock per application
 * before their first write and keep it while the sync runs — waiting on health included —
 * so that no application is ever synced by two replicas at once. A replica that dies
 * loses its locks when they expire; another replica's next trigger takes over.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface AppLock {
  /** true when this daemon holds (or just took, or renewed) the lock of `app` */
  acquire(app: string): Promise<boolean>;
  release(app: string): Promise<void>;
}

/** One daemon: nobody else to share with. */
export const soleLock: AppLock = {
  acquire: async () => true,
  release: async () => undefined,
};

/** Long enough for any step of a sync between two renewals (a reconcile renews it). */
export const LOCK_TTL_MS = 60_000;

// take or renew: succeed when the key is free or already ours
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisAppLock implements AppLock {
  private readonly owner = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = LOCK_TTL_MS,
    private readonly prefix = 'capstan:app-lock:',
  ) {}

  async acquire(app: string): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.prefix + app, this.owner, String(this.ttlMs))) === 1;
  }

  async release(app: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.prefix + app, this.owner);
  }
}
