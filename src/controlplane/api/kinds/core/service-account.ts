/** core/v1 ServiceAccount: an identity for pods; nothing is defaulted (tokens are requested, not stored). */
import type { ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { nameIsDnsSubdomain, str } from '../validation.js';
import { validateCoreMeta } from './meta.js';
import { arr, noGeneration, obj } from './util.js';

/** serviceaccounts: SECRETS counts the legacy token secrets listed in `secrets`. */
export const serviceAccountType: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  validate: (sa, old) => validateCoreMeta(sa, true, nameIsDnsSubdomain, old),
  specFields: noGeneration,
  printColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Secrets', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
  ],
  printRow: (sa, now) => [str(obj(sa.metadata)?.name), arr(sa.secrets).length, age(sa, now)],
};
