/**
 * Live objects as the embedded control plane and a real cluster write them (defaults
 * filled in, managedFields left out), for the table tests.
 */
import type { JsonObject, KubeObject } from '../../../src/core/index.js';

const T0 = '2026-03-02T10:00:00Z';
const T1 = '2026-03-02T10:00:05Z';

/** A Deployment `web` (3 replicas unless `spec` says) with the given status. */
export function deployment(
  status: JsonObject,
  extra: { generation?: number; spec?: JsonObject } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'd-uid',
      generation: extra.generation ?? 2,
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    },
    spec: {
      replicas: 3,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'shop/web:2' }], restartPolicy: 'Always' },
      },
      ...extra.spec,
    },
    status,
  };
}

export function deploymentCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
): JsonObject {
  return { type, status, lastUpdateTime: T1, lastTransitionTime: T0, reason, message };
}

/** A ReplicaSet of Deployment `web` at `revision`, with its pod-template-hash. */
export function replicaSet(hash: string, revision: number, created = T0): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'shop',
      uid: `rs-${hash}`,
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: 'd-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: created,
    },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } } },
    status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 },
  };
}

export interface PodOptions {
  name?: string;
  hash?: string;
  phase?: string;
  restartPolicy?: string;
  containers?: JsonObject[];
  initContainers?: JsonObject[];
  containerStatuses?: JsonObject[];
  initContainerStatuses?: JsonObject[];
  conditions?: JsonObject[];
  owner?: { kind: string; name: string; uid: string };
  created?: string;
  status?: JsonObject;
  deleting?: boolean;
}

const cond = (type: string, status: string, reason?: string, message?: string): JsonObject => ({
  type,
  status,
  lastProbeTime: null,
  lastTransitionTime: T0,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

/** The kubelet's Ready/ContainersReady conditions for `unready` container names. */
export function podConditions(unready: string[], extra: JsonObject[] = []): JsonObject[] {
  const msg = `containers with unready status: [${unready.join(' ')}]`;
  const ready = unready.length ? cond('Ready', 'False', 'ContainersNotReady', msg) : cond('Ready', 'True');
  const cready = unready.length
    ? cond('ContainersReady', 'False', 'ContainersNotReady', msg)
    : cond('ContainersReady', 'True');
  return [cond('PodScheduled', 'True'), cond('Initialized', 'True'), ready, cready, ...extra];
}

export const scheduledFalse = (message: string): JsonObject[] => [
  cond('PodScheduled', 'False', 'Unschedulable', message),
];

/** A container status: running and ready unless `state`/`ready` say otherwise. */
export function containerStatus(name: string, fields: JsonObject = {}): JsonObject {
  return {
    name,
    state: { running: { startedAt: T1 } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: `shop/${name}:2`,
    imageID: `docker-pullable://shop/${name}@sha256:0f3a`,
    containerID: `containerd://${name}0001`,
    started: true,
    ...fields,
  };
}

/** A terminated state as the kubelet writes it. */
export function terminated(
  exitCode: number,
  reason = exitCode === 0 ? 'Completed' : 'Error',
  message?: string,
): JsonObject {
  return {
    terminated: {
      exitCode,
      reason,
      ...(message ? { message } : {}),
      startedAt: T0,
      finishedAt: T1,
      containerID: 'containerd://0001',
    },
  };
}

export const crashLoop = (name: string, exitCode: number, restarts = 3): JsonObject =>
  containerStatus(name, {
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off 40s restarting failed container=${name} pod=web-7f9c6d-abcde_shop(3f1c)`,
      },
    },
    lastState: terminated(exitCode),
    ready: false,
    restartCount: restarts,
    started: false,
  });

/** A Pod of Deployment `web` (via ReplicaSet `web-<hash>`), running and ready by default. */
export function pod(o: PodOptions = {}): KubeObject {
  const hash = o.hash ?? '7f9c6d';
  const containers = o.containers ?? [{ name: 'web', image: 'shop/web:2' }];
  const statuses = o.containerStatuses ?? containers.map((c) => containerStatus(String(c.name)));
  const unready = statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  const owner = o.owner ?? { kind: 'ReplicaSet', name: `web-${hash}`, uid: `rs-${hash}` };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? `web-${hash}-abcde`,
      namespace: 'shop',
      labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', ...owner, controller: true, blockOwnerDeletion: true }],
      creationTimestamp: o.created ?? T0,
      ...(o.deleting ? { deletionTimestamp: T1 } : {}),
    },
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      restartPolicy: o.restartPolicy ?? 'Always',
      nodeName: 'node-1',
    },
    status: o.status ?? {
      phase: o.phase ?? 'Running',
      conditions: o.conditions ?? podConditions(unready),
      hostIP: '10.0.0.4',
      podIP: '10.244.0.12',
      startTime: T0,
      ...(o.initContainerStatuses ? { initContainerStatuses: o.initContainerStatuses } : {}),
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    },
  };
}
