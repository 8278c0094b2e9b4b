/** core/v1 LimitRange: per-namespace default and bounds for container, pod and claim resources. */
import type { JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { nameIsDnsSubdomain, notSupported, str } from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { child, noGeneration, obj, objs } from './util.js';

const limitTypes = ['Container', 'Pod', 'PersistentVolumeClaim'];

/**
 * SetDefaults_LimitRangeItem, for Container items only: a missing default limit takes the max,
 * a missing default request takes the default limit, else the min.
 * Example: `{type: Container, max: {cpu: 2}, min: {memory: 64Mi}}` gains
 * `default: {cpu: 2}` and `defaultRequest: {cpu: 2, memory: 64Mi}`.
 */
export function defaultLimitRange(lr: JsonObject): void {
  for (const item of objs(obj(lr.spec)?.limits)) {
    if (item.type !== 'Container') continue;
    const def = child(item, 'default');
    const defReq = child(item, 'defaultRequest');
    for (const [k, v] of Object.entries(obj(item.max) ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(obj(item.min) ?? {})) if (!(k in defReq)) defReq[k] = v;
  }
}

// ValidateLimitRange: each item has a known type (quantity relations are not checked here)
function validateItems(lr: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  objs(obj(lr.spec)?.limits).forEach((item, i) => {
    const type = str(item.type);
    if (!limitTypes.includes(type)) out.push(notSupported(`spec.limits[${i}].type`, type, limitTypes));
  });
  return out;
}

/** limitranges: printed with the server's default columns, NAME and CREATED AT. */
export const limitRangeType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'limitranges',
  singular: 'limitrange',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  namespaced: true,
  shortNames: ['limits'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  defaults: defaultLimitRange,
  validate: (lr, old) => [...validateCoreMeta(lr, true, nameIsDnsSubdomain, old), ...validateItems(lr)],
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Created At', type: 'date', priority: 0 },
  ],
  printRow: (lr) => [str(obj(lr.metadata)?.name), str(obj(lr.metadata)?.creationTimestamp)],
};
