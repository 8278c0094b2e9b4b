/**
 * kustomize v5.5's default name references (builtinpluginconsts namereference): for each
 * kind that can be renamed, the fields of other objects that hold its name. Referrer
 * specs never create. Two quirks are kept on purpose because they show in output:
 * IngressClass is keyed by group `networking.k8s.io/v1` (so it never matches and
 * `ingressClassName` is not updated), and Ingress `spec/tls/secretName` is listed twice.
 */
import type { FieldSpec } from '../types.js';
import type { NameBackReference } from './types.js';
import { at, under, type Where } from './spec-helpers.js';

const rbac = 'rbac.authorization.k8s.io';
const admission = 'admissionregistration.k8s.io';

/** Where the pod spec sits in each kind that holds one. */
const POD_SPEC = {
  Pod: 'spec',
  PodTemplate: 'template/spec',
  Deployment: 'spec/template/spec',
  ReplicaSet: 'spec/template/spec',
  DaemonSet: 'spec/template/spec',
  StatefulSet: 'spec/template/spec',
  ReplicationController: 'spec/template/spec',
  Job: 'spec/template/spec',
  CronJob: 'spec/jobTemplate/spec/template/spec',
} as const;
type PodKind = keyof typeof POD_SPEC;

/** The same pod-spec-relative paths in each of `kinds`; Pod is matched as `v1` when asked. */
function inPodSpecs(kinds: readonly PodKind[], paths: readonly string[], podVersion?: string): FieldSpec[] {
  return under(
    kinds.map((kind): [Where, string] => [
      kind === 'Pod' && podVersion ? { version: podVersion, kind } : { kind },
      POD_SPEC[kind],
    ]),
    paths,
  );
}

/** Kinds whose pod specs may mount ConfigMaps and Secrets (ReplicationController is not among them). */
const volumeKinds: PodKind[] = [
  'Pod',
  'PodTemplate',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
];

/** Kinds checked for service accounts, claims and priority classes (no PodTemplate or ReplicaSet). */
const podOwnerKinds: PodKind[] = [
  'Pod',
  'StatefulSet',
  'Deployment',
  'ReplicationController',
  'CronJob',
  'Job',
  'DaemonSet',
];

const configMapPaths = [
  'volumes/configMap/name',
  'containers/env/valueFrom/configMapKeyRef/name',
  'initContainers/env/valueFrom/configMapKeyRef/name',
  'containers/envFrom/configMapRef/name',
  'initContainers/envFrom/configMapRef/name',
  'volumes/projected/sources/configMap/name',
];

const secretPaths = [
  'volumes/secret/secretName',
  'containers/env/valueFrom/secretKeyRef/name',
  'initContainers/env/valueFrom/secretKeyRef/name',
  'containers/envFrom/secretRef/name',
  'initContainers/envFrom/secretRef/name',
  'imagePullSecrets/name',
  'volumes/projected/sources/secret/name',
];

const hpa = (kind: string): NameBackReference => ({
  kind,
  fieldSpecs: [at('spec/scaleTargetRef/name', { kind: 'HorizontalPodAutoscaler' })],
});

/** The default nameReference list, in kustomize's written order (it is sorted later). */
export function nameReferenceDefaults(): NameBackReference[] {
  return [
    hpa('Deployment'),
    hpa('ReplicationController'),
    hpa('ReplicaSet'),
    hpa('StatefulSet'),
    {
      kind: 'ConfigMap',
      version: 'v1',
      fieldSpecs: [
        ...inPodSpecs(volumeKinds, configMapPaths, 'v1'),
        at('spec/configSource/configMap', { kind: 'Node' }),
        at('rules/resourceNames', { kind: 'Role' }),
        at('rules/resourceNames', { kind: 'ClusterRole' }),
        at('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', {
          kind: 'Ingress',
        }),
      ],
    },
    {
      kind: 'Secret',
      version: 'v1',
      fieldSpecs: [
        ...inPodSpecs(volumeKinds, secretPaths, 'v1'),
        at('spec/tls/secretName', { kind: 'Ingress' }),
        at('metadata/annotations/ingress.kubernetes.io\\/auth-secret', { kind: 'Ingress' }),
        at('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', { kind: 'Ingress' }),
        at('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', { kind: 'Ingress' }),
        at('spec/tls/secretName', { kind: 'Ingress' }),
        at('imagePullSecrets/name', { kind: 'ServiceAccount' }),
        ...['secretName', 'adminSecretName', 'userSecretName', 'secretRef'].map((p) =>
          at(`parameters/${p}`, { kind: 'StorageClass' }),
        ),
        at('rules/resourceNames', { kind: 'Role' }),
        at('rules/resourceNames', { kind: 'ClusterRole' }),
        at('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', {
          group: 'serving.knative.dev',
          version: 'v1',
          kind: 'Service',
        }),
        at('spec/azureFile/secretName', { kind: 'PersistentVolume' }),
      ],
    },
    {
      kind: 'Service',
      version: 'v1',
      fieldSpecs: [
        at('spec/serviceName', { group: 'apps', kind: 'StatefulSet' }),
        at('spec/rules/http/paths/backend/serviceName', { kind: 'Ingress' }),
        at('spec/backend/serviceName', { kind: 'Ingress' }),
        at('spec/rules/http/paths/backend/service/name', { kind: 'Ingress' }),
        at('spec/defaultBackend/service/name', { kind: 'Ingress' }),
        at('spec/service/name', { group: 'apiregistration.k8s.io', kind: 'APIService' }),
        // the whole service stanza: the transformer rewrites its name and namespace
        at('webhooks/clientConfig/service', { group: admission, kind: 'ValidatingWebhookConfiguration' }),
        at('webhooks/clientConfig/service', { group: admission, kind: 'MutatingWebhookConfiguration' }),
      ],
    },
    {
      kind: 'Role',
      group: rbac,
      fieldSpecs: [at('roleRef/name', { group: rbac, kind: 'RoleBinding' })],
    },
    {
      kind: 'ClusterRole',
      group: rbac,
      fieldSpecs: [
        at('roleRef/name', { group: rbac, kind: 'RoleBinding' }),
        at('roleRef/name', { group: rbac, kind: 'ClusterRoleBinding' }),
      ],
    },
    {
      kind: 'ServiceAccount',
      version: 'v1',
      fieldSpecs: [
        // the whole subjects list: the transformer matches kind, name and namespace
        at('subjects', { group: rbac, kind: 'RoleBinding' }),
        at('subjects', { group: rbac, kind: 'ClusterRoleBinding' }),
        ...inPodSpecs(podOwnerKinds, ['serviceAccountName']),
      ],
    },
    {
      kind: 'PersistentVolumeClaim',
      version: 'v1',
      fieldSpecs: inPodSpecs(podOwnerKinds, ['volumes/persistentVolumeClaim/claimName']),
    },
    {
      kind: 'PersistentVolume',
      version: 'v1',
      fieldSpecs: [
        at('spec/volumeName', { kind: 'PersistentVolumeClaim' }),
        at('rules/resourceNames', { kind: 'ClusterRole' }),
      ],
    },
    {
      kind: 'StorageClass',
      version: 'v1',
      group: 'storage.k8s.io',
      fieldSpecs: [
        at('spec/storageClassName', { kind: 'PersistentVolume' }),
        at('spec/storageClassName', { kind: 'PersistentVolumeClaim' }),
        at('spec/volumeClaimTemplates/spec/storageClassName', { kind: 'StatefulSet' }),
      ],
    },
    {
      kind: 'PriorityClass',
      version: 'v1',
      group: 'scheduling.k8s.io',
      fieldSpecs: inPodSpecs(podOwnerKinds, ['priorityClassName']),
    },
    {
      kind: 'IngressClass',
      version: 'v1',
      group: 'networking.k8s.io/v1',
      fieldSpecs: [at('spec/ingressClassName', { kind: 'Ingress' })],
    },
    {
      kind: 'ValidatingAdmissionPolicy',
      group: admission,
      fieldSpecs: [at('spec/policyName', { group: admission, kind: 'ValidatingAdmissionPolicyBinding' })],
    },
  ];
}
