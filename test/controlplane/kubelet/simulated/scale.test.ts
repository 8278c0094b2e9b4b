import test from 'ava';
import { newSim, simPod, sync, uidOf } from './helpers.js';

test('1,000 pods synced on a fake clock all become Ready', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const pods = Array.from({ length: 1000 }, () => simPod());
  await Promise.all(pods.map((p) => sync(env, p)));
  t.is(env.rt.podUids().length, 1000);
  env.clock.advance(1000 + 50);
  const ready = new Set<string>();
  for (const { uid, status } of env.statuses) {
    const conds = status.conditions as Array<{ type: string; status: string }>;
    if (conds.find((c) => c.type === 'Ready')?.status === 'True') ready.add(uid);
  }
  t.is(ready.size, 1000);
  t.true(pods.every((p) => ready.has(uidOf(p))));
  await env.rt.close(0);
});
