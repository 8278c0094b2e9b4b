/** Helpers for server-side printing (the cells of `kubectl get`), as kubectl formats them. */
import type { JsonValue } from '../../../core/index.js';

/**
 * A duration as kubectl's AGE column shows it (apimachinery's HumanDuration):
 * 45s, 5m30s (under 10 minutes), 47m, 3h25m (under 3 hours… up to 8h: hours and minutes),
 * 10h, 2d5h (under 8 days… ), 15d, 2y45d.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // a second or two in the future is clock skew between machines: show it as now
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** The AGE cell of an object: time since metadata.creationTimestamp, or `<unknown>`. */
export function age(obj: { metadata?: JsonValue }, now: Date): string {
  const meta = obj.metadata as { creationTimestamp?: string } | undefined;
  const ts = meta?.creationTimestamp;
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** Reads a dotted path (`spec.replicas`) from an object; undefined when absent. */
export function field(obj: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const step of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, JsonValue>)[step];
  }
  return cur;
}

/** `<none>` for empty cells, as kubectl prints them. */
export function orNone(v: string | undefined | null): string {
  return v === undefined || v === null || v === '' ? '<none>' : v;
}
