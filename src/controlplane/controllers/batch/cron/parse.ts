/**
 * Standard 5-field cron, as Kubernetes reads `spec.schedule` (robfig/cron v3 ParseStandard):
 * `minute hour day-of-month month day-of-week`, each field a comma list of `*`, `?` (same
 * as `*`), `n`, `a-b`, with an optional `/step` (`5/15` means `5-59/15`); months `jan`–`dec`
 * and days `sun`–`sat` by name, any case; day-of-week 0–6 (Sunday 0; 7 is rejected, as
 * Kubernetes does). Also `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
 * (`@midnight`) and `@hourly`. `@every` and `TZ=`/`CRON_TZ=` prefixes are refused: use
 * a plain schedule and `spec.timeZone`.
 * Written here rather than taken from npm: the matching rules must be robfig's exactly
 * (see dayMatches), which the common JS cron libraries do not promise.
 */
import { CapstanError } from '../../../../core/index.js';

/** A parsed schedule: which values each field allows. */
export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** day-of-month or day-of-week was a bare `*`/`?`: the two must then both match */
  dayStar: boolean;
}

interface Bounds {
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DAY_NAMES },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Thrown for a schedule Kubernetes would not accept; code `CRON_INVALID_SCHEDULE`. */
export function invalidSchedule(schedule: string, why: string): CapstanError {
  return new CapstanError('CRON_INVALID_SCHEDULE', `invalid cron schedule "${schedule}": ${why}`, {
    schedule,
  });
}

/** Parses `schedule`; throws CRON_INVALID_SCHEDULE with the reason. */
export function parseCron(schedule: string): CronSchedule {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) throw invalidSchedule(schedule, 'TZ= is not supported, set spec.timeZone');
  if (text.startsWith('@')) {
    const expanded = DESCRIPTORS[text.toLowerCase()];
    if (!expanded) throw invalidSchedule(schedule, `unsupported descriptor ${text.split(/\s/)[0]}`);
    return parseCron(expanded);
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw invalidSchedule(schedule, `expected 5 fields, found ${fields.length}`);
  const parsed = fields.map((f, i) => parseField(schedule, f, FIELDS[i]!));
  return {
    minutes: parsed[0]!.values,
    hours: parsed[1]!.values,
    daysOfMonth: parsed[2]!.values,
    months: parsed[3]!.values,
    daysOfWeek: parsed[4]!.values,
    dayStar: parsed[2]!.star || parsed[4]!.star,
  };
}

// One field: `1,5-10/2,*/15`. `star` is robfig's starBit — set by `*` or `?` unless a step
// above 1 follows (`*/1` still counts as star, `*/2` does not).
function parseField(schedule: string, field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined) throw invalidSchedule(schedule, `too many slashes in "${part}"`);
    let [lo, hi] = [b.min, b.max];
    let isStar = false;
    if (range === '*' || range === '?') isStar = true;
    else {
      const [a = '', z, more] = range.split('-');
      if (more !== undefined) throw invalidSchedule(schedule, `too many hyphens in "${part}"`);
      lo = value(schedule, a, b);
      hi = z === undefined ? (stepText === undefined ? lo : b.max) : value(schedule, z, b);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw invalidSchedule(schedule, `step of "${part}" must be a positive number`);
      step = Number(stepText);
    }
    if (lo < b.min) throw invalidSchedule(schedule, `beginning of range (${lo}) below minimum (${b.min})`);
    if (hi > b.max) throw invalidSchedule(schedule, `end of range (${hi}) above maximum (${b.max})`);
    if (lo > hi) throw invalidSchedule(schedule, `beginning of range (${lo}) beyond end of range (${hi})`);
    if (isStar && step === 1) star = true;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

function value(schedule: string, text: string, b: Bounds): number {
  const named = b.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + b.min;
  if (!/^\d+$/.test(text))
    throw invalidSchedule(schedule, `"${text}" is not a number${b.names ? ' or name' : ''}`);
  return Number(text);
}

/**
 * Whether a calendar day matches (robfig's dayMatches): when day-of-month or day-of-week
 * is `*`, both must match; when both are restricted, either may. `0 0 13 * 5` runs on
 * every 13th and every Friday; `0 0 13 * *` only on the 13th.
 */
export function dayMatches(s: CronSchedule, dayOfMonth: number, dayOfWeek: number): boolean {
  const dom = s.daysOfMonth.has(dayOfMonth);
  const dow = s.daysOfWeek.has(dayOfWeek);
  return s.dayStar ? dom && dow : dom || dow;
}
