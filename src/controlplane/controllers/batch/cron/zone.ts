/**
 * Wall-clock time in an IANA time zone, through Intl (no tz database of our own).
 * A schedule names wall-clock times; this file turns them into instants. Around DST changes
 * a wall time can have no instant or two:
 *  - spring forward (Europe/Berlin 2024-03-31, 02:00 → 03:00): 02:30 does not exist, so a
 *    `30 2 * * *` schedule does not run that day;
 *  - fall back (2024-10-27, 03:00 → 02:00): 02:30 happens twice, and runs twice.
 * That is robfig/cron's behaviour too (its DST tests), hence Kubernetes'.
 * An unset zone means UTC (Kubernetes uses the controller manager's local zone, UTC on
 * nearly every cluster).
 */
import { CapstanError } from '../../../../core/index.js';

/** Local calendar fields; `weekday` 0 = Sunday. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new CapstanError(
        'CRON_UNKNOWN_TIME_ZONE',
        `unknown time zone "${zone}"`,
        { timeZone: zone },
        cause,
      );
    }
    formats.set(zone, f);
  }
  return f;
}

/** Throws CRON_UNKNOWN_TIME_ZONE unless `zone` is undefined or a zone Intl knows. */
export function checkTimeZone(zone: string | undefined): void {
  if (zone !== undefined) format(zone);
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms (Berlin in summer: 7 200 000). */
export function offsetAt(zone: string | undefined, instant: number): number {
  if (zone === undefined || zone === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(new Date(instant)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return wall - whole;
}

/** The wall-clock fields of `instant` in `zone`. */
export function wallTime(zone: string | undefined, instant: number): WallTime {
  const d = new Date(instant + offsetAt(zone, instant));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/**
 * Every instant at which `zone`'s clock shows the given wall time, earliest first: usually
 * one, none in a spring-forward gap, two in a fall-back overlap. Candidates use the offsets
 * a day either side, which covers every real zone (at most one change per day).
 */
export function instantsAt(zone: string | undefined, wallMs: number): number[] {
  const DAY = 86_400_000;
  const offsets = new Set([offsetAt(zone, wallMs - DAY), offsetAt(zone, wallMs + DAY)]);
  const out: number[] = [];
  for (const off of offsets) {
    const instant = wallMs - off;
    if (offsetAt(zone, instant) === off) out.push(instant);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
