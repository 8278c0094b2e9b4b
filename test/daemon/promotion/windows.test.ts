import test from 'ava';
import type { PromotionWindow } from '../../../src/core/index.js';
import { checkSchedule, windowVerdict, type ParsedWindow } from '../../../src/daemon/promotion/windows.js';

const w = (window: PromotionWindow, durationMs: number): ParsedWindow => ({ window, durationMs });
const HOUR = 3_600_000;
// weekdays 09:00–17:00 UTC
const office = w({ kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h' }, 8 * HOUR);
// Friday 16:00 for 2 h: no deploys late on Friday
const fridayFreeze = w({ kind: 'deny', schedule: '0 16 * * 5', duration: '2h' }, 2 * HOUR);

test('no windows: always open', (t) => {
  t.deepEqual(windowVerdict([], new Date('2026-12-05T03:00:00Z')), { open: true });
});

test('an allow window is open from its firing for its duration, closed after and before', (t) => {
  t.true(windowVerdict([office], new Date('2026-12-02T09:00:00Z')).open, 'at the firing itself');
  t.true(windowVerdict([office], new Date('2026-12-02T16:59:59Z')).open);
  const after = windowVerdict([office], new Date('2026-12-02T17:00:00Z'));
  t.false(after.open);
  t.regex((after as { reason: string }).reason, /no allow window is open \(0 9 \* \* 1-5 for 8h\)/);
  t.false(windowVerdict([office], new Date('2026-12-05T10:00:00Z')).open, 'Saturday');
});

test('a deny window closes the stage even inside an allow window, and says until when', (t) => {
  const verdict = windowVerdict([office, fridayFreeze], new Date('2026-12-04T16:30:00Z'));
  t.false(verdict.open);
  t.is(
    (verdict as { reason: string }).reason,
    'a deny window (0 16 * * 5 for 2h) is open until 2026-12-04T18:00:00.000Z',
  );
  t.true(windowVerdict([office, fridayFreeze], new Date('2026-12-04T15:59:00Z')).open);
});

test('a window spanning midnight stays open into the next day', (t) => {
  const nightly = w({ kind: 'deny', schedule: '0 22 * * *', duration: '4h' }, 4 * HOUR);
  t.false(windowVerdict([nightly], new Date('2026-12-05T01:30:00Z')).open);
  t.true(windowVerdict([nightly], new Date('2026-12-05T02:00:00Z')).open);
});

test('time zones: 09:00 in Europe/Berlin is 08:00 UTC in December', (t) => {
  const berlin = w({ kind: 'allow', schedule: '0 9 * * *', duration: '1h', timeZone: 'Europe/Berlin' }, HOUR);
  t.true(windowVerdict([berlin], new Date('2026-12-05T08:30:00Z')).open);
  t.false(windowVerdict([berlin], new Date('2026-12-05T09:30:00Z')).open);
});

test('a schedule or time zone that cannot be read is refused', (t) => {
  t.throws(() => checkSchedule({ kind: 'allow', schedule: 'every day', duration: '1h' }));
  t.throws(() => checkSchedule({ kind: 'allow', schedule: '61 * * * *', duration: '1h' }));
  t.throws(() =>
    checkSchedule({ kind: 'allow', schedule: '0 9 * * *', duration: '1h', timeZone: 'Mars/Olympus' }),
  );
  t.notThrows(() => checkSchedule({ kind: 'deny', schedule: '*/15 9-17 * * 1-5', duration: '5m' }));
});
