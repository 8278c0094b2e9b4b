import test from 'ava';
import {
  planRollingUpdate,
  getCondition,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { Cluster, deployment, replicaSet, template } from './fixtures.js';

test('first step surges the new ReplicaSet, the next scales the old one down', (t) => {
  const d = deployment();
  const old = replicaSet('web-old', 10, { revision: 1 });
  const fresh = replicaSet('web-new', 0, { revision: 2 });
  t.deepEqual(
    planRollingUpdate(d, fresh, [old]).map((o) => [o.name, o.replicas]),
    [['web-new', 1]],
  );
  // 11 pods, the new one not yet available: 11 − 9 − 1 = 1 may go, and 10 available > 9
  const surged = {
    ...fresh,
    spec: { ...fresh.spec, replicas: 1 },
    status: { replicas: 1, availableReplicas: 0 },
  };
  const ops = planRollingUpdate(d, surged, [old]);
  t.deepEqual(
    ops.map((o) => [o.name, o.from, o.replicas]),
    [['web-old', 10, 9]],
  );
  t.is(ops[0]!.event, 'Scaled down replica set web-old from 10 to 9');
  t.deepEqual(ops[0]!.annotations, {
    'deployment.kubernetes.io/desired-replicas': '10',
    'deployment.kubernetes.io/max-replicas': '11',
  });
});

test('waits while the new pods are unavailable (rolling.go case 1)', (t) => {
  // 10 replicas, maxSurge 3, maxUnavailable 2: new at 5 crash-looping, old at 8, one old pod lost
  const d = deployment({
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
  });
  const old = replicaSet('web-old', 8, { available: 7 });
  const bad = replicaSet('web-bad', 5, { available: 0 });
  t.deepEqual(planRollingUpdate(d, bad, [old]), []);
});

test('unhealthy old replicas are cleaned up before healthy ones (kubernetes#16737)', (t) => {
  // 10 replicas, surge 3, unavailable 2; old A (older) has 3 of 5 available, old B 5 of 5,
  // new 3 with 3 available: 13 − 8 − 0 = 5 may go; A's 2 unavailable first, then by availability
  const d = deployment({
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
  });
  const a = replicaSet('web-a', 5, { available: 3, created: new Date('2024-01-01T00:00:00Z') });
  const b = replicaSet('web-b', 5, { available: 5, created: new Date('2024-02-01T00:00:00Z') });
  const n = replicaSet('web-n', 3, { available: 3, created: new Date('2024-03-01T00:00:00Z') });
  // available 11 > min 8: 3 more after the 2 unhealthy, oldest first → A to 0, B to 5
  t.deepEqual(
    planRollingUpdate(d, n, [b, a]).map((o) => [o.name, o.replicas]),
    [['web-a', 0]],
  );
  // an explicit availability map overrides the ReplicaSets' statuses: all old pods healthy,
  // the 3 new ones not yet available → 13 − 8 − 3 = 2 may go, from the oldest
  t.deepEqual(
    planRollingUpdate(d, n, [b, a], { 'web-a': 5, 'web-b': 5, 'web-n': 0 }).map((o) => [o.name, o.replicas]),
    [['web-a', 3]],
  );
});

test('the new ReplicaSet shrinks with the deployment', (t) => {
  const d = deployment({ replicas: 4 });
  const ops = planRollingUpdate(d, replicaSet('web-new', 6), []);
  t.deepEqual(
    ops.map((o) => [o.name, o.replicas]),
    [['web-new', 4]],
  );
});

function rollOut(
  c: Cluster,
  t: { true(v: boolean, msg?: string): void },
  limits: { maxPods: number; minAvailable: number },
) {
  const seen = { maxPods: 0, minAvailable: Infinity, steps: 0 };
  const check = (where: string) => {
    seen.maxPods = Math.max(seen.maxPods, c.pods.length);
    seen.minAvailable = Math.min(seen.minAvailable, c.availablePods());
    t.true(c.pods.length <= limits.maxPods, `${where} step ${seen.steps}: ${c.pods.length} pods`);
    t.true(
      c.availablePods() >= limits.minAvailable,
      `${where} step ${seen.steps}: ${c.availablePods()} available`,
    );
  };
  for (; seen.steps < 300; seen.steps++) {
    c.syncDeployment();
    check('after deployment sync');
    c.syncReplicaSets();
    check('after replicaset sync');
    c.kubelet();
    c.tick();
    c.observeReplicaSets();
    check('after kubelet');
    const p = getCondition(c.deployment.status?.conditions, 'Progressing');
    if (p?.reason === 'NewReplicaSetAvailable') break;
  }
  return seen;
}

test('simulated rollout: 10 replicas, maxSurge 1, maxUnavailable 1 keeps 9..11 and completes', (t) => {
  const c = new Cluster(deployment({ minReadySeconds: 2 }));
  // bring up v1 from nothing (no availability floor yet)
  for (let i = 0; i < 20; i++) {
    c.syncDeployment();
    c.syncReplicaSets();
    c.kubelet();
    c.tick();
    c.observeReplicaSets();
  }
  c.syncDeployment();
  t.is(c.rss.length, 1);
  t.is(c.availablePods(), 10);
  t.is(c.deployment.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');

  c.deployment = {
    ...c.deployment,
    metadata: { ...c.deployment.metadata, generation: 2 },
    spec: { ...c.deployment.spec, template: template('nginx:2') },
  };
  c.readyPerTick = 1; // a slow kubelet makes the availability floor matter
  const seen = rollOut(c, t, { maxPods: 11, minAvailable: 9 });

  t.is(seen.maxPods, 11);
  t.is(seen.minAvailable, 9);
  t.true(seen.steps < 300, 'rollout completes');
  t.is(c.podsWithImage('nginx:2'), 10);
  t.is(c.podsWithImage('nginx:1'), 0);
  const [oldRS, newRS] = c.rss;
  t.is(oldRS!.spec.replicas, 0);
  t.is(newRS!.spec.replicas, 10);
  t.is(newRS!.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  t.is(c.deployment.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  const status = c.deployment.status!;
  t.like(status, {
    replicas: 10,
    updatedReplicas: 10,
    readyReplicas: 10,
    availableReplicas: 10,
    unavailableReplicas: 0,
    observedGeneration: 2,
  });
  t.like(getCondition(status.conditions, 'Progressing'), {
    status: 'True',
    reason: 'NewReplicaSetAvailable',
    message: `ReplicaSet "${newRS!.metadata.name}" has successfully progressed.`,
  });
  t.like(getCondition(status.conditions, 'Available'), {
    status: 'True',
    message: 'Deployment has minimum availability.',
  });
});

test('simulated rollout with percentages: 10 replicas, 25%/25% stays within 13 pods and 8 available', (t) => {
  const d = deployment({
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  });
  const c = new Cluster(d);
  for (let i = 0; i < 10; i++) {
    c.syncDeployment();
    c.syncReplicaSets();
    c.kubelet();
    c.tick();
    c.observeReplicaSets();
  }
  c.deployment = {
    ...c.deployment,
    metadata: { ...c.deployment.metadata, generation: 2 },
    spec: { ...c.deployment.spec, template: template('nginx:2') },
  };
  c.readyPerTick = 2;
  const seen = rollOut(c, t, { maxPods: 13, minAvailable: 8 });
  t.true(seen.steps < 300);
  t.is(c.podsWithImage('nginx:2'), 10);
});
