/** A pod for a ReplicaSet, as controller_utils.go's GetPodFromTemplate. */
import { controllerRef } from '../new-replica-set.js';
import type { Pod, ReplicaSet } from '../types.js';

/**
 * A pod from `rs`'s template: its labels, annotations and finalizers, `generateName`
 * `<rs>-`, a controller ownerReference to the ReplicaSet, and the template's spec. The API
 * server normally completes the name from generateName (5 random characters); pass
 * `nameSuffix` to name it here instead: `web-5d4f8c7b9` + `x7k2p` → `web-5d4f8c7b9-x7k2p`.
 */
export function newPodFor(rs: ReplicaSet, nameSuffix?: string): Pod {
  const template = structuredClone(rs.spec.template);
  const meta = template.metadata ?? {};
  const prefix = `${rs.metadata.name}-`;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: prefix,
      ...(nameSuffix ? { name: prefix + nameSuffix } : {}),
      ...(rs.metadata.namespace ? { namespace: rs.metadata.namespace } : {}),
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: template.spec ?? {},
  };
  return pod;
}
