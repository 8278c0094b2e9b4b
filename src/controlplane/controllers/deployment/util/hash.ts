/**
 * The `pod-template-hash` label value, after controller_utils.go's ComputeHash:
 *
 *   h = FNV-32a(print(template)); if collisionCount is set, h also takes 8 bytes:
 *       collisionCount as uint32 little-endian followed by four zero bytes
 *       (Go fills an 8-byte buffer with PutUint32 and writes all of it);
 *   value = SafeEncodeString(decimal(h)).
 *
 * What cannot be reproduced: `print` is go-spew's `%#v` of the Go PodTemplateSpec struct,
 * which spells out every field of every nested Go type, nil ones included — its bytes
 * depend on the exact struct definitions of one Kubernetes release, so the same template
 * hashes differently across releases even in Kubernetes. We hash a canonical JSON form
 * instead (keys sorted; null, {} and [] dropped, since Kubernetes' semantic equality treats
 * nil and empty alike). Our values therefore differ from a real cluster's, but are stable
 * (same template → same value, whatever the key order) and keep the alphabet and length.
 * Collisions are handled as Kubernetes does: `newReplicaSetFor` bumps collisionCount when
 * `<deployment>-<hash>` is already taken by a different template.
 *
 * Hand-written: FNV-1a and the encoding are a dozen lines; no package matches Go's output.
 */
import type { JsonValue } from '../../../../core/index.js';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bits, continuing from `hash` (for feeding several buffers). */
export function fnv32a(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

// apimachinery rand.SafeEncodeString: no vowels (no words), no 0/1/3 (no look-alikes).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Maps each byte to ALPHANUMS[byte % 27]. For the decimal digits '0'..'9' (bytes 48..57)
 * that is '4','5','6','7','8','9','b','c','d','f': 3812749921 → "7d56c8ff65".
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** JSON with sorted keys, without nulls and empty objects/arrays; see the file comment. */
export function canonicalJson(value: JsonValue | undefined): string {
  return JSON.stringify(normalize(value) ?? null);
}

/** `value` with nulls, `{}` and `[]` removed recursively; undefined if nothing is left. */
export function normalize(value: JsonValue | undefined): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    // inside a list, position matters: keep empties as null rather than shifting items
    const items = value.map((v) => normalize(v) ?? null);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize(value[k]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

/**
 * The pod-template-hash of `template` (the Deployment's template, without the label).
 * `collisionCount` is the Deployment's `status.collisionCount`; absent and 0 differ, as in
 * Kubernetes (0 still feeds eight zero bytes).
 */
export function podTemplateHash(template: JsonValue, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return safeEncodeString(String(h));
}
