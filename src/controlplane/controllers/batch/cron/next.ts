/**
 * When a schedule fires. The search walks local calendar days (not minutes), so a yearly
 * schedule costs a few hundred cheap day checks, not half a million minute checks; like
 * robfig/cron it gives up after 5 years (`0 0 30 2 *` never fires).
 */
import { dayMatches, parseCron, type CronSchedule } from './parse.js';
import { checkTimeZone, instantsAt, offsetAt, wallTime } from './zone.js';

const DAY = 86_400_000;
const SEARCH_DAYS = 5 * 366;

/**
 * Fire times `t` with `from < t ≤ to`, earliest first, at most `limit` of them.
 * `0 9 * * mon-fri` in `Europe/Berlin` from Fri 2024-05-03 10:00Z to Tue 2024-05-07 10:00Z
 * → Mon 07:00Z, Tue 07:00Z. Throws CRON_INVALID_SCHEDULE or CRON_UNKNOWN_TIME_ZONE.
 * DST: see zone.ts — a time skipped by spring-forward does not fire, a repeated one fires twice.
 */
export function nextScheduleTimes(
  schedule: string,
  timeZone: string | undefined,
  from: Date,
  to: Date,
  limit = Infinity,
): Date[] {
  const parsed = parseCron(schedule);
  checkTimeZone(timeZone);
  const out: Date[] = [];
  for (const t of fireTimes(parsed, timeZone, from.getTime())) {
    if (t > to.getTime() || out.length >= limit) break;
    out.push(new Date(t));
  }
  return out;
}

/** Fire times strictly after `after`, in order, lazily (5 years at most). */
export function* fireTimes(s: CronSchedule, zone: string | undefined, after: number): Generator<number> {
  let day = localDay(zone, after);
  for (let i = 0; i <= SEARCH_DAYS; i++, day += DAY) {
    for (const t of timesOnDay(s, zone, day)) if (t > after) yield t;
  }
}

/** The latest fire time at or before `at` and after `after`, if any (searching back 5 years at most). */
export function lastFireTime(
  s: CronSchedule,
  zone: string | undefined,
  at: number,
  after = -Infinity,
): number | undefined {
  let day = localDay(zone, at);
  for (let i = 0; i <= SEARCH_DAYS; i++, day -= DAY) {
    const times = timesOnDay(s, zone, day).filter((t) => t <= at);
    if (times.length > 0) {
      const last = times[times.length - 1]!;
      return last > after ? last : undefined;
    }
    // the latest instant of this local day is at most day + DAY + 14 h in UTC terms
    if (day + DAY + 14 * 3_600_000 <= after) return undefined;
  }
  return undefined;
}

// Midnight (as a UTC timestamp of the wall date) of the local day containing `instant`.
function localDay(zone: string | undefined, instant: number): number {
  const w = wallTime(zone, instant);
  return Date.UTC(w.year, w.month - 1, w.day);
}

// All fire instants of one local day (`day` = its wall-clock midnight as a UTC timestamp), sorted.
function timesOnDay(s: CronSchedule, zone: string | undefined, day: number): number[] {
  const d = new Date(day);
  if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d.getUTCDate(), d.getUTCDay())) return [];
  const before = offsetAt(zone, day - DAY);
  const steady = before === offsetAt(zone, day + 2 * DAY); // no DST change anywhere near this day
  const out: number[] = [];
  for (const h of sorted(s.hours))
    for (const m of sorted(s.minutes)) {
      const wall = day + h * 3_600_000 + m * 60_000;
      if (steady) out.push(wall - before);
      else out.push(...instantsAt(zone, wall));
    }
  return out.sort((a, b) => a - b);
}

const sortedCache = new WeakMap<ReadonlySet<number>, number[]>();
function sorted(set: ReadonlySet<number>): number[] {
  let list = sortedCache.get(set);
  if (!list) sortedCache.set(set, (list = [...set].sort((a, b) => a - b)));
  return list;
}
