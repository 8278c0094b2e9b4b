/**
 * The ReplicaSet and Deployment controllers: they read the store, ask the pure planners
 * in deployment/ what to do, and write it through the registry (creates, scales,
 * deletions, then status — written once, only when it changed).
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import type { EventRecorder, ReconcileResult } from '../../runtime/index.js';
import { ApiError } from '../api/errors.js';
import type { Registry } from '../api/registry/registry.js';
import { controllerKeyOf, keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { controlledBy, tolerate, writeStatus } from './controller-util.js';
import {
  newPodFor,
  planDeploymentSync,
  planReplicaSet,
  replicaSetStatus,
  secondsUntilDeadline,
  type Deployment,
  type Pod,
  type ReplicaSet,
} from './deployment/index.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const RSS = { group: 'apps', version: 'v1', resource: 'replicasets' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

const ignoreNotFound = tolerate('NotFound');

export function replicaSetController(registry: Registry): ControllerSpec {
  return {
    name: 'replicaset-controller',
    primary: RSS,
    watches: [
      { group: 'apps', resource: 'replicasets', keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: (o) => controllerKeyOf(o, 'ReplicaSet') },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const found = registry.store.get({ group: 'apps', resource: 'replicasets', namespace, name });
      if (!found) return;
      const rs = found.value;
      const pods = controlledBy(registry, '', 'pods', namespace, (rs.metadata as JsonObject).uid);
      if (!(rs.metadata as JsonObject).deletionTimestamp) {
        const plan = planReplicaSet(rs as unknown as ReplicaSet, pods as unknown as Pod[], {
          now: registry.now(),
        });
        for (let i = 0; i < plan.create; i++) {
          await registry.create(
            PODS,
            namespace,
            newPodFor(rs as unknown as ReplicaSet) as unknown as JsonObject,
            {
              fieldManager: 'replicaset-controller',
            },
          );
        }
        for (const pod of plan.delete) await registry.delete(PODS, namespace, pod, {}).catch(ignoreNotFound);
      }
      const now = controlledBy(registry, '', 'pods', namespace, (rs.metadata as JsonObject).uid);
      const status = replicaSetStatus(rs as unknown as ReplicaSet, now as unknown as Pod[], registry.now());
      await writeStatus(registry, RSS, namespace, name, status, 'replicaset-controller');
    },
  };
}

export function deploymentController(registry: Registry, events?: EventRecorder): ControllerSpec {
  return {
    name: 'deployment-controller',
    primary: DEPLOYMENTS,
    watches: [
      { group: 'apps', resource: 'deployments', keys: (o) => [keyOf(o)] },
      { group: 'apps', resource: 'replicasets', keys: (o) => controllerKeyOf(o, 'Deployment') },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const found = registry.store.get({ group: 'apps', resource: 'deployments', namespace, name });
      if (!found) return;
      const d = found.value;
      const uid = (d.metadata as JsonObject).uid;
      const rsList = controlledBy(registry, 'apps', 'replicasets', namespace, uid);
      const rsUids = new Set(rsList.map((rs) => (rs.metadata as JsonObject).uid));
      const pods = registry.store
        .list({ group: '', resource: 'pods', namespace })
        .items.map((o) => o.value)
        .filter((p) =>
          ((p.metadata as JsonObject).ownerReferences as JsonObject[] | undefined)?.some((r) =>
            rsUids.has(r.uid),
          ),
        );
      const plan = planDeploymentSync(
        d as unknown as Deployment,
        rsList as unknown as ReplicaSet[],
        pods as unknown as Pod[],
        registry.now(),
      );
      const manager = { fieldManager: 'deployment-controller' };
      if (plan.create) {
        await registry.create(RSS, namespace, plan.create as unknown as JsonObject, manager).catch((e) => {
          // the name exists already (a hash collision or a race): the next sync sorts it out
          if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
        });
      }
      if (plan.update) {
        const u = plan.update as unknown as JsonObject;
        await registry
          .update(RSS, namespace, String((u.metadata as JsonObject).name), u, manager)
          .catch(ignoreNotFound);
      }
      for (const op of plan.scale) {
        const current = registry.store.get({
          group: 'apps',
          resource: 'replicasets',
          namespace,
          name: op.name,
        });
        if (!current) continue;
        const next = structuredClone(current.value) as JsonObject;
        (next.spec as JsonObject).replicas = op.replicas;
        const meta = next.metadata as JsonObject;
        meta.annotations = { ...(meta.annotations as Record<string, string>), ...op.annotations };
        await registry.update(RSS, namespace, op.name, next, manager).catch(ignoreNotFound);
        if (op.event) events?.event(d, 'Normal', 'ScalingReplicaSet', op.event);
      }
      for (const rs of plan.delete) await registry.delete(RSS, namespace, rs, {}).catch(ignoreNotFound);
      const annotations = (d.metadata as JsonObject).annotations ?? {};
      if (!isDeepStrictEqual(annotations, plan.annotations) && Object.keys(plan.annotations).length > 0) {
        const current = registry.store.get({ group: 'apps', resource: 'deployments', namespace, name });
        if (current) {
          const next = structuredClone(current.value) as JsonObject;
          (next.metadata as JsonObject).annotations = plan.annotations;
          await registry.update(DEPLOYMENTS, namespace, name, next, manager).catch(ignoreNotFound);
        }
      }
      const latest = registry.store.get({ group: 'apps', resource: 'deployments', namespace, name });
      if (latest)
        await writeStatus(registry, DEPLOYMENTS, namespace, name, plan.status, 'deployment-controller');
      // a rollout in progress is looked at again when its progress deadline passes
      const withStatus = { ...(d as unknown as Deployment), status: plan.status };
      const wait = secondsUntilDeadline(withStatus, plan.status, registry.now());
      return wait !== undefined ? { requeueAfter: Math.max(1, wait) * 1000 } : undefined;
    },
  };
}
