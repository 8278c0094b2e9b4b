/**
 * PodDisruptionBudget health, as argo-cd's resource_customizations/policy/PodDisruptionBudget
 * assesses it: Progressing until the disruption controller has written its status, Degraded
 * when DisruptionAllowed is False for a failure (SyncFailed), Healthy otherwise — including
 * InsufficientPods, which every rollout of a tight budget goes through (argo-cd #20171).
 */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../../src/core/index.js';
import { assessHealth, type HealthStatus } from '../../../src/sync/health/index.js';

const T0 = '2026-03-02T10:00:00Z';

/** A PDB `web` at generation 2, with `status` as the API server and controller leave it. */
function pdb(status: JsonObject | undefined, generation = 2): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'shop', generation },
    spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    ...(status ? { status } : {}),
  };
}

const allowed = (status: string, reason: string, observedGeneration = 2): JsonObject => ({
  type: 'DisruptionAllowed',
  status,
  reason,
  message: '',
  observedGeneration,
  lastTransitionTime: T0,
});

const counts = { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 };

const cases: [string, KubeObject, HealthStatus][] = [
  ['no status', pdb(undefined), { status: 'Progressing', message: 'Waiting for status' }],
  [
    // what the API server writes on creation: zero counters, no condition
    'defaulted status only',
    pdb({ currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 }),
    { status: 'Progressing', message: 'Waiting for status' },
  ],
  [
    'status for an older generation',
    pdb({ ...counts, observedGeneration: 1, conditions: [allowed('True', 'SufficientPods', 1)] }),
    { status: 'Progressing', message: 'Waiting for status' },
  ],
  [
    'disruptions allowed',
    pdb({ ...counts, observedGeneration: 2, conditions: [allowed('True', 'SufficientPods')] }),
    { status: 'Healthy', message: 'PodDisruptionBudget has SufficientPods' },
  ],
  [
    'InsufficientPods is not a failure',
    pdb({
      currentHealthy: 1,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
      expectedPods: 1,
      observedGeneration: 2,
      conditions: [allowed('False', 'InsufficientPods')],
    }),
    { status: 'Healthy', message: 'PodDisruptionBudget has InsufficientPods' },
  ],
  [
    'SyncFailed is Degraded',
    pdb({
      currentHealthy: 0,
      desiredHealthy: 0,
      disruptionsAllowed: 0,
      expectedPods: 0,
      observedGeneration: 2,
      conditions: [allowed('False', 'SyncFailed')],
    }),
    { status: 'Degraded', message: 'PodDisruptionBudget has SyncFailed' },
  ],
];

for (const [name, o, want] of cases) {
  test(name, (t) => {
    t.deepEqual(assessHealth(o), want);
  });
}
