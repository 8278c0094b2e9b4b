import test from 'ava';
import { timestamp } from '../../../../src/controlplane/controllers/deployment/index.js';
import { planStatefulSet } from '../../../../src/controlplane/controllers/statefulset/index.js';
import { Cluster, T0, setReady, statefulSet, withImage } from './fixtures.js';

test('OrderedReady starts pods one at a time, each after its predecessor is ready', (t) => {
  const c = new Cluster(statefulSet());
  let plan = c.sync();
  t.truthy(plan.createRevision);
  t.deepEqual(
    plan.createPods.map((p) => p.metadata.name),
    ['web-0'],
  );
  t.deepEqual(
    plan.createPVCs.map((p) => p.metadata.name),
    ['data-web-0'],
  );
  // web-0 is Pending: nothing more, not even web-1
  plan = c.sync();
  t.deepEqual(plan.createPods, []);
  t.deepEqual(plan.createPVCs, []);
  c.kubelet();
  plan = c.sync();
  t.deepEqual(
    plan.createPods.map((p) => p.metadata.name),
    ['web-1'],
  );
  c.converge();
  t.deepEqual(c.names(), ['web-0', 'web-1', 'web-2']);
  t.deepEqual(
    c.pvcs.map((p) => p.metadata.name),
    ['data-web-0', 'data-web-1', 'data-web-2'],
  );
  t.like(c.sts.status, {
    replicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    currentReplicas: 3,
    updatedReplicas: 3,
  });
  t.is(c.sts.status!.currentRevision, c.revisions[0]!.metadata.name);
});

test('OrderedReady scales down from the highest ordinal, waiting for each to terminate', (t) => {
  const c = new Cluster(statefulSet());
  c.converge();
  c.sts = { ...c.sts, spec: { ...c.sts.spec, replicas: 1 } };
  t.deepEqual(c.sync().deletePods, ['web-2']);
  // web-2 is terminating: web-1 waits
  t.deepEqual(c.sync().deletePods, []);
  c.kubelet();
  t.deepEqual(c.sync().deletePods, ['web-1']);
  c.converge();
  t.deepEqual(c.names(), ['web-0']);
  // claims stay (Retain)
  t.is(c.pvcs.length, 3);
});

test('Parallel creates and deletes every pod at once', (t) => {
  const c = new Cluster(statefulSet({ podManagementPolicy: 'Parallel' }));
  const plan = c.sync();
  t.deepEqual(
    plan.createPods.map((p) => p.metadata.name),
    ['web-0', 'web-1', 'web-2'],
  );
  t.deepEqual(
    plan.createPVCs.map((p) => p.metadata.name),
    ['data-web-0', 'data-web-1', 'data-web-2'],
  );
  c.kubelet();
  c.sts = { ...c.sts, spec: { ...c.sts.spec, replicas: 0 } };
  t.deepEqual(c.sync().deletePods, ['web-2', 'web-1', 'web-0']);
});

test('a partitioned rolling update replaces pods from the highest ordinal down to the partition', (t) => {
  const c = new Cluster(statefulSet());
  c.converge();
  const oldRev = c.revisions[0]!.metadata.name!;
  c.sts = withImage(c.sts, 'db:2');
  c.sts.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
  let plan = c.sync();
  const newRev = plan.createRevision!.metadata.name!;
  t.is(plan.createRevision!.revision, 2);
  t.deepEqual(plan.deletePods, ['web-2']);
  t.like(plan.status, {
    currentRevision: oldRev,
    updateRevision: newRev,
    currentReplicas: 2,
    observedGeneration: 2,
  });
  // web-2 terminating, then pending at the new revision: web-1 waits for it
  t.deepEqual(c.sync().deletePods, []);
  c.kubelet();
  plan = c.sync();
  t.deepEqual(
    plan.createPods.map((p) => [p.metadata.name, p.metadata.labels!['controller-revision-hash']]),
    [['web-2', newRev]],
  );
  t.deepEqual(c.sync().deletePods, []); // web-2 not ready yet
  c.kubelet();
  t.deepEqual(c.sync().deletePods, ['web-1']);
  c.converge();
  const revOf = (n: string) => c.pod(n).metadata.labels!['controller-revision-hash'];
  t.deepEqual(['web-0', 'web-1', 'web-2'].map(revOf), [oldRev, newRev, newRev]);
  t.like(c.sts.status, { currentRevision: oldRev, currentReplicas: 1, updatedReplicas: 2 });

  // partition 0 finishes the rollout and the update revision becomes current
  c.sts.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
  t.deepEqual(c.sync().deletePods, ['web-0']);
  c.converge();
  t.like(c.sts.status, {
    currentRevision: newRev,
    updateRevision: newRev,
    currentReplicas: 3,
    updatedReplicas: 3,
  });
});

test('below the partition a lost pod comes back at the current revision', (t) => {
  const c = new Cluster(statefulSet());
  c.converge();
  const oldRev = c.revisions[0]!.metadata.name!;
  c.sts = withImage(c.sts, 'db:2');
  c.sts.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } };
  t.deepEqual(c.sync().deletePods, []); // nothing at or above ordinal 3
  c.pods = c.pods.filter((p) => p.metadata.name !== 'web-0');
  const plan = c.sync();
  t.is(plan.createPods[0]!.metadata.labels!['controller-revision-hash'], oldRev);
  t.is((plan.createPods[0]!.spec as any).containers[0].image, 'db:1');
});

test('OnDelete leaves pods alone; a deleted pod returns at the update revision', (t) => {
  const c = new Cluster(statefulSet({ updateStrategy: { type: 'OnDelete' } }));
  c.converge();
  c.sts = withImage(c.sts, 'db:2');
  const plan = c.sync();
  t.deepEqual(plan.deletePods, []);
  c.pods = c.pods.filter((p) => p.metadata.name !== 'web-1');
  const again = c.sync();
  t.is((again.createPods[0]!.spec as any).containers[0].image, 'db:2');
  t.is(
    again.createPods[0]!.metadata.labels!['controller-revision-hash'],
    plan.createRevision!.metadata.name!,
  );
});

test('a failed pod is deleted, then recreated once gone', (t) => {
  const c = new Cluster(statefulSet());
  c.converge();
  c.pod('web-1').status = { phase: 'Failed' };
  t.deepEqual(c.sync().deletePods, ['web-1']);
  c.kubelet();
  t.deepEqual(
    c.sync().createPods.map((p) => p.metadata.name),
    ['web-1'],
  );
});

test('minReadySeconds holds the next pod back and asks for a requeue', (t) => {
  const c = new Cluster(statefulSet({ minReadySeconds: 10 }));
  c.sync();
  c.kubelet(); // web-0 ready at T0
  c.tick(5);
  const plan = c.sync();
  t.deepEqual(plan.createPods, []);
  t.true(plan.requeue);
  t.like(plan.status, { readyReplicas: 1, availableReplicas: 0 });
  c.tick(6);
  t.deepEqual(
    c.sync().createPods.map((p) => p.metadata.name),
    ['web-1'],
  );
});

test('a claim being deleted blocks its pod', (t) => {
  const sts = statefulSet({ replicas: 1 });
  const claim = {
    metadata: { name: 'data-web-0', namespace: 'default', deletionTimestamp: timestamp(T0) },
  };
  const plan = planStatefulSet(sts, [], [], [claim], T0);
  t.deepEqual(plan.createPods, []);
  t.deepEqual(plan.createPVCs, []);
  t.true(plan.requeue);
});

test('whenScaled Delete hands a scaled-down claim to its pod; whenDeleted Delete to the set', (t) => {
  const c = new Cluster(
    statefulSet({
      replicas: 2,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
    }),
  );
  c.converge();
  const refs = (n: string) => c.pvcs.find((p) => p.metadata.name === n)!.metadata.ownerReferences;
  t.deepEqual(refs('data-web-1'), [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web' },
  ]);
  c.sts = { ...c.sts, spec: { ...c.sts.spec, replicas: 1 } };
  const plan = c.sync();
  t.deepEqual(plan.deletePods, ['web-1']);
  t.deepEqual(
    plan.updatePVCs.map((p) => [p.metadata.name, p.metadata.ownerReferences]),
    [['data-web-1', [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: c.pod('web-1').metadata.uid }]]],
  );
});

test('status counts ready, available, current and updated pods', (t) => {
  const c = new Cluster(statefulSet({ minReadySeconds: 30 }));
  c.sts.spec.podManagementPolicy = 'Parallel';
  c.sync();
  setReady(c.pod('web-0'), T0);
  setReady(c.pod('web-1'), new Date(T0.getTime() + 25_000));
  c.pod('web-2').status = { phase: 'Pending' };
  c.tick(40);
  const { status } = c.sync();
  t.like(status, {
    replicas: 3,
    readyReplicas: 2,
    availableReplicas: 1,
    currentReplicas: 3,
    updatedReplicas: 3,
    collisionCount: 0,
  });
});

test('rolling back renumbers the old revision instead of creating one; history is trimmed', (t) => {
  const c = new Cluster(statefulSet({ revisionHistoryLimit: 0 }));
  c.converge();
  const first = c.revisions[0]!;
  c.sts = withImage(c.sts, 'db:2');
  c.converge();
  t.is(c.revisions.length, 1, 'revision 1 is no longer live and the limit is 0');
  c.sts = withImage(c.sts, 'db:3');
  c.sts = withImage(c.sts, 'db:2');
  const plan = c.sync();
  t.is(plan.createRevision, undefined);
  t.is(plan.updateRevision, undefined, 'the newest revision already matches');
  t.not(c.revisions[0]!.metadata.name, first.metadata.name);

  // two revisions kept, then back to the first template: it is renumbered, not recreated
  const d = new Cluster(statefulSet({ revisionHistoryLimit: 5 }));
  d.converge();
  d.sts = withImage(d.sts, 'db:2');
  d.converge();
  d.sts = withImage(d.sts, 'db:1');
  const back = d.sync();
  t.is(back.createRevision, undefined);
  t.is(back.updateRevision!.metadata.name, d.revisions[0]!.metadata.name);
  t.is(back.updateRevision!.revision, 3);
  t.is(back.status.updateRevision, back.updateRevision!.metadata.name);
});

test('a revision name taken by another template bumps collisionCount', (t) => {
  const sts = statefulSet();
  const mine = planStatefulSet(sts, [], [], [], T0).createRevision!;
  const squatter = { ...mine, data: { spec: { template: { $patch: 'replace' } } } };
  const plan = planStatefulSet(sts, [], [squatter], [], T0);
  t.not(plan.createRevision!.metadata.name, mine.metadata.name);
  t.is(plan.status.collisionCount, 1);
  t.is(plan.createRevision!.revision, 2);
});
