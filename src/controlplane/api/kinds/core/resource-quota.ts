/** core/v1 ResourceQuota: per-namespace limits on resource consumption and object counts. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { invalid, keyPath, nameIsDnsSubdomain, str } from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { noGeneration, obj, parseQuantity, quantityString } from './util.js';

// ValidateResourceQuotaSpec: every hard limit is a non-negative quantity
function validateHard(rq: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  for (const [name, value] of Object.entries(obj(obj(rq.spec)?.hard) ?? {})) {
    const q = parseQuantity(value);
    if (q === undefined)
      out.push(invalid(keyPath('spec.hard', name), value, 'must be a valid resource quantity'));
    else if (q < 0)
      out.push(invalid(keyPath('spec.hard', name), value, 'must be greater than or equal to 0'));
  }
  return out;
}

/**
 * REQUEST and LIMIT: `name: used/hard` for each hard limit in status, sorted by name; names
 * starting with "limits." go to LIMIT, all others to REQUEST (printers.go printResourceQuota).
 */
export function quotaCells(rq: JsonObject): [string, string] {
  const status = obj(rq.status) ?? {};
  const hard = obj(status.hard) ?? {};
  const used = obj(status.used) ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${quantityString(used[name])}/${quantityString(hard[name])}`;
    const parts = name.split('.');
    (parts.length > 1 && parts[0] === 'limits' ? limits : requests).push(cell);
  }
  return [requests.join(', '), limits.join(', ')];
}

/** resourcequotas: the quota controller fills status.hard and status.used. */
export const resourceQuotaType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  namespaced: true,
  shortNames: ['quota'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  status: true,
  validate: (rq, old) => [...validateCoreMeta(rq, true, nameIsDnsSubdomain, old), ...validateHard(rq)],
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    {
      name: 'Request',
      type: 'string',
      priority: 0,
      description: 'Request represents a minimum amount of cpu/memory that a container may consume.',
    },
    {
      name: 'Limit',
      type: 'string',
      priority: 0,
      description:
        'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (rq, now) => [str(obj(rq.metadata)?.name), ...quotaCells(rq), age(rq, now)],
};
