/**
 * ControllerRevisions for a StatefulSet — stateful_set_utils.go's getPatch/newRevision and
 * controller/history's NewControllerRevision, HashControllerRevision and EqualRevision.
 *
 * The revision stores `{"spec":{"template":{…,"$patch":"replace"}}}`; Kubernetes serializes
 * it with Go's encoding/json over a map, i.e. compact with keys sorted at every level and
 * `<`, `>`, `&` escaped as \u003c, \u003e, \u0026. `revisionBytes` writes the same bytes, so
 * for a template as the API server returns it the hash should match a real cluster's.
 *
 *   hash = SafeEncodeString(decimal(FNV-1_32(bytes ++ decimal(collisionCount))))
 *   name = `<sts>-<hash>` (the set name cut to 223 characters first)
 *
 * FNV-1 (multiply, then xor) — not the FNV-1a of pod-template-hash; hand-written, a few
 * lines, and no package matches Go's hash/fnv byte for byte.
 */
import type { JsonObject, JsonValue } from '../../../core/index.js';
import { controllerRef, safeEncodeString } from '../deployment/index.js';
import { REVISION_HASH_LABEL, type ControllerRevision, type StatefulSet } from './types.js';

/** FNV-1, 32 bits (Go's fnv.New32). */
export function fnv32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = (Math.imul(h, 0x01000193) >>> 0) ^ b;
  return h >>> 0;
}

/** Go's json.Marshal of a map: sorted keys, compact, HTML-sensitive characters escaped. */
export function revisionBytes(value: JsonValue | undefined): string {
  return JSON.stringify(sortKeys(value ?? null))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
  return out;
}

/** The revision data for `sts`'s current template (getPatch). */
export function revisionData(sts: StatefulSet): JsonObject {
  const template = structuredClone(sts.spec.template) as unknown as JsonObject;
  return { spec: { template: { ...template, $patch: 'replace' } } };
}

/** HashControllerRevision with a collision count, as StatefulSets always pass one. */
export function hashRevision(data: JsonObject, collisionCount: number): string {
  const bytes = Buffer.from(revisionBytes(data) + String(collisionCount), 'utf8');
  return safeEncodeString(String(fnv32(bytes)));
}

/**
 * The ControllerRevision recording `sts`'s template: name `<sts>-<hash>`, the template's
 * labels plus `controller.kubernetes.io/hash`, the set's annotations, a controller
 * ownerReference, `revision` as given (the next number in the set's history).
 */
export function revisionOf(sts: StatefulSet, collisionCount = 0, revision = 1): ControllerRevision {
  const data = revisionData(sts);
  const hash = hashRevision(data, collisionCount);
  const prefix = (sts.metadata.name ?? '').slice(0, 223);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${prefix}-${hash}`,
      ...(sts.metadata.namespace ? { namespace: sts.metadata.namespace } : {}),
      labels: { ...(sts.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      annotations: { ...(sts.metadata.annotations ?? {}) },
      ownerReferences: [controllerRef(sts, 'apps/v1', 'StatefulSet')],
    },
    data,
    revision,
  };
}

/** Same recorded template (EqualRevision compares the data bytes). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return revisionBytes(a.data) === revisionBytes(b.data);
}

/** Oldest first: by revision number, then creation time, then name (SortControllerRevisions). */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  const created = (r: ControllerRevision) => Date.parse(r.metadata.creationTimestamp ?? '') || 0;
  return [...revisions].sort(
    (a, b) =>
      a.revision - b.revision ||
      created(a) - created(b) ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}
