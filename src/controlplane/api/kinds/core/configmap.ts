/** core/v1 ConfigMap: non-secret configuration as string (`data`) and base64 (`binaryData`) entries. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { byteLength, invalid, keyPath, nameIsDnsSubdomain, str, tooLong } from '../validation.js';
import { base64Length, maxDataSize, validateDataKeys, validateImmutableData } from './data-keys.js';
import { validateCoreMeta } from './meta.js';
import { noGeneration, obj } from './util.js';

function validateConfigMap(cm: JsonObject, old?: JsonObject): FieldCause[] {
  const out = validateCoreMeta(cm, true, nameIsDnsSubdomain, old);
  if (old) out.push(...validateImmutableData(cm, old, ['data', 'binaryData']));
  const data = obj(cm.data) ?? {};
  const binary = obj(cm.binaryData) ?? {};
  let total = 0;
  out.push(...validateDataKeys(data, 'data'));
  for (const [key, value] of Object.entries(data)) {
    if (key in binary) out.push(invalid(keyPath('data', key), key, 'duplicate of key present in binaryData'));
    total += byteLength(str(value));
  }
  out.push(...validateDataKeys(binary, 'binaryData'));
  for (const [key, value] of Object.entries(binary)) {
    const decoded = base64Length(str(value));
    if ('illegalAt' in decoded)
      out.push(
        invalid(
          keyPath('binaryData', key),
          '<value omitted>',
          `illegal base64 data at input byte ${decoded.illegalAt}`,
        ),
      );
    else total += decoded.bytes;
  }
  // the server reports the size on the root path: the whole object is too big
  if (total > maxDataSize) out.push(tooLong('', maxDataSize));
  return out;
}

/** configmaps: no defaults, no status, no generation. */
export const configMapType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  singular: 'configmap',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  validate: validateConfigMap,
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Data', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (cm, now) => [
    str(obj(cm.metadata)?.name),
    Object.keys(obj(cm.data) ?? {}).length + Object.keys(obj(cm.binaryData) ?? {}).length,
    age(cm, now),
  ],
};
