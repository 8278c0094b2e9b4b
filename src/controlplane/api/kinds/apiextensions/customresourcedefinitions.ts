/** apiextensions.k8s.io/v1 CustomResourceDefinition: defaults, validation, status conditions, columns. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { ResourceType } from '../../types.js';
import { VERBS, defaultTableColumns, defaultTableRow } from '../apps/print.js';
import { validateCrd } from './crd-validation.js';

/** SetDefaults_CustomResourceDefinition(Spec): singular, listKind, conversion, stored versions. */
export function defaultCrd(crd: JsonObject): void {
  if (!isJsonObject(crd.spec)) crd.spec = {};
  const spec = crd.spec as JsonObject;
  const names = isJsonObject(spec.names) ? spec.names : (spec.names = {});
  if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (!names.listKind && typeof names.kind === 'string' && names.kind) names.listKind = `${names.kind}List`;
  if (!isJsonObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  const conversion = spec.conversion as JsonObject;
  if (!conversion.strategy) conversion.strategy = 'None';
  const service =
    isJsonObject(conversion.webhook) && isJsonObject(conversion.webhook.clientConfig)
      ? conversion.webhook.clientConfig.service
      : undefined;
  if (isJsonObject(service) && (service.port === undefined || service.port === null)) service.port = 443;
  if (!isJsonObject(crd.status)) crd.status = {};
  const status = crd.status as JsonObject;
  if (!Array.isArray(status.storedVersions) || status.storedVersions.length === 0) {
    const storage = (Array.isArray(spec.versions) ? spec.versions : []).find(
      (v) => isJsonObject(v) && v.storage === true,
    );
    if (isJsonObject(storage) && typeof storage.name === 'string') status.storedVersions = [storage.name];
  }
}

/** Whether the CRD's Established condition is True: only then are its resources served. */
export function isCrdEstablished(crd: JsonObject): boolean {
  const conditions =
    isJsonObject(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : [];
  return conditions.some((c) => isJsonObject(c) && c.type === 'Established' && c.status === 'True');
}

/**
 * What apiextensions' naming and establishing controllers write once a CRD's names are free:
 * acceptedNames, NamesAccepted and Established. Capstan has no conflicting names to
 * arbitrate beyond validation, so a valid CRD is established at once. Returns a new status.
 */
export function establishedStatus(crd: JsonObject, now: Date): JsonObject {
  const status: JsonObject = isJsonObject(crd.status) ? { ...crd.status } : {};
  const names = isJsonObject(crd.spec) && isJsonObject(crd.spec.names) ? crd.spec.names : {};
  status.acceptedNames = JSON.parse(JSON.stringify(names)) as JsonObject;
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const previous = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
  const keep = (type: string, reason: string, message: string): JsonObject => {
    const old = previous.find((c) => c.type === type);
    return {
      type,
      status: 'True',
      lastTransitionTime: old && old.status === 'True' ? (old.lastTransitionTime ?? time) : time,
      reason,
      message,
    };
  };
  status.conditions = [
    keep('NamesAccepted', 'NoConflicts', 'no conflicts found'),
    keep('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
  ];
  return status;
}

/** customresourcedefinitions.apiextensions.k8s.io/v1 */
export const customresourcedefinitions: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  verbs: VERBS,
  status: true,
  defaults: defaultCrd,
  validate: validateCrd,
  printColumns: defaultTableColumns,
  printRow: defaultTableRow,
};
