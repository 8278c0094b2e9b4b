/** The usage a simulated pod declares in annotations (declared-usage.ts). */
import test from 'ava';
import {
  MIN_RATE_WINDOW_MS,
  SIMULATED_CPU_ANNOTATION as CPU,
  SIMULATED_MEMORY_ANNOTATION as MEMORY,
} from '../../../../src/controlplane/kubelet/index.js';
import { newSim, simPod, sync, uidOf } from './helpers.js';

const two = {
  containers: [
    { name: 'web', image: 'x' },
    { name: 'sidecar', image: 'y' },
  ],
};

test('a pod total is spread evenly over the app containers, the remainder to the first', async (t) => {
  const env = newSim();
  const p = simPod(
    { [CPU]: '100m', [MEMORY]: '64Mi' },
    {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'x' },
        { name: 'c', image: 'x' },
      ],
    },
  );
  await sync(env, p);
  const usage = env.rt.containerUsage([uidOf(p)]).get(uidOf(p));
  t.deepEqual(usage, [
    { name: 'a', cpuNanoCores: 33333334, memoryBytes: 22369622, windowMs: MIN_RATE_WINDOW_MS },
    { name: 'b', cpuNanoCores: 33333333, memoryBytes: 22369621, windowMs: MIN_RATE_WINDOW_MS },
    { name: 'c', cpuNanoCores: 33333333, memoryBytes: 22369621, windowMs: MIN_RATE_WINDOW_MS },
  ]);
  t.deepEqual(env.rt.usage(uidOf(p)), { cpuNanoCores: 100_000_000, memoryBytes: 64 * 1024 * 1024 });
});

test('name=quantity pairs give each container its own usage; unnamed ones use nothing', async (t) => {
  const env = newSim();
  const p = simPod({ [CPU]: 'web=200m, sidecar=50m', [MEMORY]: 'web=48Mi' }, two);
  await sync(env, p);
  const usage = env.rt.containerUsage([uidOf(p)]).get(uidOf(p))!;
  t.like(usage[0], { name: 'web', cpuNanoCores: 200_000_000, memoryBytes: 48 * 1024 * 1024 });
  t.like(usage[1], { name: 'sidecar', cpuNanoCores: 50_000_000, memoryBytes: 0 });
});

test('no annotation, or one that does not parse, is zero', async (t) => {
  const env = newSim();
  const plain = simPod();
  const bad = simPod({ [CPU]: 'lots', [MEMORY]: 'web=1Gi,sidecar' }, two);
  const negative = simPod({ [CPU]: '-1' });
  for (const p of [plain, bad, negative]) await sync(env, p);
  for (const p of [plain, bad, negative])
    t.deepEqual(env.rt.usage(uidOf(p)), { cpuNanoCores: 0, memoryBytes: 0 });
  t.is(env.rt.containerUsage([uidOf(bad)]).get(uidOf(bad))!.length, 2);
});

test('an updated annotation changes the usage at the next sync', async (t) => {
  const env = newSim();
  const p = simPod({ [CPU]: '250m' });
  await sync(env, p);
  t.is(env.rt.usage(uidOf(p)).cpuNanoCores, 250_000_000);
  (p.metadata as { annotations: Record<string, string> }).annotations[CPU] = '1.5';
  await sync(env, p);
  t.is(env.rt.usage(uidOf(p)).cpuNanoCores, 1_500_000_000);
});

test('only running containers report; unknown pods are left out', async (t) => {
  const env = newSim();
  const p = simPod({ [CPU]: '1' }, { ...two, initContainers: [{ name: 'init', image: 'z' }] });
  await sync(env, p);
  t.deepEqual(
    env.rt
      .containerUsage([uidOf(p)])
      .get(uidOf(p))!
      .map((c) => c.name),
    ['web', 'sidecar'],
  );
  await env.rt.killPod(uidOf(p), 0);
  t.deepEqual(env.rt.containerUsage([uidOf(p), 'nope']), new Map([[uidOf(p), []]]));
});
