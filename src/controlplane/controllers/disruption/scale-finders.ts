/**
 * Finding the scale of a pod's controller in the store, in the disruption controller's
 * order (finders()): a ReplicaSet's Deployment, a ReplicaSet no Deployment controls, a
 * StatefulSet, then any kind that serves the scale subresource (CRDs included). A finder
 * that does not handle the kind, or whose object is gone or has another uid, passes.
 */
import type { JsonObject } from '../../../core/index.js';
import { ApiError } from '../../api/errors.js';
import type { Registry } from '../../api/registry/registry.js';
import type { ControllerScale, OwnerReference, ScaleFinder } from './types.js';

type Lookup = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → ''); throws as schema.ParseGroupVersion. */
function groupOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
  return parts.length === 2 ? parts[0] : '';
}

const isKind = (ref: OwnerReference, kind: string, groups: string[]) =>
  ref.kind === kind && groups.includes(groupOf(ref.apiVersion ?? ''));

const controllerOf = (obj: JsonObject) =>
  ((obj.metadata as JsonObject).ownerReferences as unknown as OwnerReference[] | undefined)?.find(
    (r) => r.controller,
  );

const uidOf = (obj: JsonObject) => String((obj.metadata as JsonObject).uid);
const replicasOf = (obj: JsonObject) => Number((obj.spec as JsonObject | undefined)?.replicas ?? 1);

/** Builds the finder chain over `registry`'s store. */
export function registryScaleFinder(registry: Registry): ScaleFinder {
  const stored = (group: string, resource: string, namespace: string, name: string, uid: string) => {
    const obj = registry.store.get({ group, resource, namespace, name })?.value;
    return obj && uidOf(obj) === uid ? obj : undefined;
  };

  const deployment: Lookup = (ref, namespace) => {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = stored('apps', 'replicasets', namespace, ref.name, ref.uid);
    const owner = rs && controllerOf(rs);
    if (!owner || !isKind(owner, 'Deployment', ['apps', 'extensions'])) return undefined;
    const d = stored('apps', 'deployments', namespace, owner.name, owner.uid);
    return d && { uid: uidOf(d), replicas: replicasOf(d) };
  };

  const replicaSet: Lookup = (ref, namespace) => {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = stored('apps', 'replicasets', namespace, ref.name, ref.uid);
    // a Deployment's ReplicaSet is counted through its Deployment, or not at all
    if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
    return { uid: uidOf(rs), replicas: replicasOf(rs) };
  };

  const statefulSet: Lookup = (ref, namespace) => {
    if (!isKind(ref, 'StatefulSet', ['apps'])) return undefined;
    const sts = stored('apps', 'statefulsets', namespace, ref.name, ref.uid);
    return sts && { uid: uidOf(sts), replicas: replicasOf(sts) };
  };

  const anyScale: Lookup = (ref, namespace) => {
    const apiVersion = ref.apiVersion ?? '';
    const group = groupOf(apiVersion);
    const version = apiVersion.split('/').pop() ?? '';
    // the named version first, then any version of the kind the server serves
    const type = registry
      .resourceTypes()
      .filter((t) => t.group === group && t.kind === ref.kind)
      .sort((a, b) => Number(b.version === version) - Number(a.version === version))[0];
    if (!type)
      throw new Error(
        `no matches for kind ${JSON.stringify(ref.kind)} in version ${JSON.stringify(apiVersion)}`,
      );
    if (!type.scale) {
      const resource = type.group ? `${type.resource}.${type.group}` : type.resource;
      throw new Error(`${resource} does not implement the scale subresource`);
    }
    let scale: JsonObject;
    try {
      scale = registry.get(
        { group, version: type.version, resource: type.resource },
        namespace,
        ref.name,
        'scale',
      );
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') return undefined;
      throw e;
    }
    if (uidOf(scale) !== ref.uid) return undefined;
    return { uid: ref.uid, replicas: Number((scale.spec as JsonObject | undefined)?.replicas ?? 0) };
  };

  const chain = [deployment, replicaSet, statefulSet, anyScale];
  return (ref, namespace) => {
    for (const find of chain) {
      const found = find(ref, namespace);
      if (found) return found;
    }
    return undefined;
  };
}
