import test from 'ava';
import {
  emptyHistory,
  planHpaSync,
  rescaleFailed,
  rescaleSucceeded,
  type Hpa,
  type HpaHistory,
  type HpaPod,
  type HpaSyncInput,
  type MetricSpec,
  type PodMetrics,
  type Scale,
} from '../../../../src/controlplane/controllers/hpa/index.js';
import { cpuUtilization, fleet, hpa, NOW, pod, scale, usage } from './fixtures.js';

const AT = new Date(NOW);
const CPU = 'cpu resource utilization (percentage of request)';

function sync(
  h: Hpa,
  s: Scale,
  load: { pods: HpaPod[]; items: PodMetrics[] },
  extra: Partial<HpaSyncInput> = {},
) {
  return planHpaSync({
    hpa: h,
    target: { scale: s },
    pods: load.pods,
    metrics: { items: load.items },
    history: emptyHistory(),
    now: AT,
    ...extra,
  });
}

const conditionsOf = (status: { conditions?: Array<{ type: string; status: string; reason: string }> }) =>
  Object.fromEntries((status.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

test('over target: scale up, with the events, conditions and status upstream writes', (t) => {
  const h = hpa();
  const plan = sync(h, scale(3), fleet([900, 900, 900]));
  // 90 % against 50 %: ceil(1.8 × 3) = 6
  t.deepEqual(plan.rescale, { from: 3, to: 6, reason: `${CPU} above target` });
  const done = rescaleSucceeded(plan, h, AT);
  t.deepEqual(done.status, {
    observedGeneration: 1,
    lastScaleTime: '2024-01-01T00:10:00Z',
    currentReplicas: 3,
    desiredReplicas: 6,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '900m' } },
      },
    ],
    conditions: [
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededRescale',
        message: 'the HPA controller was able to update the target scale to 6',
        lastTransitionTime: '2024-01-01T00:10:00Z',
      },
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message: `the HPA was able to successfully calculate a replica count from ${CPU}`,
        lastTransitionTime: '2024-01-01T00:10:00Z',
      },
      {
        type: 'ScalingLimited',
        status: 'False',
        reason: 'DesiredWithinRange',
        message: 'the desired count is within the acceptable range',
        lastTransitionTime: '2024-01-01T00:10:00Z',
      },
    ],
  });
  t.deepEqual(done.events, [
    { type: 'Normal', reason: 'SuccessfulRescale', message: `New size: 6; reason: ${CPU} above target` },
  ]);
});

test('within the tolerance: no rescale, desired = current, ReadyForNewScale', (t) => {
  const plan = sync(hpa(), scale(3), fleet([520, 520, 520]));
  t.is(plan.rescale, undefined);
  t.like(plan.status, { currentReplicas: 3, desiredReplicas: 3 });
  t.deepEqual(conditionsOf(plan.status), {
    AbleToScale: 'True/ReadyForNewScale',
    ScalingActive: 'True/ValidMetricFound',
    ScalingLimited: 'False/DesiredWithinRange',
  });
  t.deepEqual(plan.events, []);
});

test('clamped to maxReplicas: ScalingLimited True/TooManyReplicas', (t) => {
  const plan = sync(hpa({ max: 5 }), scale(3), fleet([1000, 1000, 1000]));
  t.deepEqual(plan.rescale, { from: 3, to: 5, reason: `${CPU} above target` });
  t.deepEqual(conditionsOf(plan.status), {
    AbleToScale: 'True/ReadyForNewScale',
    ScalingActive: 'True/ValidMetricFound',
    ScalingLimited: 'True/TooManyReplicas',
  });
});

test('without behavior a sync at most doubles the target (or goes to 4)', (t) => {
  const plan = sync(hpa({ max: 100 }), scale(2), fleet([5000, 5000], '1'));
  t.is(plan.rescale?.to, 4);
  t.is(conditionsOf(plan.status).ScalingLimited, 'True/ScaleUpLimit');
});

test('a target outside [min, max] is brought into range without reading metrics', (t) => {
  const below = sync(hpa({ min: 2 }), scale(1), { pods: [], items: [] });
  t.deepEqual(below.rescale, { from: 1, to: 2, reason: 'Current number of replicas below Spec.MinReplicas' });
  const above = sync(hpa({ max: 10 }), scale(12), { pods: [], items: [] });
  t.deepEqual(above.rescale, {
    from: 12,
    to: 10,
    reason: 'Current number of replicas above Spec.MaxReplicas',
  });
  t.is(above.status.currentMetrics, undefined);
  t.deepEqual(conditionsOf(above.status), { AbleToScale: 'True/SucceededGetScale' });
});

test('a target scaled to 0 turns autoscaling off', (t) => {
  const plan = sync(hpa(), scale(0), { pods: [], items: [] });
  t.is(plan.rescale, undefined);
  t.deepEqual(plan.status, {
    observedGeneration: 1,
    desiredReplicas: 0,
    conditions: [
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededGetScale',
        message: "the HPA controller was able to get the target's current scale",
        lastTransitionTime: '2024-01-01T00:10:00Z',
      },
      {
        type: 'ScalingActive',
        status: 'False',
        reason: 'ScalingDisabled',
        message: 'scaling is disabled since the replica count of the target is zero',
        lastTransitionTime: '2024-01-01T00:10:00Z',
      },
    ],
  });
});

test('an unreadable target: AbleToScale False/FailedGetScale, the rest of the status kept', (t) => {
  const old = { currentReplicas: 3, desiredReplicas: 4, lastScaleTime: '2024-01-01T00:01:00Z' };
  const plan = planHpaSync({
    hpa: hpa({}, old),
    target: { error: 'deployments.apps "web" not found' },
    pods: [],
    metrics: { items: [] },
    history: emptyHistory(),
    now: AT,
  });
  t.like(plan.status, old);
  t.deepEqual(
    plan.status.conditions?.map((c) => [c.reason, c.message]),
    [
      [
        'FailedGetScale',
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" not found',
      ],
    ],
  );
  t.deepEqual(plan.events, [
    { type: 'Warning', reason: 'FailedGetScale', message: 'deployments.apps "web" not found' },
  ]);
  t.is(
    plan.error,
    'failed to query scale subresource for Deployment/default/web: deployments.apps "web" not found',
  );
});

test('a pod without a CPU request: FailedGetResourceMetric, nothing scaled', (t) => {
  const load = fleet([900, 900]);
  load.pods[1] = pod('web-1', { cpu: null });
  const plan = sync(hpa({}, { desiredReplicas: 2 }), scale(2), load);
  const inner = 'failed to get cpu utilization: missing request for cpu in container app of Pod web-1';
  t.is(plan.rescale, undefined);
  t.like(plan.status, { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: '' }] });
  const active = plan.status.conditions?.find((c) => c.type === 'ScalingActive');
  t.like(active, {
    status: 'False',
    reason: 'FailedGetResourceMetric',
    message: `the HPA was unable to compute the replica count: ${inner}`,
  });
  t.deepEqual(plan.events, [
    { type: 'Warning', reason: 'FailedGetResourceMetric', message: inner },
    {
      type: 'Warning',
      reason: 'FailedComputeMetricsReplicas',
      message: `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${inner}`,
    },
  ]);
});

test('no metrics API: the condition says so as on a cluster without metrics-server', (t) => {
  const plan = sync(hpa(), scale(2), fleet([500, 500]), {
    metrics: { error: 'the server could not find the requested resource (get pods.metrics.k8s.io)' },
  });
  t.like(
    plan.status.conditions?.find((c) => c.type === 'ScalingActive'),
    {
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message:
        'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
    },
  );
});

test('selectors: missing, and claimed by two HPAs', (t) => {
  const missing = sync(hpa(), scale(2, ''), fleet([500, 500]));
  t.like(
    missing.status.conditions?.find((c) => c.type === 'ScalingActive'),
    {
      reason: 'InvalidSelector',
      message: "the HPA target's scale is missing a selector",
    },
  );
  t.deepEqual(
    missing.events.map((e) => e.reason),
    ['SelectorRequired', 'FailedComputeMetricsReplicas'],
  );
  const twice = sync(hpa(), scale(2), fleet([500, 500]), {
    otherSelectors: [
      { key: 'default/other', selector: 'app in (web,api)' },
      { key: 'default/unrelated', selector: 'app=api' },
    ],
  });
  t.like(
    twice.status.conditions?.find((c) => c.type === 'ScalingActive'),
    {
      reason: 'AmbiguousSelector',
      message: 'pods by selector app=web are controlled by multiple HPAs: [default/other default/web]',
    },
  );
});

test('several metrics: the largest proposal wins; a failing one blocks only a scale-down', (t) => {
  const memory: MetricSpec = {
    type: 'Resource',
    resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
  };
  const load = {
    pods: [pod('a', { memory: '200Mi' }), pod('b', { memory: '200Mi' })],
    items: [usage('a', '500m', { memory: '300Mi' }), usage('b', '500m', { memory: '300Mi' })],
  };
  // cpu 50 % of 50 %: 2; memory 300Mi of 100Mi: 6
  const both = sync(hpa({ metrics: [cpuUtilization(50), memory] }), scale(2), load);
  t.deepEqual(both.rescale, { from: 2, to: 4, reason: 'memory resource above target' });
  t.deepEqual(both.status.currentMetrics?.[1], {
    type: 'Resource',
    resource: { name: 'memory', current: { averageValue: '314572800' } },
  });
  const pods: MetricSpec = {
    type: 'Pods',
    pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } },
  };
  // the Pods metric cannot be read; cpu still asks for more: scale on cpu, report the error
  const hot = {
    ...load,
    items: load.items.map((m) => ({ ...m, containers: [{ name: 'app', usage: { cpu: '1' } }] })),
  };
  const partial = sync(hpa({ metrics: [cpuUtilization(50), pods] }), scale(2), hot);
  t.is(partial.rescale?.to, 4);
  t.is(conditionsOf(partial.status).ScalingActive, 'True/ValidMetricFound');
  t.regex(
    partial.error ?? '',
    /^invalid metrics \(1 invalid out of 2\), first error is: failed to get pods metric value/,
  );
  t.deepEqual(partial.status.currentMetrics?.[1], { type: '' });
  // cpu would scale down: not on partial information
  const cool = {
    ...load,
    items: load.items.map((m) => ({ ...m, containers: [{ name: 'app', usage: { cpu: '100m' } }] })),
  };
  const blocked = sync(hpa({ metrics: [cpuUtilization(50), pods] }), scale(2), cool);
  t.is(blocked.rescale, undefined);
  t.is(conditionsOf(blocked.status).ScalingActive, 'False/FailedGetPodsMetric');
});

test('scale-down waits for the stabilization window (5 minutes without behavior)', (t) => {
  const h = hpa();
  let history: HpaHistory = emptyHistory();
  const at = (s: number) => new Date(NOW + s * 1000);
  const step = (s: number, replicas: number, load: number[]) => {
    const plan = planHpaSync({
      hpa: h,
      target: { scale: scale(replicas) },
      pods: fleet(load).pods,
      metrics: { items: fleet(load).items },
      history,
      now: at(s),
    });
    const done = rescaleSucceeded(plan, h, at(s));
    history = done.history;
    return done;
  };
  t.is(step(0, 3, [900, 900, 900]).rescale?.to, 6);
  const quiet = Array(6).fill(100);
  // 10 % → 2 replicas wanted, but 6 was recommended within the window
  const held = step(15, 6, quiet);
  t.is(held.rescale, undefined);
  t.is(conditionsOf(held.status).AbleToScale, 'True/ScaleDownStabilized');
  t.is(step(290, 6, quiet).rescale, undefined);
  const down = step(301, 6, quiet);
  t.deepEqual(down.rescale, { from: 6, to: 2, reason: 'All metrics below target' });
  t.is(conditionsOf(down.status).AbleToScale, 'True/SucceededRescale');
});

test('behavior: the rate policies limit successive syncs; a disabled direction holds', (t) => {
  const h = hpa({
    max: 20,
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
      },
      scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies: [] },
    },
  });
  const first = rescaleSucceeded(sync(h, scale(2), fleet([2000, 2000])), h, AT);
  t.is(first.rescale?.to, 4);
  t.is(conditionsOf(first.status).ScalingLimited, 'True/ScaleUpLimit');
  // 30 s later the period's 2 pods are spent
  const later = new Date(NOW + 30_000);
  const second = sync(h, scale(4), fleet([2000, 2000, 2000, 2000]), { history: first.history, now: later });
  t.is(second.rescale, undefined);
  t.is(conditionsOf(second.status).ScalingLimited, 'True/ScaleUpLimit');
  // a minute after the first rescale it may grow again
  const third = sync(h, scale(4), fleet([2000, 2000, 2000, 2000]), {
    history: second.history,
    now: new Date(NOW + 61_000),
  });
  t.is(third.rescale?.to, 6);
  const idle = sync(h, scale(6), fleet(Array(6).fill(50)), {
    history: third.history,
    now: new Date(NOW + 90_000),
  });
  t.is(idle.rescale, undefined);
  t.is(conditionsOf(idle.status).ScalingLimited, 'True/ScaleDownLimit');
});

test('a failed rescale: FailedRescale, and the status keeps the old desired size', (t) => {
  const h = hpa({}, { currentReplicas: 3, desiredReplicas: 3 });
  const plan = sync(h, scale(3), fleet([900, 900, 900]));
  const failed = rescaleFailed(plan, h, 'Operation cannot be fulfilled', AT);
  t.like(failed.status, { currentReplicas: 3, desiredReplicas: 3 });
  t.is(failed.status.lastScaleTime, undefined);
  t.like(
    failed.status.conditions?.find((c) => c.type === 'AbleToScale'),
    {
      status: 'False',
      reason: 'FailedUpdateScale',
      message: 'the HPA controller was unable to update the target scale: Operation cannot be fulfilled',
    },
  );
  t.deepEqual(failed.events.at(-1), {
    type: 'Warning',
    reason: 'FailedRescale',
    message: `New size: 6; reason: ${CPU} above target; error: Operation cannot be fulfilled`,
  });
  t.deepEqual(failed.history.scaleUpEvents, []);
});

test('lastTransitionTime moves only when a condition flips', (t) => {
  const first = sync(hpa(), scale(3), fleet([520, 520, 520]));
  const h = hpa({}, first.status);
  const later = new Date(NOW + 60_000);
  const same = sync(h, scale(3), fleet([510, 510, 510]), { now: later });
  t.deepEqual(same.status.conditions, first.status.conditions);
  const broken = sync(h, scale(3), fleet([510, 510, 510]), { now: later, metrics: { error: 'down' } });
  const active = broken.status.conditions?.find((c) => c.type === 'ScalingActive');
  t.is(active?.lastTransitionTime, '2024-01-01T00:11:00Z');
  t.is(broken.status.conditions?.[0].lastTransitionTime, '2024-01-01T00:10:00Z');
});

test('ContainerResource: only the named container counts, against its own request', (t) => {
  const containers = [
    { name: 'app', cpu: '200m' },
    { name: 'sidecar', cpu: '100m' },
  ];
  const pods = [pod('a', { containers }), pod('b', { containers })];
  const sample = (name: string) =>
    usage(name, undefined, {
      containers: [
        { name: 'app', usage: { cpu: '300m' } },
        { name: 'sidecar', usage: { cpu: '10m' } },
      ],
    });
  const spec: MetricSpec = {
    type: 'ContainerResource',
    containerResource: {
      name: 'cpu',
      container: 'app',
      target: { type: 'Utilization', averageUtilization: 50 },
    },
  };
  // app alone: 150 % of its request → ceil(3 × 2) = 6, clamped to 4 (2 × 2) without behavior
  const plan = sync(hpa({ metrics: [spec] }), scale(2), { pods, items: [sample('a'), sample('b')] });
  t.deepEqual(plan.rescale, {
    from: 2,
    to: 4,
    reason: 'cpu container resource utilization (percentage of request) above target',
  });
  t.deepEqual(plan.status.currentMetrics, [
    {
      type: 'ContainerResource',
      containerResource: {
        name: 'cpu',
        container: 'app',
        current: { averageUtilization: 150, averageValue: '300m' },
      },
    },
  ]);
});
