/**
 * The optimistic-concurrency precondition of an update: kube-apiserver's generic store
 * takes the resourceVersion of the object about to be written — the PUT body, or what a
 * PATCH produced from the current object — and refuses the write when it is set and is
 * not the stored one (registry/store.go `Update`, kubernetes/kubernetes#63104). A patch
 * that leaves resourceVersion alone keeps the current one and passes; one that removes
 * it (or sets "" or "0") is an unconditional update.
 */
import type { JsonValue } from '../../../core/index.js';
import { badRequest, conflict } from '../errors.js';
import type { ResourceType } from '../types.js';

const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * Throws 409 Conflict when `resourceVersion` is set and differs from `current` (the
 * stored revision), and 400 BadRequest when it is not a resourceVersion at all.
 *
 * Deviation: for "abc" kube-apiserver answers 500 with strconv's words (the store's
 * ParseUint error reaches the client unconverted; kubernetes/kubernetes#68208 tried to
 * make it a 400). A malformed value is the client's mistake, so it gets the same words
 * with 400 BadRequest.
 */
export function checkResourceVersion(
  type: ResourceType,
  name: string,
  resourceVersion: JsonValue | undefined,
  current: number,
): void {
  const wanted = parseResourceVersion(resourceVersion);
  if (wanted === undefined || wanted === BigInt(current)) return;
  throw conflict(
    type.group,
    type.resource,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

/** The revision a resourceVersion names; undefined for none ("", "0", absent or null). */
function parseResourceVersion(rv: JsonValue | undefined): bigint | undefined {
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (typeof rv !== 'string') {
    throw badRequest(
      `json: cannot unmarshal ${goJsonType(rv)} into Go struct field ObjectMeta.metadata.resourceVersion of type string`,
    );
  }
  // strconv.ParseUint(rv, 10, 64): decimal digits only, at most 2^64-1
  if (!/^[0-9]+$/.test(rv))
    throw badRequest(`strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  const n = BigInt(rv);
  if (n > MAX_UINT64)
    throw badRequest(`strconv.ParseUint: parsing ${JSON.stringify(rv)}: value out of range`);
  return n === 0n ? undefined : n;
}

function goJsonType(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : 'number';
}
