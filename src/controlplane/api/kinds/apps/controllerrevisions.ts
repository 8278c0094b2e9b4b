/** apps/v1 ControllerRevision: the snapshots StatefulSets and DaemonSets roll back to. */
import { isJsonObject, parseApiVersion, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age } from '../print-util.js';
import { nonNegative, required } from './field-errors.js';
import { VERBS, ageColumn, column, nameColumn, str } from './print.js';
import { immutableField } from './workload-validation.js';

/** `statefulset.apps/web` for the controller owner reference, `<none>` without one. */
function controllerOf(obj: JsonObject): string {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isJsonObject) : [];
  const ref = refs.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(String(ref.apiVersion ?? ''));
  const kind = String(ref.kind ?? '');
  if (!kind) return String(ref.name ?? '');
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${String(ref.name ?? '')}`;
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const out: FieldCause[] = [];
  if (obj.revision === undefined || obj.revision === null) out.push(required('revision'));
  else out.push(...nonNegative('revision', obj.revision));
  // a revision's data is a snapshot: only its revision number may move
  if (old) out.push(...immutableField('data', obj.data, old.data));
  return out;
}

/** controllerrevisions.apps/v1 */
export const controllerrevisions: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  kind: 'ControllerRevision',
  listKind: 'ControllerRevisionList',
  namespaced: true,
  verbs: VERBS,
  validate,
  printColumns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    controllerOf(obj),
    typeof obj.revision === 'number' ? obj.revision : 0,
    age(obj, now),
  ],
};
