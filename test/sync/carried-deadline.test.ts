/**
 * Which progress deadline an apply carries over from the rollout before it, and that the
 * gate's health leaves exactly that condition out — a deadline this rollout passes counts.
 */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../src/core/index.js';
import { carriedDeadline, withoutCarriedDeadline } from '../../src/sync/carried-deadline.js';
import { assessHealth } from '../../src/sync/health/index.js';

const timedOut = (at: string): JsonObject => ({
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-6f9c7d8b5" has timed out progressing.',
  lastUpdateTime: at,
  lastTransitionTime: at,
});
const available: JsonObject = {
  type: 'Available',
  status: 'True',
  reason: 'MinimumReplicasAvailable',
  message: 'Deployment has minimum availability.',
};

/** One replica going back to its old ReplicaSet: one updated, one old, one available pod. */
function deployment(
  generation: number,
  observed: number,
  progressing: JsonObject,
  kind = 'Deployment',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'shop', generation },
    spec: { replicas: 1, progressDeadlineSeconds: 2 },
    status: {
      observedGeneration: observed,
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [available, progressing],
    },
  };
}

const before = timedOut('2024-05-01T12:00:02Z');

test('an apply that changed the spec carries the deadline passed before it', (t) => {
  t.deepEqual(carriedDeadline(deployment(3, 2, before)), before);
});

test('nothing is carried when the controller already saw the spec, or there was no deadline passed', (t) => {
  t.is(carriedDeadline(deployment(2, 2, before)), undefined, 'the apply changed no spec: the verdict stands');
  const progressing = { ...before, status: 'True', reason: 'ReplicaSetUpdated' };
  t.is(carriedDeadline(deployment(3, 2, progressing)), undefined);
  t.is(carriedDeadline(deployment(3, 2, before, 'StatefulSet')), undefined);
  t.is(carriedDeadline(undefined), undefined);
});

test('the carried condition, still there once the controller observes the rollback, is no verdict', (t) => {
  const live = deployment(3, 3, { ...before });
  t.is(assessHealth(live).status, 'Degraded', 'what Argo CD reads for that moment');
  const judged = withoutCarriedDeadline(live, before);
  t.deepEqual(assessHealth(judged), {
    status: 'Progressing',
    message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
  });
  // the live object itself is left as it was
  t.is(((live.status as JsonObject).conditions as JsonObject[]).length, 2);
});

test('a deadline passed by this rollout is written afresh, and counts', (t) => {
  const live = deployment(3, 3, timedOut('2024-05-01T12:00:09Z'));
  t.is(withoutCarriedDeadline(live, before), live);
  t.is(assessHealth(withoutCarriedDeadline(live, before)).status, 'Degraded');
  t.is(withoutCarriedDeadline(live, undefined), live);
});
