import test from 'ava';
import {
  CrashBackoff,
  buildPodStatus,
  computePhase,
  expandVars,
  imageMatches,
  type ContainerRecord,
  type ContainerState,
} from '../../../src/controlplane/kubelet/index.js';
import { parsePod } from '../../../src/controlplane/kubelet/pod-spec.js';
import { tail } from '../../../src/controlplane/kubelet/logs.js';
import { goDuration } from '../../../src/controlplane/kubelet/go-duration.js';

const S = 1000;

test('backoff: immediate first restart, then 10 s doubling to 5 min, reset after 10 min', (t) => {
  const b = new CrashBackoff();
  const k = 'uid/c';
  let now = 0;
  // Exit at t=0: no history, restart at once.
  t.is(b.remaining(k, 0, now), 0);
  b.next(k, 0);
  // Exit at t=1: wait 10 s from the exit.
  now = 1 * S;
  t.is(b.remaining(k, now, now), 10 * S);
  t.is(b.remaining(k, now, 11 * S), 0);
  b.next(k, now);
  t.is(b.current(k), 20 * S);
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    now += S;
    delays.push(b.remaining(k, now, now) / S);
    b.next(k, now);
  }
  t.deepEqual(delays, [20, 40, 80, 160, 300, 300]);
  // A run of more than 10 minutes (2 × max) since the last restart starts over at 10 s.
  now += 10 * 60 * S + 1;
  t.is(b.remaining(k, now, now), 0);
  b.next(k, now);
  t.is(b.current(k), 10 * S);
});

const running: ContainerState = { kind: 'running', startedAt: 0 };
const exited = (exitCode: number): Extract<ContainerState, { kind: 'terminated' }> => ({
  kind: 'terminated',
  exitCode,
  reason: exitCode ? 'Error' : 'Completed',
  startedAt: 0,
  finishedAt: 1,
  containerID: 'process://x',
});
const rec = (state: ContainerState, lastState?: ReturnType<typeof exited>): ContainerRecord => ({
  name: 'c',
  image: 'i',
  state,
  lastState,
  restartCount: 0,
  ready: false,
  started: false,
});
const waiting = (reason: string): ContainerState => ({ kind: 'waiting', reason });

test('phase follows the kubelet getPhase rules', (t) => {
  const cases: Array<[string, Parameters<typeof computePhase>, string]> = [
    ['waiting → Pending', ['Always', [], [rec(waiting('ContainerCreating'))], false], 'Pending'],
    ['running → Running', ['Always', [], [rec(running)], false], 'Running'],
    [
      'crash loop with Always → Running',
      ['Always', [], [rec(waiting('CrashLoopBackOff'), exited(1))], false],
      'Running',
    ],
    ['all exited 0, Always → Running', ['Always', [], [rec(exited(0))], false], 'Running'],
    ['all exited 0, OnFailure → Succeeded', ['OnFailure', [], [rec(exited(0))], false], 'Succeeded'],
    [
      'one failed, OnFailure → Running',
      ['OnFailure', [], [rec(exited(1)), rec(exited(0))], false],
      'Running',
    ],
    ['one failed, Never → Failed', ['Never', [], [rec(exited(1)), rec(exited(0))], false], 'Failed'],
    [
      'init running → Pending',
      ['Always', [rec(running)], [rec(waiting('PodInitializing'))], false],
      'Pending',
    ],
    [
      'init failed, Never → Failed',
      ['Never', [rec(exited(1))], [rec(waiting('PodInitializing'))], false],
      'Failed',
    ],
    [
      'init backing off → Pending',
      ['Always', [rec(waiting('CrashLoopBackOff'), exited(1))], [rec(waiting('PodInitializing'))], false],
      'Pending',
    ],
    ['killed, exits 0 → Succeeded', ['Always', [], [rec(exited(0))], true], 'Succeeded'],
    ['killed, exit 143 → Failed', ['Always', [], [rec(exited(143))], true], 'Failed'],
    ['killed before start → Failed', ['Always', [], [rec(waiting('NoCommand'))], true], 'Failed'],
  ];
  for (const [name, args, want] of cases)
    t.is(computePhase(...(args as [any, any, any, any])) as string, want, name);
});

test('conditions keep lastTransitionTime until their status flips; PodScheduled is preserved', (t) => {
  const pod = parsePod({
    metadata: { uid: 'u', name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  });
  const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' };
  const base = { pod, init: [], phase: 'Running' as const, startTime: 0, existing: [scheduled] };
  const first = buildPodStatus({ ...base, main: [rec(running)], now: 1000 * S, previous: [] });
  const conds = first.conditions as any[];
  t.deepEqual(
    conds.map((c) => `${c.type}=${c.status}`),
    ['Initialized=True', 'Ready=False', 'ContainersReady=False', 'PodScheduled=True'],
  );
  t.is(conds[3], scheduled);
  const same = buildPodStatus({ ...base, main: [rec(running)], now: 2000 * S, previous: conds });
  t.is((same.conditions as any[])[1].lastTransitionTime, '1970-01-01T00:16:40Z');
  const ready = { ...rec(running), ready: true };
  const flipped = buildPodStatus({ ...base, main: [ready], now: 3000 * S, previous: conds });
  t.like((flipped.conditions as any[])[1], {
    type: 'Ready',
    status: 'True',
    lastTransitionTime: '1970-01-01T00:50:00Z',
  });
  t.is(flipped.qosClass, 'BestEffort');
});

test('readiness gates hold Ready back until their condition is True', (t) => {
  const pod = parsePod({
    metadata: { uid: 'u', name: 'p' },
    spec: { readinessGates: [{ conditionType: 'example.com/lb' }], containers: [{ name: 'c', image: 'i' }] },
  });
  const ready = { ...rec(running), ready: true };
  const status = (existing: any[]) =>
    (
      buildPodStatus({
        pod,
        init: [],
        main: [ready],
        phase: 'Running',
        startTime: 0,
        now: 0,
        existing,
        previous: [],
      }).conditions as any[]
    )[1];
  t.like(status([]), { status: 'False', reason: 'ReadinessGatesNotReady' });
  t.like(status([{ type: 'example.com/lb', status: 'True' }]), { status: 'True' });
});

test('$(VAR) expansion and image patterns', (t) => {
  t.is(expandVars('$(A)-$(B)-$$(A)-$$-$(A', { A: '1' }), '1-$(B)-$(A)-$-$(A');
  t.true(imageMatches('nginx:*', 'nginx:1.27'));
  t.false(imageMatches('nginx:*', 'docker.io/nginx:1.27'));
  t.true(imageMatches('*/nginx:1.?7', 'docker.io/nginx:1.27'));
  t.true(imageMatches('/^ghcr\\.io\\/acme\\//', 'ghcr.io/acme/api:v2'));
  t.false(imageMatches('a.b', 'axb'));
});

test('tail and Go-style durations', (t) => {
  t.is(tail('a\nb\nc\n', 2), 'b\nc\n');
  t.is(tail('a\nb\nc', 2), 'b\nc');
  t.is(tail('a\n', 0), '');
  t.is(tail('a\nb\n'), 'a\nb\n');
  t.deepEqual(
    [10, 80, 300, 3725].map((s) => goDuration(s * S)),
    ['10s', '1m20s', '5m0s', '1h2m5s'],
  );
});
