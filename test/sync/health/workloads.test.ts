/** Deployment, ReplicaSet, StatefulSet and DaemonSet health: Argo CD's verdicts and kubectl's messages. */
import test from 'ava';
import type { JsonObject, KubeObject } from '../../../src/core/index.js';
import { assessHealth, type HealthStatus } from '../../../src/sync/health/index.js';
import { crashLoop, deployment, deploymentCondition, pod, replicaSet } from './objects.js';

const available = deploymentCondition(
  'Available',
  'True',
  'MinimumReplicasAvailable',
  'Deployment has minimum availability.',
);
const progressed = deploymentCondition(
  'Progressing',
  'True',
  'NewReplicaSetAvailable',
  'ReplicaSet "web-7f9c6d" has successfully progressed.',
);
const progressing = deploymentCondition(
  'Progressing',
  'True',
  'ReplicaSetUpdated',
  'ReplicaSet "web-7f9c6d" is progressing.',
);
const timedOut = deploymentCondition(
  'Progressing',
  'False',
  'ProgressDeadlineExceeded',
  'ReplicaSet "web-7f9c6d" has timed out progressing.',
);

const counts = (
  replicas: number,
  updated: number,
  ready: number,
  availableN: number,
  conditions: JsonObject[],
) => ({
  observedGeneration: 2,
  replicas,
  updatedReplicas: updated,
  readyReplicas: ready,
  availableReplicas: availableN,
  ...(replicas > availableN ? { unavailableReplicas: replicas - availableN } : {}),
  conditions,
});

const deploymentCases: [string, KubeObject, HealthStatus][] = [
  ['rolled out', deployment(counts(3, 3, 3, 3, [available, progressed])), { status: 'Healthy' }],
  [
    'spec not observed yet',
    deployment(counts(3, 3, 3, 3, [available, progressed]), { generation: 3 }),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    },
  ],
  [
    'just created, no status',
    deployment({}, { generation: 1 }),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    },
  ],
  [
    'paused (even mid-rollout)',
    deployment(
      counts(4, 1, 3, 3, [
        available,
        deploymentCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'),
      ]),
      { generation: 3, spec: { paused: true } },
    ),
    { status: 'Suspended', message: 'Deployment is paused' },
  ],
  [
    'progress deadline exceeded',
    deployment(counts(4, 2, 3, 3, [available, timedOut])),
    { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' },
  ],
  [
    'new replicas being created',
    deployment(counts(4, 1, 3, 3, [available, progressing])),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    },
  ],
  [
    'old replicas pending termination',
    deployment(counts(4, 3, 4, 4, [available, progressing])),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
    },
  ],
  [
    'updated replicas not yet available',
    deployment(counts(3, 3, 2, 2, [available, progressing])),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 2 of 3 updated replicas are available...',
    },
  ],
  [
    'scaled to zero',
    deployment({ observedGeneration: 2, conditions: [available, progressed] }, { spec: { replicas: 0 } }),
    { status: 'Healthy' },
  ],
];

for (const [name, obj, want] of deploymentCases) {
  test(`Deployment: ${name}`, (t) => {
    t.deepEqual(assessHealth(obj), want);
  });
}

test('Deployment: the cause names the failing pod of the newest ReplicaSet, not the old ones', (t) => {
  const d = deployment(counts(4, 2, 3, 3, [available, timedOut]));
  const oldRs = replicaSet('5b8d4c', 1);
  const newRs = replicaSet('7f9c6d', 2, '2026-03-02T10:05:00Z');
  const pods = [
    // the old ReplicaSet's pods: one ready, one crash-looping (not this rollout's business)
    pod({ hash: '5b8d4c', name: 'web-5b8d4c-aaaaa' }),
    pod({ hash: '5b8d4c', name: 'web-5b8d4c-bbbbb', containerStatuses: [crashLoop('web', 2)] }),
    pod({ name: 'web-7f9c6d-ccccc', containerStatuses: [crashLoop('web', 1)] }),
  ];
  t.deepEqual(assessHealth(d, { pods, replicaSets: [oldRs, newRs] }), {
    status: 'Degraded',
    message: 'Deployment "web" exceeded its progress deadline',
    cause: {
      pod: 'web-7f9c6d-ccccc',
      container: 'web',
      reason: 'CrashLoopBackOff',
      exitCode: 1,
      message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
    },
  });
});

test('Deployment: no cause when healthy or suspended, nor without pods', (t) => {
  const broken = [pod({ containerStatuses: [crashLoop('web', 1)] })];
  t.is(
    assessHealth(deployment(counts(3, 3, 3, 3, [available, progressed])), { pods: broken }).cause,
    undefined,
  );
  t.is(
    assessHealth(deployment(counts(3, 3, 3, 3, []), { spec: { paused: true } }), { pods: broken }).cause,
    undefined,
  );
  t.is(assessHealth(deployment(counts(4, 2, 3, 3, [available, timedOut]))).cause, undefined);
});

// ReplicaSet --------------------------------------------------------------------------------

function rs(status: JsonObject, generation = 1, replicas = 3): KubeObject {
  const r = replicaSet('7f9c6d', 2);
  return {
    ...r,
    metadata: { ...r.metadata, generation },
    spec: { ...(r.spec as JsonObject), replicas },
    status,
  };
}

const rsCases: [string, KubeObject, HealthStatus][] = [
  [
    'all available',
    rs({ replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 }),
    { status: 'Healthy' },
  ],
  [
    'not observed',
    rs({ replicas: 3, availableReplicas: 3, observedGeneration: 1 }, 2),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    },
  ],
  [
    'replica failure',
    rs({
      replicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
      conditions: [
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: '2026-03-02T10:00:00Z',
          reason: 'FailedCreate',
          message:
            'pods "web-7f9c6d-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4',
        },
      ],
    }),
    {
      status: 'Degraded',
      message:
        'pods "web-7f9c6d-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4',
    },
  ],
  [
    'pods not yet available',
    rs({ replicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 }),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas are available...',
    },
  ],
];

for (const [name, obj, want] of rsCases) {
  test(`ReplicaSet: ${name}`, (t) => {
    t.deepEqual(assessHealth(obj), want);
  });
}

test('ReplicaSet: the cause comes from its own pods', (t) => {
  const r = rs({ replicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  const pods = [
    pod({ name: 'web-7f9c6d-a' }),
    pod({
      name: 'other-b',
      owner: { kind: 'ReplicaSet', name: 'other', uid: 'other' },
      containerStatuses: [crashLoop('web', 1)],
    }),
    pod({
      name: 'web-7f9c6d-c',
      containerStatuses: [
        {
          ...crashLoop('web', 0),
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "shop/web:2"' } },
          lastState: {},
          restartCount: 0,
        },
      ],
    }),
  ];
  t.like(assessHealth(r, { pods }), {
    status: 'Progressing',
    cause: {
      pod: 'web-7f9c6d-c',
      container: 'web',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "shop/web:2"',
    },
  });
});

// StatefulSet -------------------------------------------------------------------------------

function sts(status: JsonObject, spec: JsonObject = {}, generation = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', uid: 'sts-uid', generation },
    spec: {
      replicas: 3,
      serviceName: 'db',
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: { app: 'db' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...spec,
    },
    status,
  };
}

const stsStatus = (fields: JsonObject): JsonObject => ({
  observedGeneration: 1,
  replicas: 3,
  readyReplicas: 3,
  currentReplicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  currentRevision: 'db-6d4f5b8c7',
  updateRevision: 'db-6d4f5b8c7',
  collisionCount: 0,
  ...fields,
});

const stsCases: [string, KubeObject, HealthStatus][] = [
  [
    'rolled out (partition 0, as the API server defaults it)',
    sts(stsStatus({})),
    { status: 'Healthy', message: 'partitioned roll out complete: 3 new pods have been updated...' },
  ],
  [
    'no observedGeneration yet',
    sts({ replicas: 0, availableReplicas: 0 }),
    { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' },
  ],
  [
    'new generation not observed',
    sts(stsStatus({}), {}, 2),
    { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' },
  ],
  [
    'pods not ready',
    sts(stsStatus({ readyReplicas: 1, availableReplicas: 1 })),
    { status: 'Progressing', message: 'Waiting for 2 pods to be ready...' },
  ],
  [
    'partitioned update under way (5 replicas, partition 3: 2 to update)',
    sts(stsStatus({ replicas: 5, readyReplicas: 5, updatedReplicas: 1, updateRevision: 'db-7a1b' }), {
      replicas: 5,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } },
    }),
    {
      status: 'Progressing',
      message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    },
  ],
  [
    'OnDelete: ready pods suffice',
    sts(stsStatus({ updatedReplicas: 0, updateRevision: 'db-7a1b' }), {
      updateStrategy: { type: 'OnDelete' },
    }),
    { status: 'Healthy', message: 'statefulset has 3 ready pods' },
  ],
  [
    'RollingUpdate without a rollingUpdate block: revisions compared',
    sts(stsStatus({ updatedReplicas: 1, updateRevision: 'db-7a1b' }), {
      updateStrategy: { type: 'RollingUpdate' },
    }),
    {
      status: 'Progressing',
      message: 'waiting for statefulset rolling update to complete 1 pods at revision db-7a1b...',
    },
  ],
  [
    'RollingUpdate without a rollingUpdate block: done',
    sts(stsStatus({}), { updateStrategy: { type: 'RollingUpdate' } }),
    { status: 'Healthy', message: 'statefulset rolling update complete 3 pods at revision db-6d4f5b8c7...' },
  ],
];

for (const [name, obj, want] of stsCases) {
  test(`StatefulSet: ${name}`, (t) => {
    t.deepEqual(assessHealth(obj), want);
  });
}

// DaemonSet ---------------------------------------------------------------------------------

function ds(status: JsonObject, strategy = 'RollingUpdate', generation = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy:
        strategy === 'OnDelete'
          ? { type: 'OnDelete' }
          : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
    status,
  };
}

const dsStatus = (fields: JsonObject): JsonObject => ({
  currentNumberScheduled: 3,
  numberMisscheduled: 0,
  desiredNumberScheduled: 3,
  numberReady: 3,
  observedGeneration: 1,
  updatedNumberScheduled: 3,
  numberAvailable: 3,
  ...fields,
});

const dsCases: [string, KubeObject, HealthStatus][] = [
  ['rolled out', ds(dsStatus({})), { status: 'Healthy' }],
  [
    'not observed',
    ds(dsStatus({}), 'RollingUpdate', 2),
    {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    },
  ],
  [
    'updating',
    ds(dsStatus({ updatedNumberScheduled: 1 })),
    {
      status: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
    },
  ],
  [
    'updated, not all available',
    ds(dsStatus({ numberAvailable: 2, numberReady: 2, numberUnavailable: 1 })),
    {
      status: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
    },
  ],
  [
    'OnDelete',
    ds(dsStatus({ updatedNumberScheduled: 1 }), 'OnDelete'),
    { status: 'Healthy', message: 'daemon set 1 out of 3 new pods have been updated' },
  ],
];

for (const [name, obj, want] of dsCases) {
  test(`DaemonSet: ${name}`, (t) => {
    t.deepEqual(assessHealth(obj), want);
  });
}
