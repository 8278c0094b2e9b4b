import test from 'ava';
import { FAIL_ANNOTATION, READY_AFTER_ANNOTATION } from '../../../../src/controlplane/kubelet/index.js';
import { conditionOf, containerOf, newSim, simPod, statusOf, sync, uidOf } from './helpers.js';

test('a pod is Running at once and Ready after readyAfterMs', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod();
  await sync(env, p);
  t.is(statusOf(env, p).phase, 'Running');
  const c = containerOf(env, p);
  t.truthy(c.state.running);
  t.true(c.started);
  t.false(c.ready);
  t.like(conditionOf(env, p, 'Ready'), { status: 'False', reason: 'ContainersNotReady' });
  env.clock.advance(999);
  t.false(containerOf(env, p).ready);
  env.clock.advance(1);
  t.true(containerOf(env, p).ready);
  t.is(conditionOf(env, p, 'Ready')?.status, 'True');
  t.is(conditionOf(env, p, 'ContainersReady')?.status, 'True');
});

test('the ready-after annotation overrides the default per pod', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const slow = simPod({ [READY_AFTER_ANNOTATION]: '5000' });
  const fast = simPod({ [READY_AFTER_ANNOTATION]: '0' });
  const bad = simPod({ [READY_AFTER_ANNOTATION]: 'soon' });
  for (const p of [slow, fast, bad]) await sync(env, p);
  env.clock.advance(0);
  t.is(conditionOf(env, fast, 'Ready')?.status, 'True');
  env.clock.advance(1000);
  // A value that does not parse falls back to the runtime's default.
  t.is(conditionOf(env, bad, 'Ready')?.status, 'True');
  t.is(conditionOf(env, slow, 'Ready')?.status, 'False');
  env.clock.advance(4000);
  t.is(conditionOf(env, slow, 'Ready')?.status, 'True');
});

test('statuses are coalesced, never repeated, and carry the simulated marks', async (t) => {
  const env = newSim({ readyAfterMs: 1000, statusDebounceMs: 50 });
  const p = simPod();
  await sync(env, p);
  await sync(env, p);
  t.is(env.statuses.length, 0);
  env.clock.advance(50);
  t.is(env.statuses.length, 1);
  env.clock.advance(10_000);
  t.is(env.statuses.length, 2);
  const last = env.statuses[1].status as any;
  t.is(last.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  t.deepEqual(
    last.conditions.map((c: any) => c.type),
    ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'],
  );
  t.is(last.containerStatuses[0].imageID, 'simulated://');
  t.is(last.containerStatuses[0].containerID, `simulated://${uidOf(p)}/app`);
});

test('simulate-fail readiness keeps the pod Running and unready forever', async (t) => {
  const env = newSim();
  const p = simPod({ [FAIL_ANNOTATION]: 'readiness' });
  await sync(env, p);
  env.clock.advance(3_600_000);
  t.is(statusOf(env, p).phase, 'Running');
  t.false(containerOf(env, p).ready);
  t.is(containerOf(env, p).restartCount, 0);
  t.like(conditionOf(env, p, 'Ready'), { status: 'False', reason: 'ContainersNotReady' });
  // Reported once, not once per probe period.
  t.is(env.events.filter((e) => e.reason === 'Unhealthy').length, 1);
});

test('simulate-fail crash goes through CrashLoopBackOff: immediate, 10 s, 20 s, 40 s', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod({ [FAIL_ANNOTATION]: 'crash' });
  await sync(env, p);
  // Each run lasts 1 s; exits at t=1 (restart now), t=2 (wait 10 s), t=13 (20 s), t=34 (40 s).
  env.clock.advance(1000);
  t.truthy(containerOf(env, p).state.running);
  t.is(containerOf(env, p).restartCount, 1);
  t.like(containerOf(env, p).lastState.terminated, { exitCode: 1, reason: 'Error' });
  const expect = [
    { at: 1000, count: 1, wait: '10s' },
    { at: 11_000, count: 2, wait: '20s' },
    { at: 21_000, count: 3, wait: '40s' },
  ];
  for (const { at, count, wait } of expect) {
    env.clock.advance(at);
    const c = containerOf(env, p);
    t.is(c.state.waiting?.reason, 'CrashLoopBackOff', `restart ${count}`);
    t.regex(c.state.waiting.message, new RegExp(`^back-off ${wait} restarting failed container=app pod=`));
    t.is(c.restartCount, count);
    t.like(c.lastState.terminated, { exitCode: 1, containerID: `simulated://${uidOf(p)}/app` });
    // A crash-looping pod with restartPolicy Always stays Running, as in the kubelet.
    t.is(statusOf(env, p).phase, 'Running');
  }
  env.clock.advance(39_999);
  t.is(containerOf(env, p).state.waiting?.reason, 'CrashLoopBackOff');
  env.clock.advance(1);
  t.truthy(containerOf(env, p).state.running);
  t.is(containerOf(env, p).restartCount, 4);
  t.is(env.events.filter((e) => e.reason === 'BackOff').length, 3);
});

test('a crashing pod with restartPolicy Never fails; with OnFailure it restarts', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const never = simPod({ [FAIL_ANNOTATION]: 'crash' }, { restartPolicy: 'Never' });
  const onFailure = simPod({ [FAIL_ANNOTATION]: 'crash' }, { restartPolicy: 'OnFailure' });
  await sync(env, never);
  await sync(env, onFailure);
  env.clock.advance(60_000);
  t.is(statusOf(env, never).phase, 'Failed');
  t.is(containerOf(env, never).restartCount, 0);
  t.like(containerOf(env, never).state.terminated, { exitCode: 1 });
  t.is(statusOf(env, onFailure).phase, 'Running');
  t.true(containerOf(env, onFailure).restartCount > 1);
});

test('simulate-fail exit-0 completes the pod (Jobs); Always restarts it instead', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const job = simPod({ [FAIL_ANNOTATION]: 'exit-0' }, { restartPolicy: 'OnFailure' });
  const always = simPod({ [FAIL_ANNOTATION]: 'exit-0' });
  await sync(env, job);
  await sync(env, always);
  env.clock.advance(1000);
  t.is(statusOf(env, job).phase, 'Succeeded');
  t.like(containerOf(env, job).state.terminated, { exitCode: 0, reason: 'Completed' });
  t.like(conditionOf(env, job, 'Ready'), { status: 'False', reason: 'PodCompleted' });
  // Succeeded is final: later syncs and time change nothing.
  await sync(env, job);
  env.clock.advance(60_000);
  t.is(statusOf(env, job).phase, 'Succeeded');
  t.is(containerOf(env, job).restartCount, 0);
  t.is(statusOf(env, always).phase, 'Running');
  t.true(containerOf(env, always).restartCount > 0);
});

test('init containers complete at once, in order, before the app starts', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod(
    {},
    {
      initContainers: [
        { name: 'init1', image: 'demo/init:1' },
        { name: 'init2', image: 'demo/init:1' },
      ],
    },
  );
  await sync(env, p);
  t.deepEqual(
    env.events.filter((e) => e.reason === 'Started').map((e) => e.container),
    ['init1', 'init2', 'app'],
  );
  for (const name of ['init1', 'init2']) {
    const c = containerOf(env, p, name);
    t.like(c.state.terminated, { exitCode: 0, reason: 'Completed' });
    t.true(c.ready);
    t.is(c.imageID, 'simulated://');
  }
  t.is(conditionOf(env, p, 'Initialized')?.status, 'True');
  t.is(statusOf(env, p).phase, 'Running');
  env.clock.advance(1000);
  t.is(conditionOf(env, p, 'Ready')?.status, 'True');
});

test('a changed container spec restarts the container', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod();
  await sync(env, p);
  env.clock.advance(1000);
  const spec = p.spec as any;
  await sync(env, { ...p, spec: { ...spec, containers: [{ ...spec.containers[0], image: 'demo/app:2' }] } });
  const c = containerOf(env, p);
  t.is(c.restartCount, 1);
  t.is(c.image, 'demo/app:2');
  t.false(c.ready);
  env.clock.advance(1000);
  t.true(containerOf(env, p).ready);
});
