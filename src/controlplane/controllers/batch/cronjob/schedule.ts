/**
 * Which scheduled time a CronJob owes now — utils.go's mostRecentScheduleTime and
 * nextScheduleTimeDuration. Only the most recent missed time is ever started: a CronJob
 * whose controller was down from 10:05 to 13:30 with `0 * * * *` starts the 13:00 run,
 * not 11:00, 12:00 and 13:00.
 *
 * Kubernetes estimates the number of missed times from the first gap between two runs;
 * we count them exactly (up to 101) and look the latest one up directly, which gives the
 * same answer for regular schedules and the right one for irregular ones (`0 9 * * 1-5`).
 */
import { fireTimes, lastFireTime } from '../cron/next.js';
import type { CronSchedule } from '../cron/parse.js';

/** More missed times than this and Kubernetes warns (TooManyMissedTimes). */
export const MAX_MISSED = 100;

/** Kubernetes requeues 100 ms after the next time, against clock skew between hosts. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export interface Unmet {
  /** the most recent fire time in (earliest, now], if any */
  scheduled?: number;
  /** how many fire times fell in (earliest, now], counted up to MAX_MISSED + 1 */
  missed: number;
}

/**
 * `earliest` is status.lastScheduleTime or, before the first run, the CronJob's creation;
 * with startingDeadlineSeconds it is raised to `now − deadline`: nothing older may start.
 */
export function unmetScheduleTime(
  s: CronSchedule,
  zone: string | undefined,
  earliest: number,
  now: number,
): Unmet {
  let missed = 0;
  for (const t of fireTimes(s, zone, earliest)) {
    if (t > now || missed > MAX_MISSED) break;
    missed++;
  }
  if (missed === 0) return { missed };
  return { scheduled: lastFireTime(s, zone, now, earliest), missed };
}

/**
 * Milliseconds until the sync for the next fire time: the first one after both `now` and
 * `earliest`, plus NEXT_SCHEDULE_DELTA_MS. `*\/5 * * * *` at 12:03:30 → 90 100 ms.
 * undefined when the schedule never fires again (within 5 years).
 */
export function untilNextScheduleMs(
  s: CronSchedule,
  zone: string | undefined,
  earliest: number,
  now: number,
) {
  const next = fireTimes(s, zone, Math.max(now, earliest)).next();
  return next.done ? undefined : next.value - now + NEXT_SCHEDULE_DELTA_MS;
}
