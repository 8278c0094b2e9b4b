/**
 * EndpointSlices for Services with a selector (kube-controller-manager's endpointslice
 * controller): level-triggered, every sync computes the slices from the Service and its pods
 * (endpoints/slices.ts) and writes only the difference. Slices of a Service that goes away
 * are left to the garbage collector (they carry a controller ownerReference); slices of a
 * Service that loses its selector or becomes ExternalName are deleted here, so that stale
 * endpoints do not outlive the selector that chose them.
 */
import type { JsonObject } from '../../core/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { tolerate } from './controller-util.js';
import { selectsPods, type PortResolver } from './endpoints/compute.js';
import { SERVICE_NAME_LABEL, desiredEndpoints, isManagedSliceOf, planSlices } from './endpoints/slices.js';

const SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
const MANAGER = { fieldManager: 'endpointslice-controller' };

export function endpointSliceController(registry: Registry, resolvePort?: PortResolver): ControllerSpec {
  const servicesIn = (ns: unknown) =>
    registry.store
      .list({ group: '', resource: 'services', namespace: String(ns) })
      .items.map((o) => keyOf(o.value));
  const serviceOfSlice = (slice: JsonObject): string[] => {
    const meta = slice.metadata as JsonObject;
    const name = (meta.labels as Record<string, string> | undefined)?.[SERVICE_NAME_LABEL];
    return name ? [`${String(meta.namespace)}/${name}`] : [];
  };

  async function sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = registry.store.get({ group: '', resource: 'services', namespace, name })?.value;
    const existing = registry.store
      .list({ group: SLICES.group, resource: SLICES.resource, namespace })
      .items.map((o) => o.value)
      .filter((s) => isManagedSliceOf(s, name));
    if (!svc) return; // the garbage collector removes the slices it owned
    if (!selectsPods(svc)) {
      for (const s of existing) await remove(namespace, s);
      return;
    }
    const pods = registry.store.list({ group: '', resource: 'pods', namespace }).items.map((o) => o.value);
    const plan = planSlices(svc, desiredEndpoints(svc, pods, resolvePort), existing);
    // creates first, deletes last, as upstream: consumers never see fewer endpoints in between
    for (const s of plan.create) await registry.create(SLICES, namespace, s, MANAGER);
    for (const s of plan.update) {
      const meta = s.metadata as JsonObject;
      // a conflict is retried with backoff by the work queue
      await registry.update(SLICES, namespace, String(meta.name), s, MANAGER).catch(tolerate('NotFound'));
    }
    for (const s of plan.delete) await remove(namespace, s);
  }

  async function remove(namespace: string, slice: JsonObject): Promise<void> {
    const name = String((slice.metadata as JsonObject).name);
    await registry.delete(SLICES, namespace, name, {}).catch(tolerate('NotFound'));
  }

  return {
    name: 'endpointslice-controller',
    primary: { group: '', resource: 'services' },
    watches: [
      { group: '', resource: 'services', keys: (o) => [keyOf(o)] },
      { group: '', resource: 'pods', keys: (o) => servicesIn((o.metadata as JsonObject).namespace) },
      // someone deleting or editing a managed slice gets it put back
      { group: SLICES.group, resource: SLICES.resource, keys: serviceOfSlice },
    ],
    reconcile: sync,
  };
}
