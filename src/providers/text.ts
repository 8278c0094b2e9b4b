/** Text shaping every provider needs: one-line status descriptions, marked comments, repository names. */
import { providerError } from './errors.js';
import type { ApiProviderName } from './types.js';

/** The first line of `text`, cut to `max` characters with an ellipsis. Worked example, max 10: "rolled back to abc" → "rolled ba…". */
export function oneLine(text: string, max: number): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** The comment body with its marker first, unless the caller already put the marker in it. */
export function withMarker(marker: string, body: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`;
}

/** `owner/name` split in two; undefined for anything else (`a`, `a/b/c`, `/b`). */
export function ownerAndName(repository: string): { owner: string; repo: string } | undefined {
  const parts = repository.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { owner: parts[0], repo: parts[1] };
}

/** `owner/name` split in two, or PROVIDER_INVALID_OPTION naming the provider and the `shape` it wants. */
export function requireOwnerAndName(
  provider: ApiProviderName,
  repository: string,
  shape = 'owner/name',
): { owner: string; repo: string } {
  const names = ownerAndName(repository);
  if (!names)
    throw providerError(
      'PROVIDER_INVALID_OPTION',
      `${provider}: repository "${repository}" is not ${shape}`,
      {
        provider,
      },
    );
  return names;
}
