import test from 'ava';
import { FAIL_ANNOTATION, IGNORE_SIGTERM_ANNOTATION } from '../../../../src/controlplane/kubelet/index.js';
import { containerOf, newSim, simPod, statusOf, sync, uidOf } from './helpers.js';

/** Whether `promise` has settled, after letting pending callbacks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

test('killPod ends the containers at once with exit 0 and the pod Succeeded', async (t) => {
  const env = newSim();
  const p = simPod();
  await sync(env, p);
  env.clock.advance(1000);
  await env.rt.killPod(uidOf(p), 30);
  const c = containerOf(env, p);
  t.like(c.state.terminated, { exitCode: 0, reason: 'Completed' });
  t.false(c.ready);
  t.is(statusOf(env, p).phase, 'Succeeded');
  t.true(env.events.some((e) => e.reason === 'Killing'));
  // Nothing restarts a killed pod, even with restartPolicy Always.
  await sync(env, p);
  env.clock.advance(600_000);
  t.truthy(containerOf(env, p).state.terminated);
  t.is(containerOf(env, p).restartCount, 0);
});

test('with simulate-ignore-sigterm a killed container runs until the grace period is over', async (t) => {
  const env = newSim();
  const p = simPod({ [IGNORE_SIGTERM_ANNOTATION]: 'true' });
  await sync(env, p);
  const killing = env.rt.killPod(uidOf(p), 30);
  env.clock.advance(29_999);
  t.false(await settled(killing));
  t.truthy(containerOf(env, p).state.running);
  t.is(statusOf(env, p).phase, 'Running');
  env.clock.advance(1);
  t.true(await settled(killing));
  t.like(containerOf(env, p).state.terminated, { exitCode: 0 });
  t.is(statusOf(env, p).phase, 'Succeeded');
});

test('removePod cuts a pending grace period short and forgets the pod', async (t) => {
  const env = newSim();
  const p = simPod({ [IGNORE_SIGTERM_ANNOTATION]: 'yes' });
  await sync(env, p);
  const killing = env.rt.killPod(uidOf(p), 30);
  await env.rt.removePod(uidOf(p));
  t.true(await settled(killing));
  t.is(env.rt.podStatus(uidOf(p)), undefined);
  t.deepEqual(env.rt.podUids(), []);
});

test('a pod killed in CrashLoopBackOff shows its last run and fails', async (t) => {
  const env = newSim({ readyAfterMs: 1000 });
  const p = simPod({ [FAIL_ANNOTATION]: 'crash' });
  await sync(env, p);
  env.clock.advance(2000);
  t.is(containerOf(env, p).state.waiting?.reason, 'CrashLoopBackOff');
  await env.rt.killPod(uidOf(p), 0);
  t.like(containerOf(env, p).state.terminated, { exitCode: 1 });
  t.is(statusOf(env, p).phase, 'Failed');
  env.clock.advance(600_000);
  t.is(containerOf(env, p).restartCount, 1);
});

test('close kills every pod, reports final statuses once and refuses new pods', async (t) => {
  const env = newSim();
  const a = simPod();
  const b = simPod({ [IGNORE_SIGTERM_ANNOTATION]: 'true' });
  await sync(env, a);
  await sync(env, b);
  await env.rt.close(0);
  await env.rt.close(0);
  const last = (uid: string) => env.statuses.filter((s) => s.uid === uid).at(-1)?.status;
  t.is(last(uidOf(a))?.phase, 'Succeeded');
  t.is(last(uidOf(b))?.phase, 'Succeeded');
  const count = env.statuses.length;
  env.clock.advance(60_000);
  t.is(env.statuses.length, count);
  await t.throwsAsync(sync(env, simPod()), { message: /closed/ });
});
