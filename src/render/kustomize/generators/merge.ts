/**
 * `behavior: merge` and `behavior: replace`, and the checks around them, as kustomize's
 * resWrangler.appendReplaceOrMerge does (api/resmap/reswrangler.go). Observed with
 * `kubectl kustomize` on overlay fixtures:
 *   - the generator's object is the result; from the existing object it keeps the name,
 *     the namespace (even an explicit `default`), its place in the list and its rename
 *     history; labels and annotations are unioned, the generator's value winning;
 *   - merge also unions `data` and `binaryData` key by key, the generator winning, and
 *     drops either map when the union is empty (even a Secret's `data`);
 *   - everything else comes from the generator alone: a merged Secret whose generator
 *     names no `type` becomes `Opaque`; `immutable` and `stringData` of the existing
 *     object are lost;
 *   - the name gets a hash only if both objects asked for one: merging into a plain
 *     ConfigMap from `resources`, or with `disableNameSuffixHash: true` on either side,
 *     gives no suffix.
 */
import { CapstanError } from '../../../core/errors.js';
import { cloneJson, isJsonObject, type KubeObject } from '../../../core/object.js';
import { allIds, currentId, describeId, sameId } from '../ids.js';
import type { Resource } from '../types.js';
import { compareGoStrings } from './go-json.js';

/**
 * Folds a generated object into the existing one it targets, by the incoming object's
 * behavior (merge or replace). `source` is the kustomization doing it (display path): it
 * names errors and becomes the result's source. Throws RENDER_GENERATOR_COLLISION when
 * the incoming behavior is create/unspecified: only merge and replace may reuse a name.
 */
export function mergeGenerated(existing: Resource, incoming: Resource, source: string): Resource {
  const behavior = incoming.generated?.behavior ?? 'unspecified';
  if (behavior !== 'merge' && behavior !== 'replace') {
    throw new CapstanError(
      'RENDER_GENERATOR_COLLISION',
      `${source}: generated ${describeId(incoming.obj)}: ${describeId(existing.obj)} already exists (from ${existing.source}); set "behavior: merge" or "behavior: replace" to change it, or pick another name`,
      { kustomization: source, existing: existing.source, name: incoming.obj.metadata.name },
    );
  }
  const obj = cloneJson(incoming.obj);
  const old = existing.obj;
  const labels = { ...old.metadata.labels, ...obj.metadata.labels };
  const annotations = { ...old.metadata.annotations, ...obj.metadata.annotations };
  setOrDelete(obj.metadata, 'labels', labels);
  setOrDelete(obj.metadata, 'annotations', annotations);
  obj.metadata.name = old.metadata.name;
  if (old.metadata.namespace) obj.metadata.namespace = old.metadata.namespace;
  else delete obj.metadata.namespace;
  if (behavior === 'merge') {
    setOrDelete(obj, 'data', unionStringMaps(old.data, obj.data));
    setOrDelete(obj, 'binaryData', unionStringMaps(old.binaryData, obj.binaryData));
  }
  return {
    obj,
    source,
    previous: existing.previous.map((id) => ({ ...id })),
    prefixes: [...existing.prefixes],
    suffixes: [...existing.suffixes],
    generated: {
      behavior,
      hash: existing.generated?.hash === true && incoming.generated?.hash === true,
    },
  };
}

/**
 * Adds a generated resource to the list as kustomize's appendReplaceOrMerge does: the
 * object it targets is the one having (now or before a rename) the same apiVersion,
 * kind, name and effective namespace; merge/replace needs exactly one such object
 * and put the result in its place, create/unspecified needs none and appends.
 * Returns a new list; `resources` is not modified.
 */
export function absorbGenerated(
  resources: readonly Resource[],
  incoming: Resource,
  source: string,
): Resource[] {
  const id = currentId(incoming.obj);
  const matches: number[] = [];
  resources.forEach((r, i) => {
    if (r.obj.apiVersion === incoming.obj.apiVersion && allIds(r).some((other) => sameId(other, id))) {
      matches.push(i);
    }
  });
  const behavior = incoming.generated?.behavior ?? 'unspecified';
  if (matches.length === 0) {
    if (behavior === 'merge' || behavior === 'replace') {
      throw new CapstanError(
        'RENDER_GENERATOR_NO_BASE',
        `${source}: generated ${describeId(incoming.obj)} has "behavior: ${behavior}" but ${incoming.obj.kind} ${incoming.obj.metadata.name} does not exist in the resources, bases or earlier generators to ${behavior} into; remove "behavior" to create it`,
        { kustomization: source, name: incoming.obj.metadata.name, behavior },
      );
    }
    return [...resources, incoming];
  }
  if (matches.length > 1) {
    throw new CapstanError(
      'RENDER_GENERATOR_AMBIGUOUS',
      `${source}: generated ${describeId(incoming.obj)} could ${behavior} into ${matches.length} objects: ${matches.map((i) => `${describeId(resources[i].obj)} from ${resources[i].source}`).join(', ')}; give the generator a namespace to pick one`,
      { kustomization: source, name: incoming.obj.metadata.name },
    );
  }
  const out = [...resources];
  out[matches[0]] = mergeGenerated(resources[matches[0]], incoming, source);
  return out;
}

// kyaml's GetDataMap reads every value as its scalar text: `1.0` stays "1.0" there, but
// here YAML was already decoded, so a number gives its JS text ("1") and null gives "".
function unionStringMaps(older: unknown, newer: unknown): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const m of [older, newer]) {
    if (!isJsonObject(m)) continue;
    for (const [k, v] of Object.entries(m)) merged[k] = scalarText(v);
  }
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(merged).sort(compareGoStrings)) sorted[k] = merged[k];
  return sorted;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function setOrDelete(
  target: KubeObject | KubeObject['metadata'],
  key: string,
  m: Record<string, string>,
): void {
  if (Object.keys(m).length > 0) (target as Record<string, unknown>)[key] = m;
  else delete (target as Record<string, unknown>)[key];
}
