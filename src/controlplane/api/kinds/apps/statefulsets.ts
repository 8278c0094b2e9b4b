/** apps/v1 StatefulSet: defaults (SetDefaults_StatefulSet), validation, columns. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { forbidden, nonNegative, notSupported, required } from './field-errors.js';
import { VERBS, ageColumn, column, containerCells, containerColumns, int, nameColumn, str } from './print.js';
import { defaultTemplateIn, embeddedMeta, orDefault, specFor } from './template.js';
import { jsonEqual, specOf, validateSelectorAndTemplate } from './workload-validation.js';

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  if (!isJsonObject(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy as JsonObject;
  // rollingUpdate is only created when the type was defaulted too (an explicit
  // `type: RollingUpdate` without it stays without it), as the Go defaulter does
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    if (!isJsonObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isJsonObject(strategy.rollingUpdate))
    orDefault(strategy.rollingUpdate, 'partition', 0);
  if (!isJsonObject(spec.persistentVolumeClaimRetentionPolicy))
    spec.persistentVolumeClaimRetentionPolicy = {};
  const retention = spec.persistentVolumeClaimRetentionPolicy as JsonObject;
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  orDefault(spec, 'replicas', 1);
  orDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplateIn(spec);
  for (const claim of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (!isJsonObject(claim)) continue;
    // embedded PersistentVolumeClaims come back with their type meta and a Pending status
    claim.apiVersion ??= 'v1';
    claim.kind ??= 'PersistentVolumeClaim';
    embeddedMeta(claim);
    if (!isJsonObject(claim.spec)) claim.spec = {};
    orDefault(claim.spec as JsonObject, 'volumeMode', 'Filesystem');
    if (!isJsonObject(claim.status)) claim.status = {};
    orDefault(claim.status as JsonObject, 'phase', 'Pending');
  }
}

/** The spec fields a StatefulSet update may change (ValidateStatefulSetUpdate). */
const MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function withoutMutable(spec: JsonObject): JsonValue {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !MUTABLE.includes(k)));
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out: FieldCause[] = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
  ];
  if (spec.podManagementPolicy !== 'OrderedReady' && spec.podManagementPolicy !== 'Parallel')
    out.push(
      notSupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']),
    );
  const strategy = isJsonObject(spec.updateStrategy) ? spec.updateStrategy : {};
  if (strategy.type === 'OnDelete') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null)
      out.push(
        forbidden('spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'"),
      );
  } else if (strategy.type === 'RollingUpdate') {
    if (isJsonObject(strategy.rollingUpdate))
      out.push(
        ...nonNegative('spec.updateStrategy.rollingUpdate.partition', strategy.rollingUpdate.partition),
      );
  } else
    out.push(
      strategy.type
        ? notSupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate'])
        : required('spec.updateStrategy'),
    );
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = isJsonObject(spec.persistentVolumeClaimRetentionPolicy)
      ? spec.persistentVolumeClaimRetentionPolicy[k]
      : undefined;
    if (v !== undefined && v !== 'Retain' && v !== 'Delete')
      out.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, ['Retain', 'Delete']));
  }
  out.push(...validateSelectorAndTemplate(spec, 'statefulset', ['Always']));
  if (old) {
    if (!jsonEqual(withoutMutable(spec), withoutMutable(specOf(old))))
      out.push(
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
  }
  return out;
}

/** statefulsets.apps/v1 */
export const statefulsets: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  singular: 'statefulset',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
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
    ageColumn,
    ...containerColumns,
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    `${int(obj, 'status.readyReplicas')}/${int(obj, 'spec.replicas')}`,
    age(obj, now),
    ...containerCells(
      isJsonObject(specOf(obj).template) ? (specOf(obj).template as JsonObject).spec : undefined,
    ),
  ],
};
