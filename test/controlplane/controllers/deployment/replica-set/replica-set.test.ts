import test from 'ava';
import {
  planReplicaSet,
  podsToDelete,
  replicaSetStatus,
  newPodFor,
} from '../../../../../src/controlplane/controllers/deployment/index.js';
import { T0, at, pod, replicaSet } from '../fixtures.js';

const names = (pods: { metadata: { name?: string } }[]) => pods.map((p) => p.metadata.name);

test('deletion ranking: unscheduled < pending < not ready < cost < doubled up < ready newer < restarts < newer', (t) => {
  const pods = [
    pod('old-ready', { node: 'n1', phase: 'Running', readySince: at(-3600), created: at(-7200) }),
    pod('new-ready', { node: 'n2', phase: 'Running', readySince: at(-60), created: at(-7200) }),
    pod('not-ready', { node: 'n3', phase: 'Running', ready: false }),
    pod('pending', { node: 'n4', phase: 'Pending' }),
    pod('unscheduled', { phase: 'Pending' }),
    pod('cheap', { node: 'n5', phase: 'Running', readySince: at(-3600), created: at(-7200), cost: -10 }),
  ];
  t.deepEqual(names(podsToDelete(pods, 5)), ['unscheduled', 'pending', 'not-ready', 'cheap', 'new-ready']);
});

test('deletion ranking: colocated pods first, then restarts, then newest', (t) => {
  const same = { phase: 'Running', readySince: at(-600) };
  const pods = [
    pod('alone', { ...same, node: 'a', created: at(-900) }),
    pod('crowded', { ...same, node: 'b', created: at(-900) }),
    pod('crowd-mate', { ...same, node: 'b', created: at(-900), restarts: 0 }),
  ];
  // b hosts two siblings: one of them goes first; between equals the one restarting more
  pods[1]!.status!.containerStatuses = [{ name: 'web', restartCount: 4 }];
  t.deepEqual(names(podsToDelete(pods, 2)), ['crowded', 'crowd-mate']);
  // related pods from sibling ReplicaSets count toward colocation
  const sibling = pod('other-rs', { ...same, node: 'a' });
  const sibling2 = pod('other-rs-2', { ...same, node: 'a' });
  t.deepEqual(names(podsToDelete(pods, 1, [...pods, sibling, sibling2])), ['alone']);
  const young = [
    pod('p1', { ...same, node: 'x', created: at(-100) }),
    pod('p2', { ...same, node: 'y', created: at(-50) }),
  ];
  t.deepEqual(names(podsToDelete(young, 1)), ['p2']);
});

test('with now, ages compare in powers of two and ties fall back to uid', (t) => {
  const base = { phase: 'Running', readySince: at(-4000) };
  // created 100 s and 110 s ago: same log2 bucket of nanoseconds → lower uid first
  const a = pod('a', { ...base, node: 'x', created: at(-100), uid: 'uid-2' });
  const b = pod('b', { ...base, node: 'y', created: at(-110), uid: 'uid-1' });
  t.deepEqual(names(podsToDelete([a, b], 1, undefined, T0)), ['b']);
  t.deepEqual(names(podsToDelete([a, b], 1)), ['a'], 'without now: strictly newest first');
});

test('planReplicaSet creates or deletes toward spec.replicas, ignoring finished and terminating pods', (t) => {
  const rs = replicaSet('web-abc', 3);
  const running = [1, 2, 3, 4, 5].map((i) => pod(`p${i}`, { node: 'n', phase: 'Running', created: at(i) }));
  t.deepEqual(planReplicaSet(rs, running), { create: 0, delete: ['p5', 'p4'] });
  const terminating = pod('t', { node: 'n', phase: 'Running' });
  terminating.metadata.deletionTimestamp = '2024-05-01T12:00:00Z';
  const done = pod('d', { phase: 'Succeeded' });
  t.deepEqual(planReplicaSet(rs, [running[0]!, terminating, done]), { create: 2, delete: [] });
  t.deepEqual(planReplicaSet({ ...rs, spec: { ...rs.spec, replicas: 1000 } }, []), {
    create: 500,
    delete: [],
  });
});

test('replicaSetStatus counts ready and available pods with minReadySeconds', (t) => {
  const rs = replicaSet('web-abc', 3);
  rs.spec.minReadySeconds = 10;
  rs.metadata.generation = 4;
  rs.spec.template.metadata!.labels = { app: 'web', 'pod-template-hash': 'abc' };
  const labelled = (p: ReturnType<typeof pod>) => (
    (p.metadata.labels = { app: 'web', 'pod-template-hash': 'abc' }),
    p
  );
  const pods = [
    labelled(pod('a', { node: 'n', phase: 'Running', readySince: at(-60) })),
    labelled(pod('b', { node: 'n', phase: 'Running', readySince: at(-5) })),
    pod('c', { node: 'n', phase: 'Pending' }),
    pod('d', { phase: 'Failed' }),
  ];
  t.deepEqual(replicaSetStatus(rs, pods, T0), {
    replicas: 3,
    fullyLabeledReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 1,
    observedGeneration: 4,
  });
  // exactly minReadySeconds is not yet enough
  t.is(replicaSetStatus(rs, pods, at(5)).availableReplicas, 1);
  t.is(replicaSetStatus(rs, pods, at(5.5)).availableReplicas, 2);
});

test('newPodFor stamps the template, generateName and the controller reference', (t) => {
  const rs = replicaSet('web-abc', 3);
  rs.spec.template.metadata!.annotations = { a: 'b' };
  const p = newPodFor(rs, 'x7k2p');
  t.like(p.metadata, {
    generateName: 'web-abc-',
    name: 'web-abc-x7k2p',
    namespace: 'default',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: { a: 'b' },
  });
  t.deepEqual(p.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-abc',
      uid: 'uid-web-abc',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  t.deepEqual(p.spec, rs.spec.template.spec);
  t.not(p.spec, rs.spec.template.spec);
  t.is(newPodFor(rs).metadata.name, undefined);
});
