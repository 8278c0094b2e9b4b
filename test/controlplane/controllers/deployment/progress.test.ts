import test from 'ava';
import {
  computeStatus,
  getCondition,
  planDeploymentSync,
  secondsUntilDeadline,
  type Deployment,
  type ReplicaSet,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { T0, at, deployment, replicaSet } from './fixtures.js';

// a rollout stuck half-way: new RS "web-abc" at 5 of 10, none available, old at 8
function stuck(progressing: { reason: string; status?: 'True' | 'False' | 'Unknown'; since?: Date }): {
  d: Deployment;
  rss: ReplicaSet[];
} {
  const d = deployment({
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
  });
  const newRS = replicaSet('web-abc', 5, { available: 0 });
  newRS.spec.template = structuredClone(d.spec.template);
  newRS.status = { replicas: 5, readyReplicas: 0, availableReplicas: 0 };
  const old = replicaSet('web-old', 8, { image: 'old' });
  const t = (progressing.since ?? T0).toISOString().replace('.000Z', 'Z');
  d.status = {
    observedGeneration: 1,
    replicas: 13,
    updatedReplicas: 5,
    readyReplicas: 8,
    availableReplicas: 8,
    conditions: [
      {
        type: 'Progressing',
        status: progressing.status ?? 'True',
        reason: progressing.reason,
        message: 'x',
        lastUpdateTime: t,
        lastTransitionTime: t,
      },
    ],
  };
  return { d, rss: [old, newRS] };
}

test('counts and the Available condition', (t) => {
  const { d, rss } = stuck({ reason: 'ReplicaSetUpdated' });
  const s = computeStatus(d, rss, at(10));
  t.like(s, {
    replicas: 13,
    updatedReplicas: 5,
    readyReplicas: 8,
    availableReplicas: 8,
    unavailableReplicas: 5,
    observedGeneration: 1,
  });
  // 8 available ≥ 10 − 2
  t.like(getCondition(s.conditions, 'Available'), {
    status: 'True',
    reason: 'MinimumReplicasAvailable',
    message: 'Deployment has minimum availability.',
  });
  rss[0]!.status!.availableReplicas = 7;
  t.like(getCondition(computeStatus(d, rss, at(10)).conditions, 'Available'), {
    status: 'False',
    reason: 'MinimumReplicasUnavailable',
    message: 'Deployment does not have minimum availability.',
  });
});

test('progress deadline is measured from the Progressing lastUpdateTime, strictly after', (t) => {
  const { d, rss } = stuck({ reason: 'ReplicaSetUpdated' });
  t.like(getCondition(computeStatus(d, rss, at(600)).conditions, 'Progressing'), {
    reason: 'ReplicaSetUpdated',
  });
  t.is(secondsUntilDeadline(d, computeStatus(d, rss, at(180)), at(180)), 420);
  const late = getCondition(computeStatus(d, rss, at(601)).conditions, 'Progressing');
  t.like(late, {
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
    message: 'ReplicaSet "web-abc" has timed out progressing.',
    lastTransitionTime: '2024-05-01T12:10:01Z',
  });
});

test('progress refreshes lastUpdateTime and keeps lastTransitionTime', (t) => {
  const { d, rss } = stuck({ reason: 'ReplicaSetUpdated' });
  rss[1]!.status = { replicas: 5, readyReplicas: 2, availableReplicas: 2 };
  const c = getCondition(computeStatus(d, rss, at(590)).conditions, 'Progressing');
  t.like(c, {
    status: 'True',
    reason: 'ReplicaSetUpdated',
    message: 'ReplicaSet "web-abc" is progressing.',
    lastUpdateTime: '2024-05-01T12:09:50Z',
    lastTransitionTime: '2024-05-01T12:00:00Z',
  });
});

test('a completed rollout reports NewReplicaSetAvailable and is then left alone', (t) => {
  const d = deployment();
  const rs = replicaSet('web-5d4f8c7b9', 10);
  rs.spec.template = structuredClone(d.spec.template);
  const s = computeStatus(d, [rs], at(5));
  t.like(getCondition(s.conditions, 'Progressing'), {
    status: 'True',
    reason: 'NewReplicaSetAvailable',
    message: 'ReplicaSet "web-5d4f8c7b9" has successfully progressed.',
  });
  // much later, nothing changes: no timeout for a finished rollout
  const again = computeStatus({ ...d, status: s }, [rs], at(100000));
  t.deepEqual(again, s);
});

test('no deadline: no Progressing condition', (t) => {
  const { d, rss } = stuck({ reason: 'ReplicaSetUpdated' });
  d.spec.progressDeadlineSeconds = 2147483647;
  t.is(getCondition(computeStatus(d, rss, at(10000)).conditions, 'Progressing'), undefined);
});

test('paused: no rollout, Progressing Unknown DeploymentPaused, and no timeout on resume', (t) => {
  const { d, rss } = stuck({ reason: 'ReplicaSetUpdated' });
  d.spec.paused = true;
  // the template moved on again while paused: nothing is created or rolled
  d.spec.template = { ...d.spec.template, spec: { containers: [{ name: 'web', image: 'v3' }] } };
  const plan = planDeploymentSync(d, rss, [], at(30));
  t.is(plan.create, undefined);
  // sizes stay; only the desired/max-replicas bookkeeping is written (scaleReplicaSet does too)
  t.true(plan.scale.every((o) => o.from === o.replicas && o.event === undefined));
  t.like(getCondition(plan.status.conditions, 'Progressing'), {
    status: 'Unknown',
    reason: 'DeploymentPaused',
    message: 'Deployment is paused',
    lastUpdateTime: '2024-05-01T12:00:30Z',
  });
  // paused for an hour, then resumed: the clock restarts at the resume
  const resumed: Deployment = { ...d, spec: { ...d.spec, paused: false }, status: plan.status };
  const s = computeStatus(resumed, rss, at(3600));
  t.like(getCondition(s.conditions, 'Progressing'), {
    status: 'Unknown',
    reason: 'DeploymentResumed',
    message: 'Deployment is resumed',
    lastUpdateTime: '2024-05-01T13:00:00Z',
  });
});

test('a reported timeout is not overwritten by pausing', (t) => {
  const { d, rss } = stuck({ reason: 'ProgressDeadlineExceeded', status: 'False' });
  d.spec.paused = true;
  t.like(getCondition(computeStatus(d, rss, at(10)).conditions, 'Progressing'), {
    reason: 'ProgressDeadlineExceeded',
  });
});

test('a newly created ReplicaSet starts the progress clock', (t) => {
  const d = deployment();
  const old = replicaSet('web-old', 10, { image: 'old', revision: 1 });
  const done = { lastUpdateTime: '2024-04-01T00:00:00Z', lastTransitionTime: '2024-04-01T00:00:00Z' };
  d.status = {
    observedGeneration: 1,
    replicas: 10,
    updatedReplicas: 10,
    readyReplicas: 10,
    availableReplicas: 10,
    conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', ...done }],
  };
  const plan = planDeploymentSync(d, [old], [], T0);
  t.truthy(plan.create);
  t.like(getCondition(plan.status.conditions, 'Progressing'), {
    reason: 'NewReplicaSetCreated',
    message: `Created new replica set "${plan.create!.metadata.name}"`,
    lastUpdateTime: '2024-05-01T12:00:00Z',
  });
  t.is(plan.annotations['deployment.kubernetes.io/revision'], '2');
  // 10 replicas, surge 1: created with 1, and the old one is scaled down in the same sync
  t.is(plan.create!.spec.replicas, 1);
  t.deepEqual(
    plan.scale.map((o) => [o.name, o.replicas]),
    [['web-old', 9]],
  );
});
