import test from 'ava';
import {
  podRequests,
  rawResourceReplicas,
  resourceReplicas,
  type HpaPod,
  type PodMetrics,
} from '../../../../src/controlplane/controllers/hpa/index.js';
import { fleet, NOW, pod, usage } from './fixtures.js';

const settings = { cpuInitializationPeriodMs: 5 * 60_000, initialReadinessDelayMs: 30_000 };

function utilization(
  pods: HpaPod[],
  items: PodMetrics[],
  current: number,
  target: number,
  o: { resource?: string; container?: string; tolerance?: number } = {},
) {
  const tolerance = o.tolerance ?? 0.1;
  return resourceReplicas({
    currentReplicas: current,
    pods,
    source: { items },
    resource: o.resource ?? 'cpu',
    container: o.container,
    tolerances: { scaleUp: tolerance, scaleDown: tolerance },
    now: NOW,
    settings,
    targetUtilization: target,
  });
}

function average(pods: HpaPod[], items: PodMetrics[], current: number, targetMilli: number) {
  return rawResourceReplicas({
    currentReplicas: current,
    pods,
    source: { items },
    resource: 'cpu',
    tolerances: { scaleUp: 0.1, scaleDown: 0.1 },
    now: NOW,
    settings,
    targetUsage: targetMilli,
  });
}

test('all pods ready: ceil(utilization / target × ready pods)', (t) => {
  // 1500m of 3000m requested = 50 % against 30 %: ratio 1.67, ceil(5.0) = 5
  const up = fleet([300, 500, 700]);
  t.deepEqual(utilization(up.pods, up.items, 3, 30), { replicas: 5, utilization: 50, rawAverage: 500 });
  // 1400m of 5000m = 28 % against 50 %: ratio 0.56, ceil(2.8) = 3
  const down = fleet([100, 300, 500, 250, 250]);
  t.like(utilization(down.pods, down.items, 5, 50), { replicas: 3, utilization: 28 });
});

test('utilization is an integer percentage (truncated) of the summed requests', (t) => {
  const pods = [pod('a', { cpu: '900m' }), pod('b', { cpu: '1' }), pod('c', { cpu: '1100m' })];
  const items = [usage('a', '1010m'), usage('b', '1030m'), usage('c', '1020m')];
  // 3060 / 3000 → 102 %: ratio 1.02 is within the tolerance
  t.deepEqual(utilization(pods, items, 3, 100), { replicas: 3, utilization: 102, rawAverage: 1020 });
});

test('the tolerance is inclusive: ratio 1.1 keeps the size, 1.12 scales', (t) => {
  const at = fleet([550, 550]);
  t.like(utilization(at.pods, at.items, 2, 50), { replicas: 2, utilization: 55 });
  const over = fleet([560, 560]);
  t.like(utilization(over.pods, over.items, 2, 50), { replicas: 3, utilization: 56 });
  const under = fleet([450, 450]);
  t.like(utilization(under.pods, under.items, 2, 50), { replicas: 2, utilization: 45 });
  // a wider tolerance swallows more
  t.like(utilization(over.pods, over.items, 2, 50, { tolerance: 0.2 }), { replicas: 2 });
});

test('scaling up with unready pods assumes they use nothing', (t) => {
  const pods = [pod('a', { ready: 'False' }), pod('b'), pod('c')];
  const items = [usage('a', '300m'), usage('b', '500m'), usage('c', '700m')];
  // ready pods: 1200 / 2000 = 60 % (ratio 2); with a at 0: 1200 / 3000 = 40 %, ceil(1.33 × 3) = 4
  t.deepEqual(utilization(pods, items, 3, 30), { replicas: 4, utilization: 60, rawAverage: 600 });
});

test('unready pods that turn a scale-up around keep the size', (t) => {
  const pods = [pod('a'), pod('b', { ready: 'False' }), pod('c', { ready: 'False' })];
  const items = [usage('a', '400m'), usage('b', '500m'), usage('c', '700m')];
  // 40 % → ratio 1.33 up; with b, c at 0: 13 % → ratio 0.43 down: no change
  t.like(utilization(pods, items, 3, 30), { replicas: 3, utilization: 40 });
});

test('scaling down leaves unready pods out', (t) => {
  const pods = ['a', 'b', 'c', 'd', 'e'].map((n, i) => pod(n, { ready: i < 3 ? 'True' : 'False' }));
  const items = [100, 300, 500, 250, 250].map((m, i) => usage('abcde'[i], `${m}m`));
  // 900 / 3000 = 30 % against 50 %: ceil(0.6 × 3 ready) = 2
  t.like(utilization(pods, items, 5, 50), { replicas: 2, utilization: 30 });
});

test('Pending pods count as unready; Failed and deleted pods not at all', (t) => {
  const pending = [pod('p', { phase: 'Pending' }), pod('b'), pod('c')];
  t.like(utilization(pending, [usage('b', '500m'), usage('c', '700m')], 3, 30), { replicas: 4 });
  const gone = [pod('f', { phase: 'Failed' }), pod('d', { deleting: true }), pod('b'), pod('c')];
  const items = [usage('f', '300m'), usage('d', '300m'), usage('b', '500m'), usage('c', '700m')];
  // only b and c: 60 % → ratio 2 → ceil(2 × 2) = 4, nothing assumed for f and d
  t.like(utilization(gone, items, 4, 30), { replicas: 4, utilization: 60 });
});

test('a pod without a Ready condition or a start time is unready', (t) => {
  const pods = [pod('a', { ready: null }), pod('b', { startTime: null }), pod('c')];
  const items = [usage('a', '900m'), usage('b', '900m'), usage('c', '600m')];
  // c alone: 60 % against 30 %, then a and b at 0: 20 % → ratio 0.67, a turnaround: no change
  t.like(utilization(pods, items, 3, 30), { replicas: 3, utilization: 60 });
});

test('CPU of a starting pod counts only after a full metric window of readiness', (t) => {
  const start = new Date(NOW - 60_000).toISOString();
  const readySince = new Date(NOW - 50_000).toISOString();
  const hot = (window: string) => ({
    pods: [pod('hot', { startTime: start, readySince }), pod('b'), pod('c')],
    items: [usage('hot', '1', { window }), usage('b', '500m'), usage('c', '700m')],
  });
  // sampled over 30 s, all after it turned Ready: counts. 2200 / 3000 = 73 % → ceil(2.43 × 3) = 8
  const settled = hot('30s');
  t.like(utilization(settled.pods, settled.items, 3, 30), { replicas: 8, utilization: 73 });
  // sampled over 60 s, partly before: unready, assumed 0 on the way up → 4
  const warm = hot('60s');
  t.like(utilization(warm.pods, warm.items, 3, 30), { replicas: 4, utilization: 60 });
});

test('after the initialization period only a pod that was never Ready is left out', (t) => {
  // Ready=False 10 min after start, but it was Ready before (turned unready long after starting): counts
  const flapped = [pod('a', { ready: 'False', readySince: '2024-01-01T00:05:00Z' }), pod('b')];
  const items = [usage('a', '800m'), usage('b', '800m')];
  t.like(utilization(flapped, items, 2, 50), { replicas: 4, utilization: 80 });
  // unready since 10 s after start (never ready): left out, and assumed 0 on the way up
  const never = [pod('a', { ready: 'False', readySince: '2024-01-01T00:00:10Z' }), pod('b')];
  t.like(utilization(never, items, 2, 50), { replicas: 2, utilization: 80 });
});

test('memory has no readiness rule: unready pods with samples count', (t) => {
  const pods = [pod('a', { ready: 'False', memory: '100Mi' }), pod('b', { memory: '100Mi' })];
  const items = [usage('a', '1m', { memory: '90Mi' }), usage('b', '1m', { memory: '90Mi' })];
  t.like(utilization(pods, items, 2, 60, { resource: 'memory' }), { replicas: 3, utilization: 90 });
});

test('pods without a sample: 0 % on the way up', (t) => {
  const pods = [pod('a'), pod('b'), pod('c')];
  // a and b: 100 % against 50 %; c at 0 → 66 %: ceil(1.32 × 3) = 4
  t.like(utilization(pods, [usage('a', '1'), usage('b', '1')], 3, 50), { replicas: 4, utilization: 100 });
});

test('pods without a sample: 100 % of their request (or the target, if higher) on the way down', (t) => {
  const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n));
  const items = ['a', 'b', 'c'].map((n) => usage(n, '100m'));
  // 10 % → ratio 0.2; d at 1000m: 1300 / 4000 = 32 % → ceil(0.64 × 4) = 3, not ceil(0.2 × 3) = 1
  t.like(utilization(pods, items, 4, 50), { replicas: 3, utilization: 10 });
  // target 150 %: d counts at 1500m: 3300 / 4000 = 82 % → ceil(0.547 × 4) = 3 (at 100 % it would be 2)
  const busy = ['a', 'b', 'c'].map((n) => usage(n, '600m'));
  t.like(utilization(pods, busy, 4, 150), { replicas: 3, utilization: 60 });
});

test('pods without a sample and a ratio of exactly 1: no change', (t) => {
  t.like(utilization([pod('a'), pod('b')], [usage('a', '1')], 2, 100), { replicas: 2, utilization: 100 });
});

test('errors name the cause as upstream does', (t) => {
  const { pods, items } = fleet([500, 500]);
  pods[1] = pod('web-1', { cpu: null });
  t.throws(() => utilization(pods, items, 2, 50), {
    message: 'missing request for cpu in container app of Pod web-1',
  });
  t.throws(() => utilization([], items, 2, 50), {
    message: 'no pods returned by selector while calculating replica count',
  });
  const unready = [pod('web-0', { ready: 'False' }), pod('web-1', { phase: 'Pending' })];
  t.throws(() => utilization(unready, items, 2, 50), {
    message: 'did not receive metrics for targeted pods (pods might be unready)',
  });
  t.throws(() => utilization(pods, [], 2, 50), {
    message: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
  });
});

test('requests: sidecars count, pod-level requests win, a named container counts alone', (t) => {
  const sidecar: HpaPod = {
    metadata: { name: 's' },
    spec: {
      containers: [{ name: 'app', resources: { requests: { cpu: '200m' } } }],
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
        { name: 'init', resources: {} },
      ],
    },
  };
  t.is(podRequests([sidecar], 'cpu').get('s'), 300);
  t.is(podRequests([sidecar], 'cpu', 'proxy').get('s'), 100);
  t.throws(() => podRequests([sidecar], 'cpu', 'nope'), { message: 'container nope not found in Pod s' });
  const podLevel: HpaPod = { ...sidecar, spec: { ...sidecar.spec, resources: { requests: { cpu: '1' } } } };
  t.is(podRequests([podLevel], 'cpu').get('s'), 1000);
  t.throws(() => podRequests([podLevel], 'memory'), {
    message: 'missing pod-level request for memory in Pod s',
  });
});

test('average value targets: ceil(average usage / target × ready pods)', (t) => {
  const { pods, items } = fleet([300, 500, 700]);
  t.deepEqual(average(pods, items, 3, 250), { replicas: 6, usage: 500 });
  t.deepEqual(average(pods, items, 3, 480), { replicas: 3, usage: 500 });
  // missing pods count as using exactly the target on the way down
  const four = ['a', 'b', 'c', 'd'].map((n) => pod(n));
  const three = ['a', 'b', 'c'].map((n) => usage(n, '100m'));
  // 100 → ratio 0.4; d at 250: 550 / 4 = 137 → ceil(0.548 × 4) = 3
  t.deepEqual(average(four, three, 4, 250), { replicas: 3, usage: 100 });
});
