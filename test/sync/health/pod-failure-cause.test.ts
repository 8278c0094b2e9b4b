/** podFailureCause: the newest ReplicaSet's first failing pod and why; describeCause: the one-line reason. */
import test from 'ava';
import type { KubeObject } from '../../../src/core/index.js';
import {
  describeCause,
  newestReplicaSet,
  podFailureCause,
  type HealthCause,
} from '../../../src/sync/health/index.js';
import { containerStatus, crashLoop, deployment, pod, replicaSet, scheduledFalse } from './objects.js';

const d = deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 2, availableReplicas: 3 });
const rs1 = replicaSet('5b8d4c', 1, '2026-03-02T09:00:00Z');
const rs2 = replicaSet('7f9c6d', 2, '2026-03-02T10:00:00Z');
const notReady = (name: string, created = '2026-03-02T10:00:00Z') =>
  pod({ name, created, containerStatuses: [containerStatus('web', { ready: false })] });

test("newestReplicaSet: the one at the Deployment's revision", (t) => {
  t.is(newestReplicaSet(d, [rs2, rs1])?.metadata.name, 'web-7f9c6d');
  // a rollback makes an old ReplicaSet the newest: revision 3, the Deployment follows it
  const back = {
    ...rs1,
    metadata: { ...rs1.metadata, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  };
  const d3 = { ...d, metadata: { ...d.metadata, annotations: { 'deployment.kubernetes.io/revision': '3' } } };
  t.is(newestReplicaSet(d3, [rs2, back])?.metadata.name, 'web-5b8d4c');
});

test('newestReplicaSet: the highest revision when the Deployment has none yet; none of another owner', (t) => {
  const d0 = { ...d, metadata: { ...d.metadata, annotations: {} } };
  t.is(newestReplicaSet(d0, [rs1, rs2])?.metadata.name, 'web-7f9c6d');
  const other = { ...d, metadata: { ...d.metadata, name: 'api', uid: 'other-uid' } };
  t.is(newestReplicaSet(other, [rs1, rs2]), undefined);
});

test('podFailureCause: ready pods and old pods are passed over', (t) => {
  const pods = [
    pod({ hash: '5b8d4c', name: 'web-5b8d4c-old', containerStatuses: [crashLoop('web', 1)] }),
    pod({ name: 'web-7f9c6d-ok' }),
    notReady('web-7f9c6d-slow'),
  ];
  t.deepEqual(podFailureCause(d, pods, [rs1, rs2]), {
    pod: 'web-7f9c6d-slow',
    container: 'web',
    probe: 'readiness',
    reason: 'NotReady',
  });
});

test('podFailureCause: the worst trouble wins, then the oldest pod', (t) => {
  const pods = [
    notReady('web-7f9c6d-a', '2026-03-02T10:00:01Z'),
    pod({ name: 'web-7f9c6d-c', created: '2026-03-02T10:00:03Z', containerStatuses: [crashLoop('web', 2)] }),
    pod({ name: 'web-7f9c6d-b', created: '2026-03-02T10:00:02Z', containerStatuses: [crashLoop('web', 1)] }),
  ];
  t.like(podFailureCause(d, pods, [rs1, rs2]), {
    pod: 'web-7f9c6d-b',
    reason: 'CrashLoopBackOff',
    exitCode: 1,
  });
});

test('podFailureCause: pods being deleted, or in another namespace, do not count', (t) => {
  const elsewhere = pod({ name: 'web-7f9c6d-x', containerStatuses: [crashLoop('web', 1)] });
  elsewhere.metadata.namespace = 'other';
  const pods = [
    pod({ name: 'web-7f9c6d-gone', deleting: true, containerStatuses: [crashLoop('web', 1)] }),
    elsewhere,
  ];
  t.is(podFailureCause(d, pods, [rs1, rs2]), undefined);
});

test("podFailureCause: without ReplicaSets, the Deployment's selector picks the pods", (t) => {
  const stranger: KubeObject = pod({ name: 'api-1', containerStatuses: [crashLoop('api', 1)] });
  stranger.metadata.labels = { app: 'api' };
  const pods = [stranger, notReady('web-7f9c6d-slow')];
  t.like(podFailureCause(d, pods), { pod: 'web-7f9c6d-slow', probe: 'readiness' });
});

test('podFailureCause: a pod that cannot be scheduled', (t) => {
  const message = '0/1 nodes are available: 1 Insufficient memory.';
  const pods = [
    pod({
      name: 'web-7f9c6d-p',
      phase: 'Pending',
      containerStatuses: [],
      conditions: scheduledFalse(message),
    }),
  ];
  t.deepEqual(podFailureCause(d, pods, [rs2]), { pod: 'web-7f9c6d-p', reason: 'Unschedulable', message });
});

const describeCases: [HealthCause, string][] = [
  [
    { pod: 'web-1', container: 'web', probe: 'readiness', reason: 'NotReady' },
    'pod web-1 container web: readiness probe failing',
  ],
  [
    { pod: 'web-1', container: 'web', probe: 'startup', reason: 'NotReady' },
    'pod web-1 container web: startup probe failing',
  ],
  [
    {
      pod: 'web-1',
      container: 'web',
      reason: 'CrashLoopBackOff',
      exitCode: 1,
      message: 'back-off 40s restarting failed container=web',
    },
    'pod web-1 container web: CrashLoopBackOff (exit code 1)',
  ],
  [
    { pod: 'web-1', container: 'web', probe: 'liveness', reason: 'CrashLoopBackOff', exitCode: 137 },
    'pod web-1 container web: liveness probe failing, CrashLoopBackOff (exit code 137)',
  ],
  [
    { pod: 'web-1', container: 'web', probe: 'liveness', reason: 'Unhealthy', exitCode: 137 },
    'pod web-1 container web: liveness probe failing (exit code 137)',
  ],
  [
    { pod: 'web-1', container: 'web', reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:9"' },
    'pod web-1 container web: ImagePullBackOff: Back-off pulling image "web:9"',
  ],
  [
    { pod: 'web-1', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' },
    'pod web-1: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu.',
  ],
  [{ pod: 'web-1', container: 'web', reason: 'NotReady' }, 'pod web-1 container web: not ready'],
  [{}, 'not healthy'],
];

for (const [cause, want] of describeCases) {
  test(`describeCause: ${want}`, (t) => {
    t.is(describeCause(cause), want);
  });
}
