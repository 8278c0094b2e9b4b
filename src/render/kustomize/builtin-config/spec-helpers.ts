/** Small constructors that keep the default configuration readable as data. */
import type { FieldSpec } from '../types.js';

/** Which objects a field spec applies to; empty parts match anything. */
export interface Where {
  group?: string;
  version?: string;
  kind?: string;
}

/** A field spec at `path` for objects matching `where`; `create` only when true. */
export function at(path: string, where: Where = {}, create = false): FieldSpec {
  const spec: FieldSpec = { path };
  if (where.group) spec.group = where.group;
  if (where.version) spec.version = where.version;
  if (where.kind) spec.kind = where.kind;
  if (create) spec.create = true;
  return spec;
}

/** The same relative paths below `prefix` for each of `kinds`, kind by kind. */
export function under(kinds: Array<[Where, string]>, paths: readonly string[], create = false): FieldSpec[] {
  return kinds.flatMap(([where, prefix]) => paths.map((p) => at(`${prefix}/${p}`, where, create)));
}
