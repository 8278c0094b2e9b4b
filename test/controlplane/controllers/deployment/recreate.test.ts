import test from 'ava';
import { planRecreate, getCondition } from '../../../../src/controlplane/controllers/deployment/index.js';
import { Cluster, deployment, pod, replicaSet, template } from './fixtures.js';

const recreate = () => deployment({ replicas: 3, strategy: { type: 'Recreate' } });

test('Recreate scales old ReplicaSets to 0 before anything else', (t) => {
  const plan = planRecreate(recreate(), undefined, [replicaSet('web-a', 3), replicaSet('web-b', 0)]);
  t.deepEqual(
    plan.scale.map((o) => [o.name, o.replicas]),
    [['web-a', 0]],
  );
  t.false(plan.createNewReplicaSet);
});

test('Recreate waits for old pods, terminating ones included', (t) => {
  const old = replicaSet('web-a', 0);
  old.status = { replicas: 0 };
  const lingering = pod('web-a-1', { phase: 'Running', node: 'n1' });
  lingering.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  lingering.metadata.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-a', uid: 'uid-web-a', controller: true },
  ];
  t.like(planRecreate(recreate(), undefined, [old], [lingering]), {
    waitingForOldPods: true,
    createNewReplicaSet: false,
  });
  // a finished pod does not hold the rollout
  lingering.status!.phase = 'Succeeded';
  t.like(planRecreate(recreate(), undefined, [old], [lingering]), {
    waitingForOldPods: false,
    createNewReplicaSet: true,
  });
  // an old ReplicaSet still reporting pods does
  old.status = { replicas: 1 };
  t.like(planRecreate(recreate(), undefined, [old], []), { waitingForOldPods: true });
});

test('Recreate grows an existing new ReplicaSet to the full count at once', (t) => {
  const plan = planRecreate(recreate(), replicaSet('web-n', 0), [replicaSet('web-a', 0)]);
  t.deepEqual(
    plan.scale.map((o) => [o.name, o.replicas]),
    [['web-n', 3]],
  );
});

test('simulated Recreate never runs old and new pods together', (t) => {
  const c = new Cluster(recreate());
  for (let i = 0; i < 5; i++) {
    c.syncDeployment();
    c.syncReplicaSets();
    c.kubelet();
    c.tick();
    c.observeReplicaSets();
  }
  t.is(c.podsWithImage('nginx:1'), 3);
  c.deployment = {
    ...c.deployment,
    metadata: { ...c.deployment.metadata, generation: 2 },
    spec: { ...c.deployment.spec, template: template('nginx:2') },
  };
  let sawEmpty = false;
  for (let i = 0; i < 20; i++) {
    c.syncDeployment();
    c.syncReplicaSets();
    t.false(c.podsWithImage('nginx:1') > 0 && c.podsWithImage('nginx:2') > 0, `step ${i}`);
    if (c.pods.length === 0) sawEmpty = true;
    c.kubelet();
    c.tick();
    c.observeReplicaSets();
  }
  t.true(sawEmpty);
  t.is(c.podsWithImage('nginx:2'), 3);
  t.like(getCondition(c.deployment.status?.conditions, 'Progressing'), { reason: 'NewReplicaSetAvailable' });
  // Recreate has no slack: Available needs all 3
  t.like(getCondition(c.deployment.status?.conditions, 'Available'), { status: 'True' });
});
