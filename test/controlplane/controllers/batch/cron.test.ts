import test from 'ava';
import { nextScheduleTimes, parseCron } from '../../../../src/controlplane/controllers/batch/index.js';

const times = (schedule: string, from: string, to: string, zone?: string, limit?: number) =>
  nextScheduleTimes(schedule, zone, new Date(from), new Date(to), limit).map((d) =>
    d.toISOString().slice(0, 16),
  );

test('fields: lists, ranges, steps, names and ?', (t) => {
  const s = parseCron('5,10-12 */6 ? JAN-mar mon-FRI');
  t.deepEqual([...s.minutes], [5, 10, 11, 12]);
  t.deepEqual([...s.hours], [0, 6, 12, 18]);
  t.is(s.daysOfMonth.size, 31);
  t.deepEqual([...s.months], [1, 2, 3]);
  t.deepEqual([...s.daysOfWeek], [1, 2, 3, 4, 5]);
  t.deepEqual([...parseCron('5/20 * * * *').minutes], [5, 25, 45]);
});

test('descriptors expand; @every, TZ= and malformed fields are refused', (t) => {
  t.deepEqual(times('@hourly', '2024-05-01T10:30:00Z', '2024-05-01T12:00:00Z'), [
    '2024-05-01T11:00',
    '2024-05-01T12:00',
  ]);
  t.deepEqual(times('@weekly', '2024-05-01T00:00:00Z', '2024-05-13T00:00:00Z'), [
    '2024-05-05T00:00',
    '2024-05-12T00:00',
  ]);
  t.deepEqual(times('@yearly', '2024-05-01T00:00:00Z', '2026-01-01T00:00:00Z'), [
    '2025-01-01T00:00',
    '2026-01-01T00:00',
  ]);
  for (const bad of [
    '@every 5m',
    'TZ=UTC 0 * * * *',
    '* * * *',
    '60 * * * *',
    '* * * * 7',
    '*/0 * * * *',
    '5-1 * * * *',
    '* * * foo *',
  ])
    t.throws(() => parseCron(bad), { code: 'CRON_INVALID_SCHEDULE' }, bad);
});

test('from is exclusive, to inclusive; limit caps the list', (t) => {
  t.deepEqual(times('*/15 * * * *', '2024-05-01T10:00:00Z', '2024-05-01T10:30:00Z'), [
    '2024-05-01T10:15',
    '2024-05-01T10:30',
  ]);
  t.deepEqual(times('* * * * *', '2024-05-01T10:00:00Z', '2024-05-02T10:00:00Z', undefined, 3).length, 3);
});

test('day-of-month and day-of-week: OR when both restricted, AND when one is *', (t) => {
  // May 2024: Fri 3, 10, 17; the 13th is a Monday
  t.deepEqual(times('0 0 13 * 5', '2024-05-01T00:00:00Z', '2024-05-15T00:00:00Z'), [
    '2024-05-03T00:00',
    '2024-05-10T00:00',
    '2024-05-13T00:00',
  ]);
  t.deepEqual(times('0 0 13 * *', '2024-05-01T00:00:00Z', '2024-05-15T00:00:00Z'), ['2024-05-13T00:00']);
  t.deepEqual(times('0 0 */10 * 5', '2024-04-30T12:00:00Z', '2024-05-12T00:00:00Z'), [
    '2024-05-01T00:00',
    '2024-05-03T00:00',
    '2024-05-10T00:00',
    '2024-05-11T00:00',
  ]);
});

test('time zones: wall-clock times in the zone', (t) => {
  // 09:00 Berlin (CEST, +2) on weekdays; Fri 3 May .. Tue 7 May
  t.deepEqual(times('0 9 * * mon-fri', '2024-05-03T10:00:00Z', '2024-05-07T10:00:00Z', 'Europe/Berlin'), [
    '2024-05-06T07:00',
    '2024-05-07T07:00',
  ]);
  t.deepEqual(times('30 0 * * *', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 'Asia/Kolkata'), [
    '2024-05-01T19:00',
  ]);
  t.throws(() => times('0 * * * *', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 'Mars/Olympus'), {
    code: 'CRON_UNKNOWN_TIME_ZONE',
  });
});

test('DST: a skipped wall time does not run, a repeated one runs twice', (t) => {
  // Berlin 2024-03-31 02:00 CET → 03:00 CEST: 02:30 does not exist that day
  t.deepEqual(times('30 2 * * *', '2024-03-30T00:00:00Z', '2024-04-01T12:00:00Z', 'Europe/Berlin'), [
    '2024-03-30T01:30',
    '2024-04-01T00:30',
  ]);
  // 2024-10-27 03:00 CEST → 02:00 CET: 02:30 happens at 00:30Z and 01:30Z
  t.deepEqual(times('30 2 * * *', '2024-10-26T12:00:00Z', '2024-10-28T12:00:00Z', 'Europe/Berlin'), [
    '2024-10-27T00:30',
    '2024-10-27T01:30',
    '2024-10-28T01:30',
  ]);
  // hourly across the spring gap: 01:00 CET then straight to 03:00 CEST
  t.deepEqual(times('0 * * * *', '2024-03-30T23:30:00Z', '2024-03-31T01:30:00Z', 'Europe/Berlin'), [
    '2024-03-31T00:00',
    '2024-03-31T01:00',
  ]);
});

test('a schedule that never fires gives nothing rather than looping', (t) => {
  t.deepEqual(times('0 0 30 2 *', '2024-01-01T00:00:00Z', '2034-01-01T00:00:00Z'), []);
});
