/** Reading untrusted JSON payloads without trusting their shape. */
import { webhookError } from './errors.js';
export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Present strings only, without repeats. */
export function strings(...values: unknown[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** `refs/heads/x` → { branch: x }, `refs/tags/v1` → { tag: v1 }. */
export function splitRef(ref: string | undefined): { branch?: string; tag?: string } {
  if (!ref) return {};
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return {};
}

/** A zero SHA is how GitHub, GitLab and Gitea say "the ref was deleted". */
export function liveSha(sha: unknown): string | undefined {
  const s = str(sha);
  return s && !/^0+$/.test(s) ? s : undefined;
}

/** The union of added/modified/removed over the push's commits. */
export function changedFiles(commits: unknown): string[] | undefined {
  const list = arr(commits);
  if (list.length === 0) return undefined;
  const out = new Set<string>();
  for (const c of list) {
    for (const key of ['added', 'modified', 'removed']) {
      for (const f of arr(obj(c)[key])) if (typeof f === 'string') out.add(f);
    }
  }
  return [...out];
}

/** The body as JSON, or `WEBHOOK_PAYLOAD_INVALID`. Read only once the signature is checked. */
export function jsonPayload(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw webhookError('WEBHOOK_PAYLOAD_INVALID', 'the webhook body is not JSON');
  }
}
