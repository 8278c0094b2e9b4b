/**
 * Validation of CustomResourceDefinitions (apiextensions validation.ValidateCustomResourceDefinition):
 * names, group, scope, versions (exactly one storage version), schemas and printer columns.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause } from '../../types.js';
import {
  dns1035Label,
  duplicate,
  forbidden,
  invalidValue,
  notSupported,
  required,
} from '../apps/field-errors.js';
import { immutableField } from '../apps/workload-validation.js';
import { isDns1123Subdomain } from '../validation.js';
import { parseJsonPath } from './json-path.js';

const objects = (v: JsonValue | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];

function validateNames(names: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  const at = 'spec.names';
  for (const key of ['plural', 'singular']) {
    const v = names[key];
    if (key === 'plural' && (typeof v !== 'string' || v === '')) out.push(required(`${at}.plural`));
    else if (typeof v === 'string' && v !== '') out.push(...dns1035Label(`${at}.${key}`, v));
  }
  for (const key of ['kind', 'listKind']) {
    const v = names[key];
    if (typeof v !== 'string' || v === '') out.push(required(`${at}.${key}`));
    else if (!/^[A-Za-z][-A-Za-z0-9]*$/.test(v) || v.length > 63)
      out.push(
        invalidValue(
          `${at}.${key}`,
          v,
          'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?',
        ),
      );
  }
  if (names.kind && names.kind === names.listKind)
    out.push(invalidValue(`${at}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  const shortNames = Array.isArray(names.shortNames) ? names.shortNames : [];
  shortNames.forEach((s, i) => out.push(...dns1035Label(`${at}.shortNames[${i}]`, String(s))));
  return out;
}

function validateVersion(v: JsonObject, i: number): FieldCause[] {
  const at = `spec.versions[${i}]`;
  const out: FieldCause[] = [];
  if (typeof v.name !== 'string' || v.name === '') out.push(required(`${at}.name`));
  else out.push(...dns1035Label(`${at}.name`, v.name));
  const schema = isJsonObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
  if (!isJsonObject(schema)) out.push(required(`${at}.schema.openAPIV3Schema`, 'schemas are required'));
  else if (schema.type !== 'object')
    out.push(
      invalidValue(`${at}.schema.openAPIV3Schema.type`, schema.type ?? '', 'must be object at the root'),
    );
  objects(v.additionalPrinterColumns).forEach((c, j) => {
    const cat = `${at}.additionalPrinterColumns[${j}]`;
    if (!c.name) out.push(required(`${cat}.name`));
    if (!COLUMN_TYPES.includes(String(c.type ?? '')))
      out.push(notSupported(`${cat}.type`, c.type ?? '', COLUMN_TYPES));
    if (typeof c.jsonPath !== 'string' || c.jsonPath === '') out.push(required(`${cat}.jsonPath`));
    else
      try {
        parseJsonPath(c.jsonPath);
      } catch {
        out.push(invalidValue(`${cat}.jsonPath`, c.jsonPath, 'must be a simple json path'));
      }
  });
  const scale = isJsonObject(v.subresources) ? v.subresources.scale : undefined;
  if (isJsonObject(scale)) {
    for (const key of ['specReplicasPath', 'statusReplicasPath']) {
      const p = scale[key];
      if (typeof p !== 'string' || p === '') out.push(required(`${at}.subresources.scale.${key}`));
      else if (!/^\.[A-Za-z0-9_.]+$/.test(p))
        out.push(
          invalidValue(`${at}.subresources.scale.${key}`, p, 'should be a json path under .spec or .status'),
        );
    }
  }
  return out;
}

/** Validates a CRD about to be stored; `old` is set on update. */
export function validateCrd(crd: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const out: FieldCause[] = [];
  const group = typeof spec.group === 'string' ? spec.group : '';
  const name = isJsonObject(crd.metadata) ? String(crd.metadata.name ?? '') : '';
  if (name !== `${String(names.plural ?? '')}.${group}`)
    out.push(invalidValue('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  if (group === '') out.push(required('spec.group'));
  else if (!group.includes('.'))
    out.push(invalidValue('spec.group', group, 'should be a domain with at least one dot'));
  else for (const m of isDns1123Subdomain(group)) out.push(invalidValue('spec.group', group, m));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    out.push(notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  out.push(...validateNames(names));
  const versions = objects(spec.versions);
  if (versions.length === 0)
    out.push(required('spec.versions', 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    out.push(...validateVersion(v, i));
    if (typeof v.name === 'string') {
      if (seen.has(v.name)) out.push(duplicate(`spec.versions[${i}].name`, v.name));
      seen.add(v.name);
    }
  });
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length > 0 && storage !== 1)
    out.push(
      invalidValue(
        'spec.versions',
        spec.versions ?? null,
        'must have exactly one version marked as storage version',
      ),
    );
  if (versions.length > 0 && !versions.some((v) => v.served === true))
    out.push(invalidValue('spec.versions', spec.versions ?? null, 'must have at least one served version'));
  const conversion = isJsonObject(spec.conversion) ? spec.conversion : {};
  if (conversion.strategy !== 'None' && conversion.strategy !== 'Webhook')
    out.push(notSupported('spec.conversion.strategy', conversion.strategy ?? '', ['None', 'Webhook']));
  if (conversion.strategy === 'Webhook' && !isJsonObject(conversion.webhook))
    out.push(required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  if (conversion.strategy === 'None' && conversion.webhook !== undefined && conversion.webhook !== null)
    out.push(forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  if (old) {
    const before = isJsonObject(old.spec) ? old.spec : {};
    out.push(...immutableField('spec.group', spec.group, before.group));
    out.push(...immutableField('spec.scope', spec.scope, before.scope));
  }
  return out;
}
