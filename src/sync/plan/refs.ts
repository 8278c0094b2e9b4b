/** Object identity for the planner: what makes two objects "the same" and how to print one. */
import { parseApiVersion, type KubeObject } from '../../core/index.js';
import type { ObjectRef } from './types.js';

/** The reference of an object; a generateName-only object is named `<prefix>*`. */
export function refOf(obj: KubeObject): ObjectRef {
  const { group } = parseApiVersion(obj.apiVersion);
  const name = obj.metadata.name || (obj.metadata.generateName ? `${obj.metadata.generateName}*` : '');
  const ref: ObjectRef = { apiVersion: obj.apiVersion, group, kind: obj.kind, name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/**
 * Identity without the version: `apps/v1` and `apps/v1beta2` Deployments `shop/web` are one
 * object served at two versions. Example: `apps/Deployment/shop/web`, `/Namespace//shop`.
 */
export function keyOf(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `Deployment shop/web`, `ClusterRole reader`: how objects appear in messages and summaries. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}
