/**
 * CrashLoopBackOff arithmetic, matching the kubelet's use of client-go's flowcontrol.Backoff
 * (pkg/kubelet/kuberuntime doBackOff): the first restart after an exit is immediate, each
 * later exit waits `initial` doubled per crash up to `max`, measured from the exit time.
 * An entry whose last update is more than 2 × max old is forgotten, so a container that ran
 * 10 minutes (with max 5 min) starts over at 10 s.
 *
 * Worked example (initial 10 s, max 300 s): exits at t=0, 1, 12, 33 →
 *   t=0  no entry: restart now, entry = 10 s;
 *   t=1  1 s after exit < 10 s: CrashLoopBackOff; at t=11 restart, entry = 20 s;
 *   t=12 waits until t=32, entry = 40 s; t=33 waits until t=73, …, capped at 300 s.
 */

/** Delays used by the kubelet: 10 s initial, 5 min cap. */
export const DEFAULT_BACKOFF = { initialMs: 10_000, maxMs: 300_000 };

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/** Per-key exponential backoff with the kubelet's expiry rule. */
export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = DEFAULT_BACKOFF.initialMs,
    private readonly maxMs = DEFAULT_BACKOFF.maxMs,
  ) {}

  private expired(entry: Entry, at: number): boolean {
    return at - entry.lastUpdate > 2 * this.maxMs;
  }

  /**
   * How long (ms) a restart of `key` must still wait at `now` for an exit at `exitedAt`;
   * 0 when it may restart now.
   */
  remaining(key: string, exitedAt: number, now: number): number {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now)) return 0;
    return Math.max(0, exitedAt + entry.backoffMs - now);
  }

  /** The current delay for `key` (what the CrashLoopBackOff message shows), in ms. */
  current(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records a restart for the exit at `exitedAt`: the next exit waits longer. */
  next(key: string, exitedAt: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, exitedAt)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: exitedAt });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
    entry.lastUpdate = exitedAt;
  }

  /** Forgets every key starting with `prefix` (a removed pod). */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
