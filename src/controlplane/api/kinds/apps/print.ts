/**
 * Shared pieces of server-side printing for the kinds of this folder and its siblings,
 * following pkg/printers/internalversion/printers.go: the NAME/AGE columns, the wide
 * CONTAINERS/IMAGES cells, and the default table (NAME, CREATED AT) kube-apiserver serves
 * for kinds without a printer (roles, clusterroles, CRDs).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { PrintColumn } from '../../types.js';
import { field } from '../print-util.js';

/** The verbs of an ordinary read-write resource. */
export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const NAME_DESC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The NAME column every table starts with. */
export const nameColumn: PrintColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESC,
  priority: 0,
};
/** The AGE column. */
export const ageColumn: PrintColumn = { name: 'Age', type: 'string', description: AGE_DESC, priority: 0 };

/** A column, shown by default (priority 0) or only with `-o wide` (priority 1). */
export function column(
  name: string,
  type: PrintColumn['type'],
  description: string,
  priority = 0,
): PrintColumn {
  return { name, type, description, priority };
}

/** The wide CONTAINERS and IMAGES columns of workloads. */
export const containerColumns: PrintColumn[] = [
  column('Containers', 'string', 'Names of each container in the template.', 1),
  column('Images', 'string', 'Images referenced by each container in the template.', 1),
];

/** An integer status field, 0 when unset (the Go zero value kubectl prints). */
export function int(obj: JsonValue | undefined, path: string): number {
  const v = field(obj, path);
  return typeof v === 'number' ? v : 0;
}

/** A string field, '' when unset. */
export function str(obj: JsonValue | undefined, path: string): string {
  const v = field(obj, path);
  return typeof v === 'string' ? v : '';
}

/** layoutContainerCells: the names and the images of a pod spec's containers, comma-joined. */
export function containerCells(podSpec: JsonValue | undefined): [string, string] {
  const containers = isJsonObject(podSpec) && Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const cs = containers.filter(isJsonObject);
  return [cs.map((c) => String(c.name ?? '')).join(','), cs.map((c) => String(c.image ?? '')).join(',')];
}

/** The columns kube-apiserver's default table convertor serves: NAME and CREATED AT. */
export const defaultTableColumns: PrintColumn[] = [
  nameColumn,
  { name: 'Created At', type: 'date', description: AGE_DESC, priority: 0 },
];

/** The default table's row: the name and the creation time in RFC 3339 (UTC, seconds). */
export function defaultTableRow(obj: JsonObject): JsonValue[] {
  const ts = str(obj, 'metadata.creationTimestamp');
  const t = Date.parse(ts);
  return [
    str(obj, 'metadata.name'),
    Number.isNaN(t) ? ts : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  ];
}

/** `True`/`False` for a set boolean, `<unset>` otherwise (printBoolPtr). */
export function boolPtr(v: JsonValue | undefined): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}
