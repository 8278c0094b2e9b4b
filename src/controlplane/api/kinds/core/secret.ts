/** core/v1 Secret: base64 `data` (plus write-only `stringData`), typed by `type`. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import {
  invalid,
  keyPath,
  nameIsDnsSubdomain,
  required,
  str,
  tooLong,
  validateImmutable,
} from '../validation.js';
import { base64Length, maxDataSize, validateDataKeys, validateImmutableData } from './data-keys.js';
import { validateCoreMeta } from './meta.js';
import { noGeneration, obj } from './util.js';

/**
 * Defaults: `type: Opaque` (SetDefaults_Secret) and `stringData` folded into `data` — the v1
 * conversion writes each stringData entry over data, base64-encoded, and never returns it.
 */
export function defaultSecret(secret: JsonObject): void {
  if (!str(secret.type)) secret.type = 'Opaque';
  const stringData = obj(secret.stringData);
  if (stringData && Object.keys(stringData).length > 0) {
    const data = obj(secret.data) ?? {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
}

// the keys each built-in type requires (pkg/apis/core/validation ValidateSecret)
function validateType(secret: JsonObject, data: JsonObject): FieldCause[] {
  const has = (k: string): boolean => k in data;
  const decoded = (k: string): string => Buffer.from(str(data[k]), 'base64').toString('utf8');
  const jsonError = (k: string): FieldCause[] => {
    try {
      const v: unknown = JSON.parse(decoded(k));
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return [];
      return [
        invalid(
          keyPath('data', k),
          '<secret contents redacted>',
          'json: cannot unmarshal into Go value of type map[string]interface {}',
        ),
      ];
    } catch {
      // JSON.parse's message quotes the input around the fault: say only that it is not JSON
      return [invalid(keyPath('data', k), '<secret contents redacted>', 'must be valid JSON')];
    }
  };
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      return str(obj(obj(secret.metadata)?.annotations)?.['kubernetes.io/service-account.name'])
        ? []
        : [required('metadata.annotations[kubernetes.io/service-account.name]')];
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? jsonError('.dockercfg') : [required('data[.dockercfg]')];
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson')
        ? jsonError('.dockerconfigjson')
        : [required('data[.dockerconfigjson]')];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password')
        ? []
        : [required('data[username]'), required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return str(data['ssh-privatekey']) ? [] : [required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return [
        ...(has('tls.crt') ? [] : [required('data[tls.crt]')]),
        ...(has('tls.key') ? [] : [required('data[tls.key]')]),
      ];
    default:
      return [];
  }
}

function validateSecret(secret: JsonObject, old?: JsonObject): FieldCause[] {
  const out = validateCoreMeta(secret, true, nameIsDnsSubdomain, old);
  if (old) {
    out.push(...validateImmutable(secret.type, old.type, 'type'));
    out.push(...validateImmutableData(secret, old, ['data']));
  }
  const data = obj(secret.data) ?? {};
  out.push(...validateDataKeys(data, 'data'));
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    // the real server fails to decode the request instead; reported here on the field at fault
    const decoded = base64Length(str(value));
    if ('illegalAt' in decoded)
      out.push(
        invalid(
          keyPath('data', key),
          '<secret contents redacted>',
          `illegal base64 data at input byte ${decoded.illegalAt}`,
        ),
      );
    else total += decoded.bytes;
  }
  if (total > maxDataSize) out.push(tooLong('data', maxDataSize));
  out.push(...validateType(secret, data));
  return out;
}

/** secrets: no short name; `type` is the one selectable field. */
export const secretType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  singular: 'secret',
  kind: 'Secret',
  listKind: 'SecretList',
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  defaults: defaultSecret,
  validate: validateSecret,
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Type', type: 'string', priority: 0 },
    { name: 'Data', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (s, now) => [
    str(obj(s.metadata)?.name),
    str(s.type),
    Object.keys(obj(s.data) ?? {}).length,
    age(s, now),
  ],
  selectableFields: (s) => ({ type: str(s.type) }),
};
