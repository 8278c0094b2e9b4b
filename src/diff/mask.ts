/**
 * Secret masking for every output (unified diff, JSON patch, comparison results), the way
 * Argo CD hides Secret data: each value becomes a run of `+` whose length says only which
 * distinct value it is. Per key, the first distinct value met (across all the versions
 * given, in order) is `++++++++` (8), the second `+++++++++` (9), and so on — so a changed
 * value still shows as a change, an unchanged one as unchanged, and nothing of the value
 * (not even its length, nor whether two keys hold the same value) leaks. Keys stay visible.
 */
import {
  isJsonObject,
  isSecret,
  SecretMasker,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from '../core/index.js';
import { LAST_APPLIED_ANNOTATION } from './normalize.js';

/** `data` holds base64; `stringData` the clear text: one canonical form so that both mask alike. */
function canonical(v: JsonValue, base64: boolean): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  return base64 ? v : Buffer.from(v, 'utf8').toString('base64');
}

function maskMap(m: JsonValue | undefined, masker: SecretMasker, base64: boolean): JsonValue | undefined {
  if (!isJsonObject(m)) return m;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === null ? v : masker.mask(k, canonical(v, base64));
  return out;
}

function maskOne(obj: KubeObject, masker: SecretMasker): KubeObject {
  const out: KubeObject = { ...obj };
  if ('data' in obj) out.data = maskMap(obj.data as JsonValue, masker, true);
  if ('stringData' in obj) out.stringData = maskMap(obj.stringData as JsonValue, masker, false);
  const annotations = obj.metadata?.annotations;
  if (isJsonObject(annotations) && typeof annotations[LAST_APPLIED_ANNOTATION] === 'string') {
    const a = annotations[LAST_APPLIED_ANNOTATION];
    out.metadata = {
      ...obj.metadata,
      annotations: {
        ...annotations,
        [LAST_APPLIED_ANNOTATION]: masker.mask(`\0${LAST_APPLIED_ANNOTATION}`, a),
      },
    };
  }
  return out;
}

/**
 * Versions of one object (live, desired, predicted, …) with a core/v1 Secret's `data` and
 * `stringData` values and its last-applied annotation masked consistently across them (see
 * the file comment). Any other kind comes back as it is.
 */
export function maskSecretValues<T extends KubeObject | undefined>(versions: readonly T[]): T[] {
  if (!versions.some((v) => v !== undefined && isSecret(v))) return versions.slice();
  const masker = new SecretMasker();
  return versions.map((v) => (v !== undefined && isSecret(v) ? (maskOne(v, masker) as T) : v));
}
