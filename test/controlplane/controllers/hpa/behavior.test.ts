import test from 'ava';
import {
  behaviorRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  emptyHistory,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  recordScaleEvent,
  scaleDownLimit,
  scaleUpLimit,
  stabilizeRecommendation,
  stabilizeWithBehavior,
  type HpaHistory,
  type ScalingRules,
} from '../../../../src/controlplane/controllers/hpa/index.js';

const NOW = 1_000_000_000;
const ago = (s: number) => NOW - s * 1000;
const history = (h: Partial<HpaHistory>): HpaHistory => ({ ...emptyHistory(), ...h });
const up = (change: number, secondsAgo: number) => ({ change, at: ago(secondsAgo), outdated: false });

test('without behavior: the highest recommendation of the window, the oldest slot reused', (t) => {
  const recs = [
    { replicas: 10, at: ago(400) },
    { replicas: 8, at: ago(200) },
  ];
  const r = stabilizeRecommendation(recs, 4, NOW, 300_000);
  t.is(r.replicas, 8);
  t.deepEqual(r.recommendations, [
    { replicas: 4, at: NOW },
    { replicas: 8, at: ago(200) },
  ]);
  t.is(stabilizeRecommendation(recs, 12, NOW, 300_000).replicas, 12);
  // a sample exactly at the cutoff still counts (only older ones drop out)
  t.is(stabilizeRecommendation([{ replicas: 9, at: ago(300) }], 4, NOW, 300_000).replicas, 9);
});

test('with behavior: held between the scale-up window minimum and the scale-down window maximum', (t) => {
  const upWindow = stabilizeWithBehavior(
    [
      { replicas: 8, at: ago(30) },
      { replicas: 9, at: ago(10) },
    ],
    { current: 5, desired: 12, scaleUpWindowSeconds: 60, scaleDownWindowSeconds: 0 },
    NOW,
  );
  t.like(upWindow, { replicas: 8, reason: 'ScaleUpStabilized' });
  t.is(upWindow.recommendations.length, 3);

  const downWindow = stabilizeWithBehavior(
    [{ replicas: 10, at: ago(100) }],
    { current: 10, desired: 4, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 300 },
    NOW,
  );
  t.like(downWindow, {
    replicas: 10,
    reason: 'ScaleDownStabilized',
    message:
      'recent recommendations were higher than current one, applying the highest recent recommendation',
  });

  // past both windows: the recommendation goes through and its slot is reused
  const expired = stabilizeWithBehavior(
    [{ replicas: 10, at: ago(400) }],
    { current: 10, desired: 4, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 300 },
    NOW,
  );
  t.is(expired.replicas, 4);
  t.deepEqual(expired.recommendations, [{ replicas: 4, at: NOW }]);
});

test('without behavior: min/max and at most max(2 × current, 4) per sync', (t) => {
  const cases: Array<[number, number, number, number, number, string]> = [
    // current, desired, min, max → replicas, reason
    [3, 10, 1, 20, 6, 'ScaleUpLimit'],
    [1, 10, 1, 20, 4, 'ScaleUpLimit'],
    [3, 10, 1, 5, 5, 'TooManyReplicas'],
    [3, 0, 2, 10, 2, 'TooFewReplicas'],
    [3, 4, 1, 10, 4, 'DesiredWithinRange'],
    [8, 2, 1, 10, 2, 'DesiredWithinRange'],
  ];
  for (const [current, desired, min, max, replicas, reason] of cases) {
    t.like(
      convertDesiredReplicasWithRules(current, desired, min, max),
      { replicas, reason },
      `${current}→${desired}`,
    );
  }
});

const policies = (
  selectPolicy: ScalingRules['selectPolicy'],
  ...p: ScalingRules['policies'] & object
): ScalingRules => ({
  selectPolicy,
  policies: p,
});

test('scale-up policies count from the size at the start of their period', (t) => {
  const rules = (s: ScalingRules['selectPolicy']) =>
    policies(
      s,
      { type: 'Pods', value: 4, periodSeconds: 60 },
      { type: 'Percent', value: 100, periodSeconds: 60 },
    );
  // grown by 4 in the last 30 s: the period started at 6 → Pods 10, Percent 12
  const recent = history({ scaleUpEvents: [up(4, 30)] });
  t.is(scaleUpLimit(10, recent, rules('Max'), NOW), 12);
  t.is(scaleUpLimit(10, recent, rules('Min'), NOW), 10);
  t.is(scaleUpLimit(10, recent, rules('Disabled'), NOW), 10);
  // an event older than the period no longer counts
  t.is(scaleUpLimit(10, history({ scaleUpEvents: [up(4, 61)] }), rules('Max'), NOW), 20);
  // a recent scale-down gives its pods back to the period's start
  t.is(scaleUpLimit(6, history({ scaleDownEvents: [up(4, 10)] }), rules('Max'), NOW), 20);
  // Percent rounds up, so a single pod can still grow
  t.is(
    scaleUpLimit(1, emptyHistory(), policies('Max', { type: 'Percent', value: 10, periodSeconds: 15 }), NOW),
    2,
  );
});

test('scale-down policies: Max takes the biggest cut, Min the smallest; Percent rounds down', (t) => {
  const rules = (s: ScalingRules['selectPolicy']) =>
    policies(
      s,
      { type: 'Percent', value: 50, periodSeconds: 60 },
      { type: 'Pods', value: 3, periodSeconds: 60 },
    );
  t.is(scaleDownLimit(10, emptyHistory(), rules('Max'), NOW), 5);
  t.is(scaleDownLimit(10, emptyHistory(), rules('Min'), NOW), 7);
  t.is(scaleDownLimit(10, emptyHistory(), rules('Disabled'), NOW), 10);
  // already cut by 2 in this period: counted from 10 again
  t.is(scaleDownLimit(8, history({ scaleDownEvents: [up(2, 20)] }), rules('Max'), NOW), 5);
  t.is(
    scaleDownLimit(
      3,
      emptyHistory(),
      policies('Max', { type: 'Percent', value: 50, periodSeconds: 15 }),
      NOW,
    ),
    1,
  );
});

test('behavior rate: the policies and min/max bound the stabilized recommendation', (t) => {
  const defaults = behaviorRules({}, 300_000);
  const args = { current: 4, desired: 9, min: 1, max: 10, ...defaults };
  const twoPods = policies('Max', { type: 'Pods', value: 2, periodSeconds: 60 });
  t.like(convertDesiredReplicasWithBehaviorRate({ ...args, scaleUp: twoPods }, emptyHistory(), NOW), {
    replicas: 6,
    reason: 'ScaleUpLimit',
  });
  t.like(convertDesiredReplicasWithBehaviorRate({ ...args, max: 5 }, emptyHistory(), NOW), {
    replicas: 5,
    reason: 'TooManyReplicas',
  });
  // the period's budget is spent: no further growth until its events age out
  const spent = history({ scaleUpEvents: [up(6, 10)] });
  t.like(convertDesiredReplicasWithBehaviorRate({ ...args, scaleUp: twoPods }, spent, NOW), {
    replicas: 4,
    reason: 'ScaleUpLimit',
  });
  const down = { ...args, current: 5, desired: 2 };
  t.like(
    convertDesiredReplicasWithBehaviorRate({ ...down, scaleDown: policies('Disabled') }, emptyHistory(), NOW),
    { replicas: 5, reason: 'ScaleDownLimit' },
  );
  t.like(convertDesiredReplicasWithBehaviorRate({ ...down, desired: 1, min: 2 }, emptyHistory(), NOW), {
    replicas: 2,
    reason: 'TooFewReplicas',
  });
  t.like(convertDesiredReplicasWithBehaviorRate(down, emptyHistory(), NOW), {
    replicas: 2,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  });
});

test('API defaults fill rules the HPA leaves out, the controller window for scale-down', (t) => {
  t.deepEqual(behaviorRules({ scaleDown: { policies: [] } }, 120_000), {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: 120,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  });
});

test('scale events are kept only with behavior, reusing outdated slots', (t) => {
  const h = emptyHistory();
  t.is(recordScaleEvent(h, undefined, 2, 4, NOW), h);
  const behavior = { scaleUp: policies('Max', { type: 'Pods', value: 4, periodSeconds: 60 }) };
  const first = recordScaleEvent(h, behavior, 2, 4, ago(100));
  t.deepEqual(first.scaleUpEvents, [{ change: 2, at: ago(100), outdated: false }]);
  const second = recordScaleEvent(first, behavior, 4, 7, NOW);
  t.deepEqual(second.scaleUpEvents, [{ change: 3, at: NOW, outdated: false }]);
  const down = recordScaleEvent(second, behavior, 7, 5, NOW);
  t.deepEqual(down.scaleDownEvents, [{ change: 2, at: NOW, outdated: false }]);
});

test('normalizing without behavior reports the window and the limit in conditions', (t) => {
  const held = normalizeDesiredReplicas(
    history({ recommendations: [{ replicas: 10, at: ago(60) }] }),
    { current: 10, desired: 4, min: 1, max: 10 },
    NOW,
    300_000,
  );
  t.is(held.replicas, 10);
  t.like(held.ableToScale, { status: 'True', reason: 'ScaleDownStabilized' });
  t.like(held.scalingLimited, { status: 'False', reason: 'DesiredWithinRange' });
  const later = normalizeDesiredReplicas(
    held.history,
    { current: 10, desired: 4, min: 5, max: 10 },
    NOW + 301_000,
    300_000,
  );
  t.is(later.replicas, 5);
  t.like(later.ableToScale, { reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
  t.like(later.scalingLimited, { status: 'True', reason: 'TooFewReplicas' });
});

test('normalizing with behavior: stabilized, then rate-limited', (t) => {
  const n = normalizeDesiredReplicasWithBehaviors(
    history({ recommendations: [{ replicas: 3, at: ago(10) }] }),
    {
      current: 3,
      desired: 20,
      min: 1,
      max: 30,
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          ...policies('Max', { type: 'Pods', value: 2, periodSeconds: 60 }),
        },
      },
    },
    NOW,
    300_000,
  );
  t.is(n.replicas, 5);
  t.like(n.ableToScale, { reason: 'ReadyForNewScale' });
  t.like(n.scalingLimited, { status: 'True', reason: 'ScaleUpLimit' });
  t.deepEqual(n.history.recommendations.at(-1), { replicas: 20, at: NOW });
});
