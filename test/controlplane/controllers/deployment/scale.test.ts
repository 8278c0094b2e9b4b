import test from 'ava';
import {
  planScale,
  isScalingEvent,
  planDeploymentSync,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { deployment, replicaSet } from './fixtures.js';

const sized = (name: string, replicas: number, max: number, created: string, desired = 10) =>
  replicaSet(name, replicas, {
    created: new Date(created),
    annotations: {
      'deployment.kubernetes.io/desired-replicas': String(desired),
      'deployment.kubernetes.io/max-replicas': String(max),
    },
  });

const surge3 = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };

test('proportional scaling mid-rollout: 10 → 15 splits 5 new pods 3 old / 2 new', (t) => {
  const old = sized('web-old', 8, 13, '2024-01-01T00:00:00Z');
  const fresh = sized('web-new', 5, 13, '2024-02-01T00:00:00Z');
  const d = deployment({ replicas: 15, strategy: surge3 });
  t.true(isScalingEvent(d, [old, fresh]));
  const ops = planScale(d, fresh, [old]);
  t.deepEqual(
    ops.map((o) => [o.name, o.from, o.replicas]),
    [
      ['web-old', 8, 11],
      ['web-new', 5, 7],
    ],
  );
  t.deepEqual(ops[0]!.annotations, {
    'deployment.kubernetes.io/desired-replicas': '15',
    'deployment.kubernetes.io/max-replicas': '18',
  });
});

test('proportional scaling down: 10 → 5 takes 3 from old and 2 from new', (t) => {
  const old = sized('web-old', 8, 13, '2024-01-01T00:00:00Z');
  const fresh = sized('web-new', 5, 13, '2024-02-01T00:00:00Z');
  // allowed 5 + 3 = 8, 13 − 8 = 5 to remove: old round(8×8/13) − 8 = −3, new −2
  const ops = planScale(deployment({ replicas: 5, strategy: surge3 }), fresh, [old]);
  t.deepEqual(
    ops.map((o) => [o.name, o.replicas]),
    [
      ['web-old', 5],
      ['web-new', 3],
    ],
  );
});

test('equal sizes: growth favours the newer ReplicaSet, leftovers go to the first', (t) => {
  const a = sized('web-a', 2, 5, '2024-01-01T00:00:00Z', 4);
  const b = sized('web-b', 2, 5, '2024-02-01T00:00:00Z', 4);
  // 4 → 5 replicas, surge 1: allowed 6, 2 to add; each round(2×6/5) − 2 = 0 → both leftovers to b
  const ops = planScale(deployment({ replicas: 5 }), b, [a]);
  const sizes = Object.fromEntries(ops.map((o) => [o.name, o.replicas]));
  t.is(sizes['web-b'], 4);
  t.is(sizes['web-a'] ?? 2, 2);
});

test('a single active ReplicaSet simply takes the new size', (t) => {
  const only = sized('web-a', 10, 11, '2024-01-01T00:00:00Z');
  t.deepEqual(
    planScale(deployment({ replicas: 4 }), only, [replicaSet('web-z', 0)]).map((o) => [o.name, o.replicas]),
    [['web-a', 4]],
  );
  t.deepEqual(planScale(deployment({ replicas: 10 }), only, []), []);
});

test('a scaling event mid-rollout is scaled, not rolled', (t) => {
  const old = sized('web-old', 8, 13, '2024-01-01T00:00:00Z');
  const d = deployment({ replicas: 15, strategy: surge3 });
  const fresh = sized('web-new', 5, 13, '2024-02-01T00:00:00Z');
  fresh.spec.template = structuredClone(d.spec.template);
  const plan = planDeploymentSync(d, [old, fresh], [], new Date());
  t.is(plan.create, undefined);
  t.deepEqual(
    plan.scale.map((o) => [o.name, o.replicas]),
    [
      ['web-old', 11],
      ['web-new', 7],
    ],
  );
});
