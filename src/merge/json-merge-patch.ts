/**
 * RFC 7386 JSON merge patch. Hand-written: the algorithm is ten lines and fast-json-patch
 * implements only RFC 6902.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../core/object.js';

/**
 * Applies merge patch `patch` to `original` and returns the result (inputs unchanged;
 * untouched subtrees are shared with `original`). A non-object patch replaces the whole
 * document; `null` removes a field.
 */
export function jsonMergePatch(original: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}
