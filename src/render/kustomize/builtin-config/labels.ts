/**
 * Default label and annotation fields of kustomize v5.5 (builtinpluginconsts
 * commonlabels, metadatalabels, templatelabels, commonannotations).
 *
 * kustomize builds `commonLabels` as selectors + metadata labels, and `templateLabels`
 * as the metadata labels alone; `labels:` entries pick among them (see label-specs.ts).
 */
import type { FieldSpec } from '../types.js';
import { at, under, type Where } from './spec-helpers.js';

const deployment: Where = { kind: 'Deployment' };
const replicaSet: Where = { kind: 'ReplicaSet' };
const daemonSet: Where = { kind: 'DaemonSet' };
const appsDeployment: Where = { group: 'apps', kind: 'Deployment' };
const appsStatefulSet: Where = { group: 'apps', kind: 'StatefulSet' };
const replicationController: Where = { version: 'v1', kind: 'ReplicationController' };
const batchJob: Where = { group: 'batch', kind: 'Job' };
const batchCronJob: Where = { group: 'batch', kind: 'CronJob' };

/** Selectors inside a pod template that select pods of the same workload (never created). */
const podTemplateSelectors = [
  'affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'topologySpreadConstraints/labelSelector/matchLabels',
];

/** Labels of objects and of the objects they template (kustomize's metadataLabelsFieldSpecs). */
function metadataLabels(): FieldSpec[] {
  return [
    at('metadata/labels', {}, true),
    at('spec/template/metadata/labels', replicationController, true),
    at('spec/template/metadata/labels', deployment, true),
    at('spec/template/metadata/labels', replicaSet, true),
    at('spec/template/metadata/labels', daemonSet, true),
    at('spec/template/metadata/labels', appsStatefulSet, true),
    at('spec/volumeClaimTemplates[]/metadata/labels', appsStatefulSet, true),
    at('spec/template/metadata/labels', batchJob, true),
    at('spec/jobTemplate/metadata/labels', batchCronJob, true),
    at('spec/jobTemplate/spec/template/metadata/labels', batchCronJob, true),
  ];
}

/** commonLabels: selectors (created on Services and workloads) plus metadataLabels. */
export function commonLabelsSpecs(): FieldSpec[] {
  return [
    at('spec/selector', { version: 'v1', kind: 'Service' }, true),
    at('spec/selector', replicationController, true),
    at('spec/selector/matchLabels', deployment, true),
    ...under([[appsDeployment, 'spec/template/spec']], podTemplateSelectors),
    at('spec/selector/matchLabels', replicaSet, true),
    at('spec/selector/matchLabels', daemonSet, true),
    at('spec/selector/matchLabels', appsStatefulSet, true),
    ...under([[appsStatefulSet, 'spec/template/spec']], podTemplateSelectors),
    at('spec/selector/matchLabels', batchJob),
    at('spec/jobTemplate/spec/selector/matchLabels', batchCronJob),
    at('spec/selector/matchLabels', { group: 'policy', kind: 'PodDisruptionBudget' }),
    ...['spec/podSelector', 'spec/ingress/from/podSelector', 'spec/egress/to/podSelector'].map((p) =>
      at(`${p}/matchLabels`, { group: 'networking.k8s.io', kind: 'NetworkPolicy' }),
    ),
    ...metadataLabels(),
  ];
}

/** templateLabels: metadataLabels only (no selectors). */
export function templateLabelsSpecs(): FieldSpec[] {
  return metadataLabels();
}

/**
 * commonAnnotations: objects and pod templates. Unlike labels, StatefulSet matches in any
 * group and volumeClaimTemplates are not annotated.
 */
export function commonAnnotationsSpecs(): FieldSpec[] {
  return [
    at('metadata/annotations', {}, true),
    ...[replicationController, deployment, replicaSet, daemonSet, { kind: 'StatefulSet' }, batchJob].map(
      (w) => at('spec/template/metadata/annotations', w, true),
    ),
    at('spec/jobTemplate/metadata/annotations', batchCronJob, true),
    at('spec/jobTemplate/spec/template/metadata/annotations', batchCronJob, true),
  ];
}
