import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { JsonObject } from '../../../src/core/index.js';
import { scaledClock } from '../../../src/controlplane/kubelet/index.js';
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

function exiting(name: string, env: Record<string, string>, extra: JsonObject = {}): JsonObject {
  return {
    name,
    image: 'demo/exit:1',
    command: fixture('exit.mjs'),
    env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
    ...extra,
  };
}

const shared = { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] };

test('a crashing container backs off with CrashLoopBackOff: 10 s, 20 s, 40 s (clock ×50)', async (t) => {
  const env = newRuntime({ clock: scaledClock(50) });
  t.teardown(() => env.close());
  const p = pod({ containers: [exiting('crash', { EXIT_CODE: '1' })] });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  // Every reported status is kept, so no back-off window can be missed between two polls.
  const seen = new Set<string>();
  await eventually(() => {
    for (const { status } of env.statuses) {
      const c = (status.containerStatuses as any[])[0];
      const msg = c.state.waiting?.message as string | undefined;
      if (c.state.waiting?.reason === 'CrashLoopBackOff') seen.add(`${c.restartCount}:${msg?.split(' ')[1]}`);
    }
    return seen.has('3:40s');
  });
  // The first restart is immediate; each later one waits twice as long (see backoff.ts).
  t.true(seen.has('1:10s'));
  t.true(seen.has('2:20s'));
  const c = containerOf(env, p, 'crash')!;
  t.regex(c.state.waiting.message, /^back-off 40s restarting failed container=crash pod=p\d+_default\(uid-/);
  t.like(c.lastState.terminated, { exitCode: 1, reason: 'Error' });
  // A crash-looping pod with restartPolicy Always is Running, not Pending.
  t.is(statusOf(env, p).phase, 'Running');
  t.is(conditionOf(env, p, 'Ready')?.status, 'False');
});

test('init containers run in order, each to completion, before the app containers', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const dir = env.tempDir();
  const p = pod({
    initContainers: [
      exiting('init1', { NAME: 'init1' }, shared),
      exiting('init2', { NAME: 'init2' }, shared),
    ],
    containers: [exiting('main', { NAME: 'main', STAY_MS: '60000' }, shared)],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { shared: dir } });
  const first = statusOf(env, p);
  t.is(first.phase, 'Pending');
  t.like(conditionOf(env, p, 'Initialized'), { status: 'False', reason: 'ContainersNotInitialized' });
  t.is(containerOf(env, p, 'main')!.state.waiting?.reason, 'PodInitializing');
  await eventually(() => statusOf(env, p).phase === 'Running');
  await eventually(() => fs.readFileSync(path.join(dir, 'order.txt'), 'utf8').includes('main'));
  t.is(fs.readFileSync(path.join(dir, 'order.txt'), 'utf8'), 'init1\ninit2\nmain\n');
  for (const name of ['init1', 'init2']) {
    const c = containerOf(env, p, name)!;
    t.like(c.state.terminated, { exitCode: 0, reason: 'Completed' });
    t.true(c.ready);
  }
  t.is(conditionOf(env, p, 'Initialized')?.status, 'True');
  t.is(conditionOf(env, p, 'Ready')?.status, 'True');
});

test('a failing init container fails the pod with restartPolicy Never', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const p = pod({
    restartPolicy: 'Never',
    initContainers: [exiting('setup', { EXIT_CODE: '3' })],
    containers: [exiting('main', {})],
  });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  await eventually(() => statusOf(env, p).phase === 'Failed');
  t.like(containerOf(env, p, 'setup')!.state.terminated, { exitCode: 3, reason: 'Error' });
  t.is(containerOf(env, p, 'main')!.state.waiting?.reason, 'PodInitializing');
  t.is(conditionOf(env, p, 'Initialized')?.message, 'containers with incomplete status: [setup]');
});

test('a failing init container crash-loops with restartPolicy Always; the pod stays Pending', async (t) => {
  const env = newRuntime({ clock: scaledClock(50) });
  t.teardown(() => env.close());
  const p = pod({
    initContainers: [exiting('setup', { EXIT_CODE: '2' })],
    containers: [exiting('main', {})],
  });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  const c = await eventually(() => {
    const c = containerOf(env, p, 'setup');
    return c?.state.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
  });
  t.true(c.restartCount >= 1);
  t.is(c.lastState.terminated.exitCode, 2);
  t.is(statusOf(env, p).phase, 'Pending');
  t.is(containerOf(env, p, 'main')!.state.waiting?.reason, 'PodInitializing');
});

test('restartPolicy Never: exit 1 → Failed, exit 0 → Succeeded; nothing restarts', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const bad = pod({ restartPolicy: 'Never', containers: [exiting('c', { EXIT_CODE: '1' })] });
  const good = pod({ restartPolicy: 'Never', containers: [exiting('c', {})] });
  await env.rt.syncPod(bad, { env: {}, volumes: {} });
  await env.rt.syncPod(good, { env: {}, volumes: {} });
  await eventually(() => statusOf(env, bad).phase === 'Failed' && statusOf(env, good).phase === 'Succeeded');
  t.like(containerOf(env, bad, 'c'), {
    restartCount: 0,
    state: { terminated: { exitCode: 1, reason: 'Error' } },
  });
  t.like(containerOf(env, good, 'c'), {
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed' } },
  });
  t.like(conditionOf(env, good, 'Ready'), { status: 'False', reason: 'PodCompleted' });
  // Syncing a finished pod again starts nothing.
  await env.rt.syncPod(good, { env: {}, volumes: {} });
  t.is(containerOf(env, good, 'c')!.restartCount, 0);
});

test('restartPolicy OnFailure: exit 0 → Succeeded, exit 1 → restarted', async (t) => {
  const env = newRuntime({ clock: scaledClock(50) });
  t.teardown(() => env.close());
  const good = pod({ restartPolicy: 'OnFailure', containers: [exiting('c', {})] });
  const bad = pod({ restartPolicy: 'OnFailure', containers: [exiting('c', { EXIT_CODE: '1' })] });
  await env.rt.syncPod(good, { env: {}, volumes: {} });
  await env.rt.syncPod(bad, { env: {}, volumes: {} });
  await eventually(() => statusOf(env, good).phase === 'Succeeded');
  t.is(containerOf(env, good, 'c')!.restartCount, 0);
  await eventually(() => (containerOf(env, bad, 'c')?.restartCount ?? 0) >= 2);
  t.is(statusOf(env, bad).phase, 'Running');
});

test('no command and no image mapping: waiting with reason NoCommand; a mapping runs the image', async (t) => {
  const env = newRuntime({ imageCommands: [{ pattern: 'example/mapped:*', command: fixture('exit.mjs') }] });
  t.teardown(() => env.close());
  const bare = pod({ containers: [{ name: 'app', image: 'example/unmapped:1' }] });
  await env.rt.syncPod(bare, { env: {}, volumes: {} });
  const c = containerOf(env, bare, 'app')!;
  t.is(c.state.waiting?.reason, 'NoCommand');
  t.regex(c.state.waiting.message, /set spec\.containers\[\]\.command, or configure an image mapping/);
  t.is(statusOf(env, bare).phase, 'Pending');
  const mapped = pod({ restartPolicy: 'Never', containers: [{ name: 'app', image: 'example/mapped:2.0' }] });
  await env.rt.syncPod(mapped, { env: {}, volumes: {} });
  await eventually(() => statusOf(env, mapped).phase === 'Succeeded');
  t.regex(await env.rt.logs(uidOf(mapped), 'app'), /^run exit pid \d+/);
});

test('a missing volume keeps the container waiting with a message naming it', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const p = pod({ containers: [exiting('c', {}, shared)] });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  t.like(containerOf(env, p, 'c')!.state.waiting, {
    reason: 'CreateContainerConfigError',
    message: 'volume "shared" (mounted at /shared) has not been prepared on this node',
  });
});

test('a changed container spec restarts the container', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const p = pod({ containers: [exiting('c', { STAY_MS: '60000' })] });
  await env.rt.syncPod(p, { env: {}, volumes: {} });
  const before = containerOf(env, p, 'c')!.containerID;
  const changed = structuredClone(p);
  ((changed.spec as any).containers[0].env as JsonObject[]).push({ name: 'NEW', value: '1' });
  await env.rt.syncPod(changed, { env: {}, volumes: {} });
  const c = await eventually(() => {
    const c = containerOf(env, p, 'c');
    return c?.state.running && c.containerID !== before ? c : undefined;
  });
  t.is(c.restartCount, 1);
});

test('graceful kill: SIGTERM is honoured', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const p = pod({
    containers: [
      {
        name: 'web',
        image: 'demo/web:1',
        command: fixture('server.mjs'),
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ name: 'control', mountPath: '/c' }],
      },
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(async () => (await env.rt.logs(uidOf(p), 'web')).includes('listening'));
  await env.rt.killPod(uidOf(p), 10);
  t.like(containerOf(env, p, 'web')!.state.terminated, { exitCode: 0, reason: 'Completed' });
  t.true((await env.rt.logs(uidOf(p), 'web')).includes('got SIGTERM'));
  t.is(statusOf(env, p).phase, 'Succeeded');
});

test('graceful kill: a process ignoring SIGTERM gets SIGKILL after the grace period', async (t) => {
  const env = newRuntime();
  t.teardown(() => env.close());
  const control = env.tempDir();
  const p = pod({
    containers: [
      {
        name: 'web',
        image: 'demo/web:1',
        command: fixture('server.mjs'),
        env: [{ name: 'IGNORE_SIGTERM', value: '1' }],
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ name: 'control', mountPath: '/c' }],
      },
    ],
  });
  await env.rt.syncPod(p, { env: {}, volumes: { control } });
  await eventually(async () => (await env.rt.logs(uidOf(p), 'web')).includes('listening'));
  const started = Date.now();
  await env.rt.killPod(uidOf(p), 0.3);
  // SIGKILL comes only once the grace period is over (a lower bound, safe on a slow machine).
  t.true(Date.now() - started >= 290);
  t.like(containerOf(env, p, 'web')!.state.terminated, { exitCode: 137, signal: 9, reason: 'Error' });
  t.true((await env.rt.logs(uidOf(p), 'web')).includes('ignoring SIGTERM'));
  t.is(statusOf(env, p).phase, 'Failed');
});
