/** apps/v1 ReplicaSet: defaults, validation, columns, and its `status.replicas` field selector. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { nonNegative } from './field-errors.js';
import { formatLabelSelector } from './label-selector.js';
import { VERBS, ageColumn, column, containerCells, containerColumns, int, nameColumn, str } from './print.js';
import { defaultTemplateIn, orDefault, specFor } from './template.js';
import { immutableField, specOf, validateSelectorAndTemplate } from './workload-validation.js';

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
  ];
  out.push(...validateSelectorAndTemplate(spec, 'replicaset', ['Always']));
  if (old) out.push(...immutableField('spec.selector', spec.selector, specOf(old).selector));
  return out;
}

/** replicasets.apps/v1 */
export const replicasets: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  singular: 'replicaset',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  defaults: (obj) => {
    const spec = specFor(obj);
    orDefault(spec, 'replicas', 1);
    defaultTemplateIn(spec);
  },
  validate,
  printColumns: [
    nameColumn,
    column(
      'Desired',
      'integer',
      'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works',
    ),
    column(
      'Current',
      'integer',
      'Replicas is the most recently observed number of non-terminated pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works',
    ),
    column(
      'Ready',
      'integer',
      'The number of non-terminated pods targeted by this ReplicaSet with a Ready Condition.',
    ),
    ageColumn,
    ...containerColumns,
    column(
      'Selector',
      'string',
      "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
      1,
    ),
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    int(obj, 'spec.replicas'),
    int(obj, 'status.replicas'),
    int(obj, 'status.readyReplicas'),
    age(obj, now),
    ...containerCells(
      isJsonObject(specOf(obj).template) ? (specOf(obj).template as JsonObject).spec : undefined,
    ),
    formatLabelSelector(specOf(obj).selector),
  ],
  // pkg/registry/apps/replicaset: ReplicaSetToSelectableFields
  selectableFields: (obj) => ({ 'status.replicas': String(int(obj, 'status.replicas')) }),
};
