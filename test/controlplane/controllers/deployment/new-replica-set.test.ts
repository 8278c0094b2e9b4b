import test from 'ava';
import {
  newReplicaSetFor,
  findNewReplicaSet,
  podTemplateHash,
  recordNewReplicaSet,
  syncNewReplicaSet,
  lastRevision,
  maxRevision,
  getCondition,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { T0, deployment, replicaSet } from './fixtures.js';

test('newReplicaSetFor builds the ReplicaSet Kubernetes would create', (t) => {
  const d = deployment({
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
  });
  d.metadata.annotations = { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const old = [replicaSet('web-1', 10, { revision: 3 }), replicaSet('web-0', 0, { revision: 1 })];
  const { replicaSet: rs, collisionCount } = newReplicaSetFor(d, old, T0);
  const hash = podTemplateHash(d.spec.template as never);
  t.is(collisionCount, undefined);
  t.is(rs.metadata.name, `web-${hash}`);
  t.is(rs.metadata.namespace, 'default');
  t.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
  t.deepEqual(rs.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  t.deepEqual(rs.spec.template.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  t.deepEqual(rs.metadata.annotations, {
    team: 'a',
    'deployment.kubernetes.io/revision': '4',
    'deployment.kubernetes.io/desired-replicas': '10',
    'deployment.kubernetes.io/max-replicas': '13',
  });
  t.deepEqual(rs.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      uid: 'uid-web',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  // 13 allowed, 10 running: starts at 3
  t.is(rs.spec.replicas, 3);
  t.is(rs.metadata.creationTimestamp, '2024-05-01T12:00:00Z');
  t.is(d.spec.template.metadata?.labels?.['pod-template-hash'], undefined, 'input untouched');
});

test('a name taken by another template bumps collisionCount', (t) => {
  const d = deployment();
  const squatter = replicaSet(`web-${podTemplateHash(d.spec.template as never)}`, 1, { image: 'other' });
  const made = newReplicaSetFor(d, [squatter], T0);
  t.is(made.collisionCount, 1);
  t.is(made.replicaSet.metadata.name, `web-${podTemplateHash(d.spec.template as never, 1)}`);
  // same name and same template: it is the new ReplicaSet already
  const again = newReplicaSetFor(d, [squatter, made.replicaSet], T0);
  t.true(again.exists);
  t.is(again.replicaSet, made.replicaSet);
  t.is(again.collisionCount, 1);
});

test('findNewReplicaSet matches the template ignoring the hash label, oldest first', (t) => {
  const d = deployment();
  d.spec.template.spec = replicaSet('web-x', 1, { image: 'web-x' }).spec.template.spec!;
  const a = replicaSet('web-x', 1, { created: new Date('2024-02-01T00:00:00Z') });
  const b = {
    ...replicaSet('web-x', 1),
    metadata: {
      ...replicaSet('web-x', 1).metadata,
      name: 'web-y',
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
  };
  t.is(findNewReplicaSet(d, [a, b])?.metadata.name, 'web-y');
  t.is(findNewReplicaSet(deployment(), [a]), undefined);
});

test('revisions: max, last, and re-numbering a rolled-back ReplicaSet', (t) => {
  const rss = [
    replicaSet('web-a', 0, { revision: 1 }),
    replicaSet('web-b', 0, { revision: 3 }),
    replicaSet('web-c', 1, { revision: 2 }),
  ];
  t.is(maxRevision(rss), 3);
  t.is(lastRevision(rss), 2);
  const d = deployment();
  const updated = syncNewReplicaSet(d, rss[2]!, [rss[0]!, rss[1]!]);
  t.is(updated?.metadata.annotations?.['deployment.kubernetes.io/revision'], '4');
  t.is(updated?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '2');
  t.is(syncNewReplicaSet(d, updated!, [rss[0]!, rss[1]!]), undefined, 'already in sync');
});

test('recordNewReplicaSet mirrors the revision and starts the progress clock', (t) => {
  const rs = replicaSet('web-5d4f8c7b9', 0, { revision: 7 });
  const created = recordNewReplicaSet(deployment(), rs, true, T0);
  t.is(created.metadata.annotations?.['deployment.kubernetes.io/revision'], '7');
  t.like(getCondition(created.status?.conditions, 'Progressing'), {
    status: 'True',
    reason: 'NewReplicaSetCreated',
    message: 'Created new replica set "web-5d4f8c7b9"',
    lastUpdateTime: '2024-05-01T12:00:00Z',
  });
  const found = recordNewReplicaSet(deployment(), rs, false, T0);
  t.like(getCondition(found.status?.conditions, 'Progressing'), {
    reason: 'FoundNewReplicaSet',
    message: 'Found new replica set "web-5d4f8c7b9"',
  });
  // no deadline: no condition
  const none = recordNewReplicaSet(deployment({ progressDeadlineSeconds: 2147483647 }), rs, true, T0);
  t.is(getCondition(none.status?.conditions, 'Progressing'), undefined);
});
