/** Every message Capstan decodes, and the object kinds a protobuf body may carry. */
import { parseSchemas, type Message } from './schema.js';
import { apps } from './schemas/apps.js';
import { batch } from './schemas/batch.js';
import { coreVolumes } from './schemas/core-volumes.js';
import { corePod } from './schemas/core-pod.js';
import { core } from './schemas/core.js';
import { meta } from './schemas/meta.js';
import { networking } from './schemas/networking.js';
import { policy } from './schemas/policy.js';
import { rbac } from './schemas/rbac.js';
import { scheduling } from './schemas/scheduling.js';

export const messages: ReadonlyMap<string, Message> = parseSchemas({
  meta: [meta],
  core: [core, corePod, coreVolumes],
  apps: [apps],
  batch: [batch],
  rbac: [rbac],
  networking: [networking],
  policy: [policy],
  scheduling: [scheduling],
});

/** apiVersion → the kinds of that version we decode (each is also its message's name). */
const kindsByVersion: Record<string, { group: string; kinds: string[] }> = {
  v1: {
    group: 'core',
    kinds: [
      'Namespace',
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'Service',
      'ResourceQuota',
      'Pod',
      'PersistentVolumeClaim',
    ],
  },
  'apps/v1': { group: 'apps', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] },
  'batch/v1': { group: 'batch', kinds: ['Job', 'CronJob'] },
  'rbac.authorization.k8s.io/v1': {
    group: 'rbac',
    kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  },
  'networking.k8s.io/v1': { group: 'networking', kinds: ['Ingress', 'IngressClass', 'NetworkPolicy'] },
  'policy/v1': { group: 'policy', kinds: ['PodDisruptionBudget'] },
  'scheduling.k8s.io/v1': { group: 'scheduling', kinds: ['PriorityClass'] },
};

/**
 * The message of an object of this apiVersion and kind, or undefined. DeleteOptions is
 * registered in every group version (metav1.AddToGroupVersion), so any apiVersion may carry it.
 */
export function messageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta/DeleteOptions';
  const version = kindsByVersion[apiVersion];
  if (!version || !version.kinds.includes(kind)) return undefined;
  return `${version.group}/${kind}`;
}
