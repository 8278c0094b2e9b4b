/** apps/v1 DaemonSet: defaults (SetDefaults_DaemonSet), validation, columns. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { forbidden, invalidValue, nonNegative, notSupported } from './field-errors.js';
import { formatLabelSelector, formatLabels } from './label-selector.js';
import { VERBS, ageColumn, column, containerCells, containerColumns, int, nameColumn, str } from './print.js';
import { defaultTemplateIn, orDefault, specFor } from './template.js';
import {
  immutableField,
  intOrPercent,
  isZero,
  specOf,
  validateSelectorAndTemplate,
} from './workload-validation.js';

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  if (!isJsonObject(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy as JsonObject;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isJsonObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    orDefault(strategy.rollingUpdate as JsonObject, 'maxUnavailable', 1);
    orDefault(strategy.rollingUpdate as JsonObject, 'maxSurge', 0);
  }
  orDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplateIn(spec);
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out: FieldCause[] = validateSelectorAndTemplate(spec, 'daemonset', ['Always']);
  const strategy = isJsonObject(spec.updateStrategy) ? spec.updateStrategy : {};
  if (strategy.type === 'RollingUpdate') {
    const ru = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    out.push(...intOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable));
    out.push(...intOrPercent('spec.updateStrategy.rollingUpdate.maxSurge', ru.maxSurge));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
      out.push(
        invalidValue(
          'spec.updateStrategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          'may not be 0 when `maxSurge` is 0',
        ),
      );
  } else if (strategy.type === 'OnDelete') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null)
      out.push(
        forbidden(
          'spec.updateStrategy.rollingUpdate',
          "may not be specified when strategy `type` is 'OnDelete'",
        ),
      );
  } else out.push(notSupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  out.push(
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
  );
  if (old) out.push(...immutableField('spec.selector', spec.selector, specOf(old).selector));
  return out;
}

const statusDoc = (what: string) => `The number of nodes ${what}.`;

/** daemonsets.apps/v1 */
export const daemonsets: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  singular: 'daemonset',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column('Desired', 'integer', statusDoc('that should be running the daemon pod')),
    column(
      'Current',
      'integer',
      statusDoc('that are running at least 1 daemon pod and are supposed to run the daemon pod'),
    ),
    column(
      'Ready',
      'integer',
      statusDoc(
        'that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition',
      ),
    ),
    column('Up-to-date', 'integer', statusDoc('that are running updated daemon pod')),
    column(
      'Available',
      'integer',
      statusDoc(
        'that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      ),
    ),
    column(
      'Node Selector',
      'string',
      'NodeSelector is a selector which must be true for the pod to fit on a node.',
    ),
    ageColumn,
    ...containerColumns,
    column('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
  ],
  printRow: (obj, now) => {
    const template = isJsonObject(specOf(obj).template) ? (specOf(obj).template as JsonObject) : {};
    const podSpec = isJsonObject(template.spec) ? template.spec : {};
    return [
      str(obj, 'metadata.name'),
      int(obj, 'status.desiredNumberScheduled'),
      int(obj, 'status.currentNumberScheduled'),
      int(obj, 'status.numberReady'),
      int(obj, 'status.updatedNumberScheduled'),
      int(obj, 'status.numberAvailable'),
      formatLabels(podSpec.nodeSelector),
      age(obj, now),
      ...containerCells(podSpec),
      formatLabelSelector(specOf(obj).selector),
    ];
  },
};
