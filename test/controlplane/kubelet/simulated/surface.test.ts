import test from 'ava';
import type { Readable } from 'node:stream';
import { FAIL_ANNOTATION } from '../../../../src/controlplane/kubelet/index.js';
import { newSim, simPod, sync, uidOf } from './helpers.js';

test('portMap gives fake host ports from a counter, keeping a declared hostPort', async (t) => {
  const env = newSim();
  const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ containerPort: 8080 + i }));
  const a = simPod({}, { containers: [{ name: 'app', image: 'x', ports: ports(2) }] });
  const b = simPod(
    {},
    {
      containers: [{ name: 'web', image: 'x', ports: [{ name: 'http', containerPort: 80, hostPort: 8000 }] }],
    },
  );
  await sync(env, a);
  await sync(env, b);
  await sync(env, a);
  const pa = env.rt.portMap(uidOf(a));
  t.deepEqual(
    pa.map((p) => p.containerPort),
    [8080, 8081],
  );
  t.is(pa[1].hostPort, pa[0].hostPort + 1);
  t.like(env.rt.portMap(uidOf(b))[0], { container: 'web', name: 'http', containerPort: 80, hostPort: 8000 });
  t.deepEqual(env.rt.portMap('nope'), []);
});

test('logs are a short synthetic text; previous and unknown containers error as in the kubelet', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod({ [FAIL_ANNOTATION]: 'crash' });
  await sync(env, p);
  const uid = uidOf(p);
  const text = await env.rt.logs(uid, 'app');
  t.regex(text, /^capstan: container app of pod default\/sim\d+ is simulated \(run 0\)/);
  t.regex(text, /exits 1 after 1000 ms/);
  t.is((await env.rt.logs(uid, 'app', { tailLines: 1 })).split('\n').length, 2);
  await t.throwsAsync(env.rt.logs(uid, 'app', { previous: true }), {
    message: /previous terminated container/,
  });
  await t.throwsAsync(env.rt.logs(uid, 'other'), { message: /container other is not valid/ });
  env.clock.advance(1000);
  t.regex(await env.rt.logs(uid, 'app', { previous: true }), /\(run 0\)/);
  const stream: Readable = await env.rt.logs(uid, 'app', { follow: true });
  let followed = '';
  for await (const chunk of stream) followed += String(chunk);
  t.regex(followed, /\(run 1\)/);
});

test('usage is zero for a known pod and an error for an unknown one', async (t) => {
  const env = newSim();
  const p = simPod();
  await sync(env, p);
  t.deepEqual(env.rt.usage(uidOf(p)), { cpuNanoCores: 0, memoryBytes: 0 });
  t.throws(() => env.rt.usage('nope'), { message: /not running on this node/ });
});

test('a pod without a usable uid is rejected', async (t) => {
  const env = newSim();
  const p = simPod();
  (p.metadata as any).uid = '../x';
  await t.throwsAsync(sync(env, p), { message: /no usable metadata.uid/ });
});
