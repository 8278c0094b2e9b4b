/**
 * Validation of CronJob schedules as robfig/cron's standard parser (the one the CronJob
 * controller uses) accepts them: five fields, or a descriptor such as `@hourly` / `@every 5m`.
 * Hand-written: the controller only needs to know whether a schedule parses, and the cron
 * libraries on npm each accept a different dialect (seconds fields, `L`, `#`).
 */

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const BOUNDS: [number, number, string[]][] = [
  [0, 59, []],
  [0, 23, []],
  [1, 31, []],
  [1, 12, MONTHS],
  [0, 6, DAYS],
];

function value(s: string, names: string[], offset: number): number {
  const i = names.indexOf(s.toLowerCase());
  if (i >= 0) return i + offset;
  if (!/^\d+$/.test(s))
    throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

function checkField(text: string, [min, max, names]: [number, number, string[]]): void {
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new Error(`too many slashes: ${part}`);
    let lo = min;
    let hi = max;
    if (range !== '*' && range !== '?') {
      const [a, b, more] = (range ?? '').split('-');
      if (more !== undefined) throw new Error(`too many hyphens: ${part}`);
      lo = value(a ?? '', names, min);
      hi = b === undefined ? lo : value(b, names, min);
    }
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || Number(stepText) === 0))
      throw new Error(`step of range should be a positive number: ${part}`);
    if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
    if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
  }
}

/** The parser's error for a schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s === '') return 'empty spec string';
  if (s.startsWith('@')) {
    if (DESCRIPTORS.includes(s)) return undefined;
    const every = /^@every (.+)$/.exec(s);
    if (every && /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(every[1]!.trim())) return undefined;
    return every
      ? `failed to parse duration ${s}: time: invalid duration "${every[1]}"`
      : `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  try {
    fields.forEach((f, i) => checkField(f, BOUNDS[i]!));
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
