/**
 * How Capstan hides a Secret's values wherever it shows them (diffs, messages, logs), the
 * way Argo CD masks Secret data: each value becomes a run of `+` whose length says only
 * which distinct value it is. Per key, the first distinct value met is `++++++++` (8), the
 * second `+++++++++` (9), and so on — so a changed value still reads as a change, an
 * unchanged one as unchanged, and nothing of the value leaks (not even its length).
 */

/** The shortest mask, and the shortest run of a value that text redaction looks for. */
export const SECRET_MASK_MIN_LENGTH = 8;

/** A core/v1 Secret: the one kind whose `data`, `stringData` and last-applied copy are never shown. */
export function isSecret(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

/** Hands out masks per key: same (key, value), same mask. */
export class SecretMasker {
  private readonly byKey = new Map<string, Map<string, string>>();

  /** `canonical`: one form per value (Secret data in base64), so that its forms mask alike. */
  mask(key: string, canonical: string): string {
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    let mask = values.get(canonical);
    if (mask === undefined) {
      mask = '+'.repeat(SECRET_MASK_MIN_LENGTH + values.size);
      values.set(canonical, mask);
    }
    return mask;
  }
}
