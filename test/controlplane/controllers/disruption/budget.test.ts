/**
 * The disruption controller's arithmetic as tables: which pods a budget selects, how many it
 * expects and wants healthy (percentages round up, as upstream), evicted pods that still
 * count as gone, and the status written on success and on failure.
 */
import test from 'ava';
import {
  budgetStatus,
  countHealthyPods,
  disruptedPodMap,
  expectedPods,
  failedStatus,
  podsSelectedBy,
  type ControllerScale,
  type OwnerReference,
  type Pod,
  type PodDisruptionBudget,
  type ScaleFinder,
} from '../../../../src/controlplane/controllers/disruption/index.js';

const NOW = new Date('2024-01-01T12:00:00Z');

function pod(
  name: string,
  opts: { owner?: string; ready?: boolean; deleting?: boolean; app?: string } = {},
): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { app: opts.app ?? 'web' },
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: opts.owner,
                uid: `uid-${opts.owner}`,
                controller: true,
              },
            ],
          }
        : {}),
      ...(opts.deleting ? { deletionTimestamp: NOW.toISOString() } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

function pdb(spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget {
  return {
    metadata: { name: 'b', namespace: 'default', generation: 3 },
    spec,
    ...(status ? { status } : {}),
  };
}

/** Each ReplicaSet `rs-N` belongs to a controller of `scales[N]` replicas; lookups are recorded. */
function finder(scales: Record<string, ControllerScale>): ScaleFinder & { asked: string[] } {
  const asked: string[] = [];
  const find = (ref: OwnerReference) => {
    asked.push(ref.name);
    return scales[ref.name];
  };
  return Object.assign(find, { asked });
}

const threeOfOne = [pod('a', { owner: 'rs' }), pod('b', { owner: 'rs' }), pod('c', { owner: 'rs' })];
const deploymentOf3 = { rs: { uid: 'deploy', replicas: 3 } };

const cases: Array<[string, PodDisruptionBudget['spec'], { expectedCount: number; desiredHealthy: number }]> =
  [
    ['minAvailable 2 counts the pods', { minAvailable: 2 }, { expectedCount: 3, desiredHealthy: 2 }],
    [
      'minAvailable 50% of 3 rounds up to 2',
      { minAvailable: '50%' },
      { expectedCount: 3, desiredHealthy: 2 },
    ],
    [
      'minAvailable 34% of 3 rounds up to 2',
      { minAvailable: '34%' },
      { expectedCount: 3, desiredHealthy: 2 },
    ],
    ['maxUnavailable 1 of 3 wants 2', { maxUnavailable: 1 }, { expectedCount: 3, desiredHealthy: 2 }],
    [
      'maxUnavailable 50% of 3 rounds up: wants 1',
      { maxUnavailable: '50%' },
      { expectedCount: 3, desiredHealthy: 1 },
    ],
    [
      'maxUnavailable 5 of 3 wants none, not -2',
      { maxUnavailable: 5 },
      { expectedCount: 3, desiredHealthy: 0 },
    ],
    ['neither expects nothing', {}, { expectedCount: 0, desiredHealthy: 0 }],
  ];
for (const [name, spec, want] of cases) {
  test(`expectedPods: ${name}`, (t) => {
    t.like(expectedPods(pdb(spec), threeOfOne, finder(deploymentOf3)), want);
  });
}

test('expectedPods: an integer minAvailable never looks up a controller', (t) => {
  const find = finder({});
  t.like(expectedPods(pdb({ minAvailable: 1 }), threeOfOne, find), { expectedCount: 3 });
  t.deepEqual(find.asked, []);
});

test('expectedPods: each controller counts once, by the scale it wants, not the pods there are', (t) => {
  const find = finder({ rs: { uid: 'd', replicas: 3 }, other: { uid: 'sts', replicas: 5 } });
  const pods = [...threeOfOne, pod('s-0', { owner: 'other' })];
  t.like(expectedPods(pdb({ maxUnavailable: 0 }), pods, find), { expectedCount: 8, desiredHealthy: 8 });
  t.deepEqual(find.asked, ['rs', 'other']);
});

test('expectedPods: pods without a controller are left out and named', (t) => {
  const got = expectedPods(
    pdb({ minAvailable: '100%' }),
    [...threeOfOne, pod('bare')],
    finder(deploymentOf3),
  );
  t.deepEqual(got, { expectedCount: 3, desiredHealthy: 3, unmanagedPods: ['bare'] });
});

test('expectedPods: a controller no finder knows fails the count', (t) => {
  t.throws(() => expectedPods(pdb({ maxUnavailable: 1 }), threeOfOne, finder({})), {
    message: 'found no controllers for pod "a"',
  });
});

test('podsSelectedBy: no selector selects nothing, {} every pod, a label selector its pods', (t) => {
  const pods = [pod('a'), pod('b', { app: 'api' })];
  t.deepEqual(podsSelectedBy(pdb({}), pods), []);
  t.is(podsSelectedBy(pdb({ selector: {} }), pods).length, 2);
  t.deepEqual(
    podsSelectedBy(
      pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] } }),
      pods,
    ).map((p) => p.metadata.name),
    ['b'],
  );
});

test('podsSelectedBy: a selector that does not compile is an error, not an empty match', (t) => {
  const bad = pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] } });
  t.throws(() => podsSelectedBy(bad, [pod('a')]), {
    message: /selector\.matchExpressions\[0\]\.operator: .*Near/,
  });
});

test('disruptedPodMap: an evicted pod counts as gone for 2 minutes unless it is being deleted', (t) => {
  const oneMinuteAgo = new Date(NOW.getTime() - 60_000).toISOString();
  const threeMinutesAgo = new Date(NOW.getTime() - 180_000).toISOString();
  const budget = pdb(
    { minAvailable: 1 },
    { disruptedPods: { a: oneMinuteAgo, b: threeMinutesAgo, c: oneMinuteAgo, gone: oneMinuteAgo } },
  );
  const pods = [pod('a'), pod('b'), pod('c', { deleting: true })];
  const { disruptedPods, recheckAt } = disruptedPodMap(budget, pods, NOW);
  t.deepEqual(disruptedPods, { a: oneMinuteAgo });
  t.is(recheckAt, NOW.getTime() + 60_000);
  // a: evicted, b: ready, c: being deleted
  t.is(countHealthyPods(pods, disruptedPods), 1);
});

test('countHealthyPods: only ready pods count', (t) => {
  t.is(countHealthyPods([pod('a'), pod('b', { ready: false })], {}), 1);
});

test('budgetStatus: allows the surplus of healthy over desired, as SufficientPods at this generation', (t) => {
  const s = budgetStatus(
    pdb({ minAvailable: 2 }),
    { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} },
    NOW,
  );
  t.like(s, {
    observedGeneration: 3,
    disruptionsAllowed: 1,
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 3,
  });
  t.false('disruptedPods' in s);
  t.like(s.conditions?.[0], {
    type: 'DisruptionAllowed',
    status: 'True',
    reason: 'SufficientPods',
    message: '',
    observedGeneration: 3,
    lastTransitionTime: '2024-01-01T12:00:00Z',
  });
});

test('budgetStatus: no pods expected allows nothing, whatever the counts', (t) => {
  const s = budgetStatus(
    pdb({}),
    { currentHealthy: 2, desiredHealthy: 0, expectedCount: 0, disruptedPods: {} },
    NOW,
  );
  t.is(s.disruptionsAllowed, 0);
  t.like(s.conditions?.[0], { status: 'False', reason: 'InsufficientPods' });
});

test('failedStatus: no disruptions, SyncFailed with the cause; counts and observedGeneration stay', (t) => {
  const before = {
    observedGeneration: 2,
    disruptionsAllowed: 1,
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 3,
  };
  const s = failedStatus(pdb({ maxUnavailable: 1 }, before), 'found no controllers for pod "a"', NOW);
  t.like(s, { ...before, disruptionsAllowed: 0 });
  t.like(s.conditions?.[0], {
    status: 'False',
    reason: 'SyncFailed',
    message: 'found no controllers for pod "a"',
    observedGeneration: 2,
  });
});
