import test from 'ava';
import type { Readable } from 'node:stream';
import { isCapstanError } from '../../../src/core/index.js';
import { containerOf, eventually, fixture, newRuntime, pod, statusOf, uidOf } from './helpers.js';

async function collect(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

test('logs of the current and the previous run (--previous), and tailLines', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const shared = env.tempDir();
  const p = pod({
    containers: [
      {
        name: 'app',
        image: 'demo',
        command: fixture('exit.mjs'),
        env: [
          { name: 'FAIL_ONCE', value: '1' },
          { name: 'STAY_MS', value: '60000' },
        ],
        volumeMounts: [{ name: 'shared', mountPath: '/s' }],
      },
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { shared } });
  await eventually(() => containerOf(env, p, 'app')?.restartCount === 1);
  const uid = uidOf(p);
  const previous = await env.rt.logs(uid, 'app', { previous: true });
  t.regex(previous, /^run exit pid \d+\nfailing once\n$/);
  await eventually(async () => /^run exit pid \d+\n$/.test(await env.rt.logs(uid, 'app')));
  t.not(await env.rt.logs(uid, 'app'), previous.split('\n')[0] + '\n');
  t.is(await env.rt.logs(uid, 'app', { previous: true, tailLines: 1 }), 'failing once\n');
  const err = await t.throwsAsync(env.rt.logs(uid, 'nope'));
  t.true(isCapstanError(err));
  t.is(err!.message, `container nope is not valid for pod ${(p.metadata as any).name}`);
});

test('logs --previous without an earlier run is an error with the kubelet wording', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const p = pod({
    restartPolicy: 'Never',
    containers: [{ name: 'app', image: 'demo', command: fixture('exit.mjs') }],
  });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  const err = await t.throwsAsync(env.rt.logs(uidOf(p), 'app', { previous: true }));
  t.regex(err!.message, /^previous terminated container "app" in pod "p\d+" not found$/);
});

test('follow streams the log until the run exits', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const p = pod({
    restartPolicy: 'Never',
    containers: [
      { name: 'tick', image: 'demo', command: fixture('ticker.mjs'), env: [{ name: 'TICKS', value: '5' }] },
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  const text = await collect(await env.rt.logs(uidOf(p), 'tick', { follow: true }));
  t.is(text, 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
  t.is(statusOf(env, p).phase, 'Succeeded');
  const last = await collect(await env.rt.logs(uidOf(p), 'tick', { follow: true, tailLines: 2 }));
  t.is(last, 'tick 4\ntick 5\n');
});

test('PORT, CAPSTAN_PORT_*, CAPSTAN_VOLUME_*, literal and resolved env reach the process', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const p = pod({
    containers: [
      {
        name: 'web',
        image: 'demo',
        command: fixture('server.mjs'),
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'metrics-port', containerPort: 9090 },
        ],
        env: [{ name: 'URL', value: 'http://127.0.0.1:$(PORT)/' }],
        volumeMounts: [{ name: 'control', mountPath: '/control' }],
      },
      {
        name: 'side',
        image: 'demo',
        command: fixture('exit.mjs'),
        args: ['x'],
        ports: [{ name: 'admin', containerPort: 7000 }],
      },
    ],
  });
  await env.rt.syncPod(p, { env: { web: { GREETING: 'hello' } }, volumes: { control } });
  const uid = uidOf(p);
  const line = await eventually(async () => /^env (.*)$/m.exec(await env.rt.logs(uid, 'web'))?.[1]);
  const seen = JSON.parse(line) as Record<string, string>;
  const port = (name: string) => String(env.rt.portMap(uid).find((m) => m.name === name)!.hostPort);
  t.deepEqual(seen, {
    PORT: port('http'),
    CAPSTAN_PORT_HTTP: port('http'),
    CAPSTAN_PORT_METRICS_PORT: port('metrics-port'),
    CAPSTAN_PORT_ADMIN: port('admin'),
    CAPSTAN_VOLUME_CONTROL: control,
    URL: `http://127.0.0.1:${port('http')}/`,
    GREETING: 'hello',
    HOSTNAME: (p.metadata as any).name,
  });
  t.is(new Set(env.rt.portMap(uid).map((m) => m.hostPort)).size, 3);
});

test('usage reads memory and CPU of the running processes', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const p = pod({
    containers: [
      {
        name: 'web',
        image: 'demo',
        command: fixture('server.mjs'),
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ name: 'control', mountPath: '/c' }],
      },
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(async () => (await env.rt.logs(uidOf(p), 'web')).includes('listening'));
  const u = env.rt.usage(uidOf(p));
  if (process.platform !== 'linux') return t.deepEqual(u, { cpuNanoCores: 0, memoryBytes: 0 });
  // A Node process holds well over a megabyte resident and has used some CPU to start.
  t.true(u.memoryBytes > 1024 * 1024);
  t.true(u.cpuNanoCores > 0);
});
