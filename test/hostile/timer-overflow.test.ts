/**
 * Issue 10, item 9: `pollInterval: 1000000h` overflowed Node's 32-bit timer (any delay above
 * 2^31−1 ms fires after 1 ms) and polled the Git server 23–62 times a second. Durations
 * above the range are refused when the configuration is read, and every timer goes through
 * core/timers.ts, which clamps what slips through (a jittered or computed delay).
 */
import test from 'ava';
import { MAX_TIMER_DELAY_MS, parseConfig, setTimer, sleep, timerDelay } from '../../src/core/index.js';
import { Poller } from '../../src/git/index.js';
import { realClock } from '../../src/runtime/clock.js';

const HEAD = 'apiVersion: capstan.dev/v1alpha1\nkind: CapstanConfig\n';
const FILE = '/etc/capstan/capstan.yaml';
const APP = 'applications:\n  - name: shop\n    source: { repoURL: "https://git.example.com/shop.git" }\n';

/** Collects Node's TimeoutOverflowWarnings while `fn` runs. */
async function overflowWarnings(fn: () => Promise<void>): Promise<number> {
  let count = 0;
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') count++;
  };
  process.on('warning', onWarning);
  try {
    await fn();
    // warnings are emitted on the next tick
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return count;
}

test('a top-level pollInterval above the timer range is refused with CONFIG_INVALID', (t) => {
  const e = t.throws(() => parseConfig(`${HEAD}pollInterval: 1000000h\n`, FILE));
  t.is((e as { code?: string }).code, 'CONFIG_INVALID');
  t.regex(e!.message, /pollInterval/);
  t.regex(e!.message, /must be at most 596h31m23\.647s/);
  t.regex(e!.message, /1000000h/);
});

test('an application pollInterval or healthTimeout above the range is refused, naming the field', (t) => {
  for (const field of ['pollInterval', 'healthTimeout']) {
    const e = t.throws(() => parseConfig(`${HEAD}${APP}    ${field}: 1000000h\n`, FILE));
    t.is((e as { code?: string }).code, 'CONFIG_INVALID');
    t.regex(e!.message, new RegExp(`applications\\[0\\]\\.${field}`));
  }
});

test('the longest duration a timer holds is accepted; one millisecond more is not', (t) => {
  const ok = parseConfig(`${HEAD}pollInterval: 596h31m23.647s\n`, FILE);
  t.is(ok.daemon.pollIntervalMs, MAX_TIMER_DELAY_MS);
  t.throws(() => parseConfig(`${HEAD}pollInterval: 596h31m23.648s\n`, FILE), { message: /must be at most/ });
});

test('timerDelay clamps to [0, 2^31−1] and treats NaN as 0', (t) => {
  t.is(timerDelay(3.6e12), MAX_TIMER_DELAY_MS);
  t.is(timerDelay(-5), 0);
  t.is(timerDelay(Number.NaN), 0);
  t.is(timerDelay(1500), 1500);
});

test('a clamped timer does not fire early, and Node warns of no overflow', async (t) => {
  let fired = false;
  const warnings = await overflowWarnings(async () => {
    const timer = setTimer(() => (fired = true), 3.6e12);
    // an unclamped 3.6e12 ms timer is set to 1 ms and fires before this 30 ms one
    await sleep(30);
    clearTimeout(timer);
  });
  t.false(fired);
  t.is(warnings, 0);
});

test('the runtime clock clamps too', async (t) => {
  let fired = false;
  const warnings = await overflowWarnings(async () => {
    const timer = realClock.setTimeout(() => (fired = true), 3.6e12);
    await realClock.sleep(30);
    realClock.clearTimeout(timer);
  });
  t.false(fired);
  t.is(warnings, 0);
});

test('a poller with a huge interval checks once, not dozens of times a second', async (t) => {
  let checks = 0;
  const poller = new Poller({ check: async () => `rev-${++checks}`, intervalMs: 3.6e12 });
  const warnings = await overflowWarnings(async () => {
    poller.start();
    await sleep(200);
    poller.close();
  });
  t.is(checks, 1);
  t.is(warnings, 0);
});
