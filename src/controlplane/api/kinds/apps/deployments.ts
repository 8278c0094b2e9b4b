/** apps/v1 Deployment: defaults (SetDefaults_Deployment), validation, `kubectl get` columns. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { forbidden, nonNegative, notSupported, invalidValue } from './field-errors.js';
import { selectorString } from './label-selector.js';
import { VERBS, ageColumn, column, containerCells, containerColumns, int, nameColumn, str } from './print.js';
import { defaultTemplateIn, orDefault, specFor } from './template.js';
import {
  countOrPercent,
  immutableField,
  intOrPercent,
  isZero,
  specOf,
  validateSelectorAndTemplate,
} from './workload-validation.js';

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  orDefault(spec, 'replicas', 1);
  if (!isJsonObject(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy as JsonObject;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isJsonObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as JsonObject;
    orDefault(ru, 'maxUnavailable', '25%');
    orDefault(ru, 'maxSurge', '25%');
  }
  orDefault(spec, 'revisionHistoryLimit', 10);
  orDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplateIn(spec);
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out: FieldCause[] = [...nonNegative('spec.replicas', spec.replicas)];
  out.push(...validateSelectorAndTemplate(spec, 'deployment', ['Always']));
  const strategy = isJsonObject(spec.strategy) ? spec.strategy : {};
  if (strategy.type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null)
      out.push(
        forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
      );
  } else if (strategy.type === 'RollingUpdate') {
    const ru = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    out.push(...intOrPercent('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable));
    // only maxUnavailable is capped at 100% (ValidateRollingUpdateDeployment)
    out.push(...countOrPercent('spec.strategy.rollingUpdate.maxSurge', ru.maxSurge));
    // with neither surge nor unavailability allowed a rollout could never make progress
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
      out.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          'may not be 0 when `maxSurge` is 0',
        ),
      );
  } else out.push(notSupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
  out.push(...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  out.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    out.push(...nonNegative('spec.progressDeadlineSeconds', deadline));
    if (deadline <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0))
      out.push(
        invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
      );
  }
  if (old) out.push(...immutableField('spec.selector', spec.selector, specOf(old).selector));
  return out;
}

/** deployments.apps/v1 */
export const deployments: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
  // the registry renders an object-valued selector as a labels.Selector string for Scale.status.selector
  scale: {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  },
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    column(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    ageColumn,
    ...containerColumns,
    column(
      'Selector',
      'string',
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
      1,
    ),
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    `${int(obj, 'status.readyReplicas')}/${int(obj, 'spec.replicas')}`,
    int(obj, 'status.updatedReplicas'),
    int(obj, 'status.availableReplicas'),
    age(obj, now),
    ...containerCells(
      isJsonObject(specOf(obj).template) ? (specOf(obj).template as JsonObject).spec : undefined,
    ),
    selectorString(specOf(obj).selector),
  ],
};
