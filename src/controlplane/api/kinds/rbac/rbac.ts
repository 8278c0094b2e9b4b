/**
 * rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding —
 * defaults (SetDefaults_*Binding, SetDefaults_Subject), validation (pkg/apis/rbac/validation)
 * and columns (bindings have a printer; roles get the default NAME / CREATED AT table).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { invalidValue, notSupported, required } from '../apps/field-errors.js';
import {
  VERBS,
  ageColumn,
  column,
  defaultTableColumns,
  defaultTableRow,
  nameColumn,
  str,
} from '../apps/print.js';
import { jsonEqual } from '../apps/workload-validation.js';

const GROUP = 'rbac.authorization.k8s.io';

function defaultBinding(obj: JsonObject): void {
  if (isJsonObject(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = GROUP;
  for (const s of Array.isArray(obj.subjects) ? obj.subjects : []) {
    if (!isJsonObject(s) || s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = GROUP;
  }
}

function validateRules(obj: JsonObject, namespaced: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  const rules = Array.isArray(obj.rules) ? obj.rules : [];
  rules.forEach((r, i) => {
    if (!isJsonObject(r)) return;
    const at = `rules[${i}]`;
    const list = (k: string): JsonValue[] => (Array.isArray(r[k]) ? (r[k] as JsonValue[]) : []);
    if (list('verbs').length === 0)
      out.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    const urls = list('nonResourceURLs');
    if (urls.length > 0) {
      if (namespaced)
        out.push(
          invalidValue(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'),
        );
      if (list('apiGroups').length > 0 || list('resources').length > 0 || list('resourceNames').length > 0)
        out.push(
          invalidValue(
            `${at}.nonResourceURLs`,
            urls,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      return;
    }
    if (list('apiGroups').length === 0)
      out.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (list('resources').length === 0)
      out.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  return out;
}

function validateBinding(obj: JsonObject, old: JsonObject | undefined, cluster: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  const ref = isJsonObject(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== GROUP) out.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [GROUP]));
  const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(String(ref.kind ?? ''))) out.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) out.push(required('roleRef.name'));
  const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
  subjects.forEach((s, i) => {
    if (!isJsonObject(s)) return;
    const at = `subjects[${i}]`;
    if (!s.name) out.push(required(`${at}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) out.push(notSupported(`${at}.apiGroup`, s.apiGroup, ['']));
        if (cluster && !s.namespace) out.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== GROUP) out.push(notSupported(`${at}.apiGroup`, s.apiGroup ?? '', [GROUP]));
        break;
      default:
        out.push(notSupported(`${at}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  // a binding's meaning is its role: to point it elsewhere, delete and recreate it
  if (old && !jsonEqual(obj.roleRef, old.roleRef))
    out.push(invalidValue('roleRef', obj.roleRef ?? null, 'cannot change roleRef'));
  return out;
}

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts, comma-joined. */
function subjectCells(obj: JsonObject): string[] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of Array.isArray(obj.subjects) ? obj.subjects : []) {
    if (!isJsonObject(s)) continue;
    if (s.kind === 'User') users.push(String(s.name ?? ''));
    else if (s.kind === 'Group') groups.push(String(s.name ?? ''));
    else if (s.kind === 'ServiceAccount') sas.push(`${String(s.namespace ?? '')}/${String(s.name ?? '')}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingColumns(what: string) {
  return [
    nameColumn,
    column(
      'Role',
      'string',
      'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
    ),
    ageColumn,
    column('Users', 'string', `Users in the ${what}`, 1),
    column('Groups', 'string', `Groups in the ${what}`, 1),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
  ];
}

const bindingRow = (obj: JsonObject, now: Date): JsonValue[] => [
  str(obj, 'metadata.name'),
  `${String(field(obj, 'roleRef.kind') ?? '')}/${String(field(obj, 'roleRef.name') ?? '')}`,
  age(obj, now),
  ...subjectCells(obj),
];

const base = { group: GROUP, version: 'v1', verbs: VERBS } as const;

/** roles.rbac.authorization.k8s.io/v1 */
export const roles: ResourceType = {
  ...base,
  verbs: [...VERBS],
  resource: 'roles',
  singular: 'role',
  kind: 'Role',
  listKind: 'RoleList',
  namespaced: true,
  validate: (obj) => validateRules(obj, true),
  printColumns: defaultTableColumns,
  printRow: defaultTableRow,
};

/** clusterroles.rbac.authorization.k8s.io/v1 */
export const clusterroles: ResourceType = {
  ...base,
  verbs: [...VERBS],
  resource: 'clusterroles',
  singular: 'clusterrole',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  namespaced: false,
  validate: (obj) => validateRules(obj, false),
  printColumns: defaultTableColumns,
  printRow: defaultTableRow,
};

/** rolebindings.rbac.authorization.k8s.io/v1 */
export const rolebindings: ResourceType = {
  ...base,
  verbs: [...VERBS],
  resource: 'rolebindings',
  singular: 'rolebinding',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  namespaced: true,
  defaults: defaultBinding,
  validate: (obj, old) => validateBinding(obj, old, false),
  printColumns: bindingColumns('roleBinding'),
  printRow: bindingRow,
};

/** clusterrolebindings.rbac.authorization.k8s.io/v1 */
export const clusterrolebindings: ResourceType = {
  ...base,
  verbs: [...VERBS],
  resource: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  namespaced: false,
  defaults: defaultBinding,
  validate: (obj, old) => validateBinding(obj, old, true),
  printColumns: bindingColumns('clusterRoleBinding'),
  printRow: bindingRow,
};
