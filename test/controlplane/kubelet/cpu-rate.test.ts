import test from 'ava';
import { CpuRateTracker } from '../../../src/controlplane/kubelet/cpu-rate.js';

const s = (seconds: number) => BigInt(Math.round(seconds * 1e9));

test('the first reading is the average since the run started', (t) => {
  const rates = new CpuRateTracker();
  // 0.3 s of CPU in a run that has lasted 2 s: 150m
  t.deepEqual(rates.rate('u/a', 'run1', 0.3e9, 2e9, s(100)), { cpuNanoCores: 150_000_000, windowMs: 2000 });
});

test('later readings are the rate since the last kept one, over at least 1 s', (t) => {
  const rates = new CpuRateTracker();
  rates.rate('u/a', 'run1', 1.2e9, 10e9, s(10));
  // 0.5 s more CPU over 1 s: 500m
  t.deepEqual(rates.rate('u/a', 'run1', 1.7e9, 11e9, s(11)), { cpuNanoCores: 500_000_000, windowMs: 1000 });
  // 0.2 s later: too soon, the last rate stands
  t.deepEqual(rates.rate('u/a', 'run1', 1.9e9, 11.2e9, s(11.2)), {
    cpuNanoCores: 500_000_000,
    windowMs: 1000,
  });
  // 0.25 s over the 2 s since the last kept reading: 125m
  t.deepEqual(rates.rate('u/a', 'run1', 1.95e9, 13e9, s(13)), { cpuNanoCores: 125_000_000, windowMs: 2000 });
});

test('a new run starts over; forget drops a pod', (t) => {
  const rates = new CpuRateTracker();
  rates.rate('u/a', 'run1', 5e9, 10e9, s(10));
  t.deepEqual(rates.rate('u/a', 'run2', 0.1e9, 1e9, s(10.1)), { cpuNanoCores: 100_000_000, windowMs: 1000 });
  // CPU time going down is a restart too, whatever the id
  t.deepEqual(rates.rate('u/a', 'run2', 0.01e9, 0.5e9, s(12)), { cpuNanoCores: 20_000_000, windowMs: 500 });
  // a run of a few ms is measured over at least 10 ms, the resolution of /proc start times
  t.is(rates.rate('u/b', 'r', 0, 0, s(12)).windowMs, 10);
  rates.forget('u/');
  t.deepEqual(rates.rate('u/a', 'run2', 0.6e9, 3e9, s(12.1)), { cpuNanoCores: 200_000_000, windowMs: 3000 });
});
