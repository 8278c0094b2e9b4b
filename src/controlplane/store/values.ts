/**
 * The store owns the values it holds. A value is copied when a write is issued (so the
 * caller may reuse its object at once), stamped with its revision when the write is
 * applied, and deep-frozen once committed: readers share it without copying, and a
 * caller that mutates a read value gets a TypeError instead of silently corrupting the
 * cache (ESM code runs in strict mode). Copy before changing, as with an informer cache.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/index.js';
import { invalidArgument } from './errors.js';

/** A private, JSON-clean copy of a value about to be written; throws if it is not JSON. */
export function ownCopy(value: JsonObject): JsonObject {
  if (!isJsonObject(value)) throw invalidArgument('a stored value must be a JSON object');
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch (e) {
    throw invalidArgument(`a stored value must be JSON: ${(e as Error).message}`);
  }
  return copy as JsonObject;
}

/** Sets `metadata.resourceVersion` on a value the store owns (not yet frozen). */
export function stamp(value: JsonObject, revision: number): void {
  const metadata = value.metadata;
  if (isJsonObject(metadata)) metadata.resourceVersion = String(revision);
  else value.metadata = { resourceVersion: String(revision) };
}

/** A frozen shallow copy with another resourceVersion, sharing everything else (DELETED events). */
export function restamped(value: JsonObject, revision: number): JsonObject {
  const metadata = isJsonObject(value.metadata) ? value.metadata : {};
  return Object.freeze({
    ...value,
    metadata: Object.freeze({ ...metadata, resourceVersion: String(revision) }),
  });
}

/** Freezes a value and everything inside it. */
export function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
