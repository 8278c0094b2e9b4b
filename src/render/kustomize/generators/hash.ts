/**
 * The content hash kustomize appends to generated names (api/hasher/hasher.go).
 *
 * Worked example — a ConfigMap with `data: {k: v}`:
 *   encoded  = {"data":{"k":"v"},"kind":"ConfigMap","name":""}
 *   sha256   = bd094710ccb060b5…
 *   first 10 = bd094710cc
 *   mapped   = bdg947hgcc        (0→g 1→h 3→k a→m e→t, so no vowels, no 0/1/3 look-alikes)
 * and `kubectl kustomize` names it `NAME-bdg947hgcc`.
 *
 * `name` is always "": kustomize looks the name up with the single path segment
 * "metadata/name", which never exists — so equal content hashes equally under any name.
 * Labels, annotations and namespace are not part of the hash.
 */
import { createHash } from 'node:crypto';
import { isJsonObject, type JsonValue, type KubeObject } from '../../../core/object.js';
import { goJson } from './go-json.js';

// kustomize's getNodeValues: a missing field is "", a scalar is its text, a mapping is
// itself; a sequence fails to decode into a map and becomes Go's nil map (`null`).
function nodeValue(v: unknown): JsonValue {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isJsonObject(v)) return v;
  return null;
}

/** The exact text kustomize feeds to sha256 for this object. */
export function hashInput(obj: KubeObject): string {
  if (obj.kind === 'ConfigMap') {
    const m: Record<string, JsonValue> = { kind: 'ConfigMap', name: '', data: nodeValue(obj.data) };
    if (isJsonObject(obj.binaryData)) m.binaryData = obj.binaryData;
    return goJson(m);
  }
  if (obj.kind === 'Secret') {
    const m: Record<string, JsonValue> = {
      kind: 'Secret',
      name: '',
      type: nodeValue(obj.type),
      data: nodeValue(obj.data),
    };
    if (isJsonObject(obj.stringData)) m.stringData = obj.stringData;
    return goJson(m);
  }
  // Any other kind a generator marks for hashing: the whole object.
  return goJson(obj as unknown as JsonValue);
}

const substitute: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** kustomize's 10-character name suffix for the object's content (without the dash). */
export function contentHashSuffix(obj: KubeObject): string {
  const hex = createHash('sha256').update(hashInput(obj), 'utf8').digest('hex');
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => substitute[c]);
}
