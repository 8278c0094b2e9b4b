/**
 * Where `$(VAR)` references are expanded by default (kustomize v5.5 builtinpluginconsts
 * varreference). Specs match by kind only and never create.
 */
import type { FieldSpec } from '../types.js';
import { at, under } from './spec-helpers.js';

/** Container fields that may hold `$(VAR)`, for containers and init containers. */
const containerFields = ['containers', 'initContainers'].flatMap((list) =>
  ['args', 'command', 'env/value', 'volumeMounts/mountPath'].map((f) => `${list}/${f}`),
);

/** The default varReference list. */
export function varReferenceSpecs(): FieldSpec[] {
  const podSpecOf = (kind: string, prefix: string, nfsPath: string): FieldSpec[] => [
    ...under([[{ kind }, prefix]], containerFields),
    at(nfsPath, { kind }),
  ];
  return [
    // kustomize's CronJob nfs path lacks the pod template's `spec/`: kept as it is
    ...podSpecOf(
      'CronJob',
      'spec/jobTemplate/spec/template/spec',
      'spec/jobTemplate/spec/template/volumes/nfs/server',
    ),
    ...podSpecOf('DaemonSet', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
    ...podSpecOf('Deployment', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
    at('spec/template/metadata/annotations', { kind: 'Deployment' }),
    at('spec/rules/host', { kind: 'Ingress' }),
    at('spec/tls/hosts', { kind: 'Ingress' }),
    at('spec/tls/secretName', { kind: 'Ingress' }),
    ...podSpecOf('Job', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
    ...podSpecOf('Pod', 'spec', 'spec/volumes/nfs/server'),
    ...podSpecOf('ReplicaSet', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
    at('spec/ports/port', { kind: 'Service' }),
    at('spec/ports/targetPort', { kind: 'Service' }),
    // StatefulSet: claim templates' nfs server instead of pod volumes
    ...podSpecOf('StatefulSet', 'spec/template/spec', 'spec/volumeClaimTemplates/spec/nfs/server'),
    at('spec/nfs/server', { kind: 'PersistentVolume' }),
    at('metadata/labels'),
    at('metadata/annotations'),
  ];
}
