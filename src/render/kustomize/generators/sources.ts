/**
 * The `literals` and `files` entries of a generator, parsed as kustomize's kv loader
 * does (api/kv/kv.go). Keys are not validated: kustomize v5's field validator is a
 * no-op, so `a b=1` or `1BAD=1` are accepted and kept as written.
 */

/** A parsed `key=value` literal, or why it is not one. */
export type LiteralParse = { key: string; value: string } | { error: string };

/**
 * Splits at the first `=` (the value may hold more), then strips one pair of matching
 * outer quotes: `k="v"` → `v`, `k='v'` → `v`, `k="v'` and `k="` stay as written.
 */
export function parseLiteral(entry: string): LiteralParse {
  const eq = entry.indexOf('=');
  if (eq < 0) return { error: 'expected key=value, found no "="' };
  if (eq === 0) return { error: 'expected key=value, the key is empty' };
  return { key: entry.slice(0, eq), value: stripMatchingQuotes(entry.slice(eq + 1)) };
}

function stripMatchingQuotes(v: string): string {
  if (v.length < 2) return v;
  const first = v[0];
  if ((first === '"' || first === "'") && v[v.length - 1] === first) return v.slice(1, -1);
  return v;
}

/** A parsed `files` entry, or why it is not one. */
export type FileSourceParse = { key: string; path: string } | { error: string };

/**
 * `path` gives key = the path's last element; `key=path` renames; a second `=` anywhere
 * is refused, as is an empty key or path.
 */
export function parseFileSource(entry: string): FileSourceParse {
  const eq = entry.indexOf('=');
  if (eq < 0) return { key: baseName(entry), path: entry };
  if (entry.indexOf('=', eq + 1) >= 0) return { error: 'the key or the file path contains "="' };
  if (eq === 0) return { error: 'the key before "=" is empty' };
  if (eq === entry.length - 1) return { error: 'the file path after "=" is empty' };
  return { key: entry.slice(0, eq), path: entry.slice(eq + 1) };
}

// Go's path.Base on a slash path: trailing slashes ignored, "" → ".", "///" → "/".
function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
