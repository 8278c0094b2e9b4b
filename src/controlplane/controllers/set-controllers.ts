/**
 * The StatefulSet and DaemonSet controllers: read the store, ask the pure planners what
 * to do, and write it through the registry — revisions and claims before the pods that
 * need them, deletions next, status last.
 */
import type { JsonObject } from '../../core/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { controllerKeyOf, keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { controlledBy, tolerate, writeStatus } from './controller-util.js';
import { planDaemonSet, type DaemonSet } from './daemonset/index.js';
import { planStatefulSet, type StatefulSet } from './statefulset/index.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const REVISIONS = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };
const STS = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const DS = { group: 'apps', version: 'v1', resource: 'daemonsets' };
const REQUEUE_MS = 1000;

const asJson = (o: unknown) => o as JsonObject;

export function statefulSetController(registry: Registry): ControllerSpec {
  return {
    name: 'statefulset-controller',
    primary: { group: 'apps', resource: 'statefulsets' },
    watches: [
      { group: 'apps', resource: 'statefulsets', keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: (o) => controllerKeyOf(o, 'StatefulSet') },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const sts = registry.store.get({ group: 'apps', resource: 'statefulsets', namespace, name })?.value;
      if (!sts) return;
      const uid = (sts.metadata as JsonObject).uid;
      const pods = controlledBy(registry, '', 'pods', namespace, uid);
      const revisions = controlledBy(registry, 'apps', 'controllerrevisions', namespace, uid);
      const pvcs = registry.store
        .list({ group: '', resource: 'persistentvolumeclaims', namespace })
        .items.map((o) => o.value);
      const plan = planStatefulSet(
        sts as unknown as StatefulSet,
        pods as never,
        revisions as never,
        pvcs as never,
        registry.now(),
      );
      const m = { fieldManager: 'statefulset-controller' };
      if (plan.createRevision)
        await registry
          .create(REVISIONS, namespace, asJson(plan.createRevision), m)
          .catch(tolerate('AlreadyExists'));
      if (plan.updateRevision) {
        const r = asJson(plan.updateRevision);
        await registry
          .update(REVISIONS, namespace, String((r.metadata as JsonObject).name), r, m)
          .catch(tolerate('NotFound', 'Conflict'));
      }
      for (const c of plan.createPVCs)
        await registry.create(PVCS, namespace, asJson(c), m).catch(tolerate('AlreadyExists'));
      for (const c of plan.updatePVCs) {
        const j = asJson(c);
        await registry
          .update(PVCS, namespace, String((j.metadata as JsonObject).name), j, m)
          .catch(tolerate('NotFound', 'Conflict'));
      }
      for (const p of plan.createPods)
        await registry.create(PODS, namespace, asJson(p), m).catch(tolerate('AlreadyExists'));
      for (const p of plan.deletePods)
        await registry.delete(PODS, namespace, p, {}).catch(tolerate('NotFound'));
      for (const r of plan.deleteRevisions)
        await registry.delete(REVISIONS, namespace, r, {}).catch(tolerate('NotFound'));
      await writeStatus(registry, STS, namespace, name, plan.status, 'statefulset-controller');
      return plan.requeue ? { requeueAfter: REQUEUE_MS } : undefined;
    },
  };
}

export function daemonSetController(registry: Registry): ControllerSpec {
  const allDaemonSets = () =>
    registry.store.list({ group: 'apps', resource: 'daemonsets' }).items.map((o) => keyOf(o.value));
  return {
    name: 'daemonset-controller',
    primary: { group: 'apps', resource: 'daemonsets' },
    watches: [
      { group: 'apps', resource: 'daemonsets', keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: (o) => controllerKeyOf(o, 'DaemonSet') },
      { group: '', resource: 'nodes', keys: () => allDaemonSets() },
    ],
    async reconcile(key): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const ds = registry.store.get({ group: 'apps', resource: 'daemonsets', namespace, name })?.value;
      if (!ds) return;
      const pods = controlledBy(registry, '', 'pods', namespace, (ds.metadata as JsonObject).uid);
      const nodes = registry.store.list({ group: '', resource: 'nodes' }).items.map((o) => o.value);
      const plan = planDaemonSet(ds as unknown as DaemonSet, nodes, pods as never, registry.now());
      const m = { fieldManager: 'daemonset-controller' };
      for (const { pod } of plan.create) await registry.create(PODS, namespace, asJson(pod), m);
      for (const p of plan.delete) await registry.delete(PODS, namespace, p, {}).catch(tolerate('NotFound'));
      await writeStatus(registry, DS, namespace, name, plan.status, 'daemonset-controller');
      return plan.requeue ? { requeueAfter: REQUEUE_MS } : undefined;
    },
  };
}
