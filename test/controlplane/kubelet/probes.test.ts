import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { JsonObject } from '../../../src/core/index.js';
import {
  conditionOf,
  containerOf,
  eventually,
  fixture,
  newRuntime,
  pod,
  statusOf,
  uidOf,
} from './helpers.js';

const fast = { periodSeconds: 0.05, timeoutSeconds: 2 };

function web(extra: JsonObject = {}): JsonObject {
  return {
    name: 'web',
    image: 'demo/web:1',
    command: fixture('server.mjs'),
    ports: [{ name: 'http', containerPort: 8080 }],
    volumeMounts: [{ name: 'control', mountPath: '/control' }],
    ...extra,
  };
}

test('a server becomes ready: Running, container ready, Ready and ContainersReady True', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const p = pod({
    containers: [web({ readinessProbe: { httpGet: { path: '/ready', port: 'http' }, ...fast } })],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(() => conditionOf(env, p, 'Ready')?.status === 'True');
  const s = statusOf(env, p);
  t.is(s.phase, 'Running');
  t.is(s.podIP, '127.0.0.1');
  t.is(conditionOf(env, p, 'ContainersReady')?.status, 'True');
  t.is(conditionOf(env, p, 'Initialized')?.status, 'True');
  t.is(conditionOf(env, p, 'PodScheduled')?.status, 'True');
  const c = containerOf(env, p, 'web')!;
  t.true(c.ready);
  t.true(c.started as boolean);
  t.truthy(c.state.running?.startedAt);
  t.is(c.restartCount, 0);
  const [mapping] = env.rt.portMap(uidOf(p));
  t.like(mapping, { container: 'web', name: 'http', containerPort: 8080, protocol: 'TCP' });
  const res = await fetch(`http://127.0.0.1:${mapping.hostPort}/`);
  t.is(res.status, 200);
  // Idempotent: syncing again leaves the running container alone.
  const id = c.containerID;
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  t.is(containerOf(env, p, 'web')!.containerID, id);
  // Reported statuses are coalesced: never the same one twice in a row.
  await eventually(() => env.statuses.at(-1)?.status.phase === 'Running');
  for (let i = 1; i < env.statuses.length; i++) {
    t.notDeepEqual(env.statuses[i].status, env.statuses[i - 1].status);
  }
});

test('readiness failing then recovering flips ready and the Ready condition', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  fs.writeFileSync(path.join(control, 'unready'), '');
  const probe = { httpGet: { path: '/ready', port: 8080 }, ...fast, failureThreshold: 1 };
  const p = pod({ containers: [web({ readinessProbe: probe })] });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(async () => (await env.rt.logs(uidOf(p), 'web')).includes('listening'));
  let ready = conditionOf(env, p, 'Ready')!;
  t.is(ready.status, 'False');
  t.is(ready.reason, 'ContainersNotReady');
  t.is(ready.message, 'containers with unready status: [web]');
  t.is(statusOf(env, p).phase, 'Running');
  fs.rmSync(path.join(control, 'unready'));
  await eventually(() => conditionOf(env, p, 'Ready')?.status === 'True');
  t.true(containerOf(env, p, 'web')!.ready);
  fs.writeFileSync(path.join(control, 'unready'), '');
  await eventually(() => conditionOf(env, p, 'Ready')?.status === 'False');
  ready = conditionOf(env, p, 'ContainersReady')!;
  t.is(ready.reason, 'ContainersNotReady');
  // Readiness never restarts anything.
  t.is(containerOf(env, p, 'web')!.restartCount, 0);
});

test('a liveness failure kills and restarts the container', async (t) => {
  const events: string[] = [];
  const env = newRuntime({ onEvent: (e) => events.push(`${e.reason}: ${e.message}`) });
  t.teardown(() => env.close());
  const control = env.tempDir();
  fs.writeFileSync(path.join(control, 'die-first'), '');
  const p = pod({
    containers: [
      web({
        env: [{ name: 'DEFAULT_SIGTERM', value: '1' }],
        // Without it the liveness probe may fail before the server listens (a real kill too).
        startupProbe: { tcpSocket: { port: 'http' }, ...fast, failureThreshold: 10_000 },
        livenessProbe: { httpGet: { path: '/live', port: 'http' }, ...fast, failureThreshold: 2 },
      }),
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  const c = await eventually(() => {
    const c = containerOf(env, p, 'web');
    return c?.restartCount === 1 && c.state.running ? c : undefined;
  });
  // SIGTERM with Node's default handler: 128 + 15, reported as Error like any non-zero exit.
  t.like(c.lastState.terminated, { exitCode: 143, signal: 15, reason: 'Error' });
  t.true(
    events.includes('Killing: Container web failed liveness probe, will be restarted'),
    events.join('\n'),
  );
  t.true(
    events.some((e) =>
      e.startsWith('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500'),
    ),
    events.join('\n'),
  );
  t.is(statusOf(env, p).phase, 'Running');
});

test('a startup probe gates readiness until it passes', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const started = `process.exit(require('fs').existsSync(process.env.CAPSTAN_VOLUME_CONTROL + '/started') ? 0 : 1)`;
  const p = pod({
    containers: [
      web({
        startupProbe: {
          exec: { command: [process.execPath, '-e', started] },
          ...fast,
          failureThreshold: 10_000,
        },
        readinessProbe: { tcpSocket: { port: 'http' }, ...fast },
        livenessProbe: { tcpSocket: { port: 'http' }, ...fast, failureThreshold: 1 },
      }),
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(async () => (await env.rt.logs(uidOf(p), 'web')).includes('listening'));
  // The TCP probes would pass now; they must not run before the startup probe does. Waiting
  // longer can only make this check stricter, never make it fail by itself.
  await new Promise((r) => setTimeout(r, 300));
  let c = containerOf(env, p, 'web')!;
  t.false(c.started as boolean);
  t.false(c.ready);
  fs.writeFileSync(path.join(control, 'started'), '');
  c = await eventually(() => containerOf(env, p, 'web')?.ready && containerOf(env, p, 'web'));
  t.true(c.started as boolean);
  t.is(c.restartCount, 0);
});
