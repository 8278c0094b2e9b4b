/**
 * Credentials out of URLs and free text. Pure string work, so every layer can strip a token
 * before text reaches a status, an error, an event or a log (moved here from git/ so the
 * logger in core can use it; git/ re-exports both).
 */

/** A URL fit for a message: user info, query string and fragment removed, even when it does not parse. */
export function redactUrl(url: string): string {
  return url
    .trim()
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1')
    .replace(/[?#].*$/, '');
}

/**
 * Removes secrets from free text (a server's or library's message): user info in any URL and
 * every occurrence of the given secret strings.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1');
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}
