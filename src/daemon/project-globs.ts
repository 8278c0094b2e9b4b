/**
 * The globs of an AppProject, matched as Argo CD matches them (util/glob over gobwas/glob,
 * no separators): `*` matches any text, `/` and the empty string included, so `*` allows
 * every repository and `github.com/acme/*` every repository under acme. picomatch does the
 * matching; `bash: true` makes its single star cross `/`.
 */
import picomatch from 'picomatch';

type Matcher = (value: string) => boolean;

const OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true, nonegate: true };
/** Compiled patterns; projects are few and checked on every sync. Cleared when it grows past the bound. */
const compiled = new Map<string, Matcher>();
const MAX_COMPILED = 1_000;

function matcherOf(pattern: string): Matcher {
  let match = compiled.get(pattern);
  if (!match) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    match = picomatch(pattern, OPTIONS);
    compiled.set(pattern, match);
  }
  return match;
}

/** Whether `value` matches the glob `pattern` (no negation). */
export function globMatches(pattern: string, value: string): boolean {
  // picomatch refuses an empty pattern and never matches an empty value: gobwas matches
  // '' with '' and with stars only (the core group '' is matched by `*`)
  if (pattern === '' || value === '') return value === pattern || /^\*+$/.test(pattern);
  return matcherOf(pattern)(value);
}

/** `!pattern`: an entry that refuses what it matches. */
export const isDenyPattern = (pattern: string): boolean => pattern.startsWith('!');

/** A `!pattern` matches what `pattern` does not match (Argo CD's globMatch with negation). */
export function globMatchesWithNegation(pattern: string, value: string): boolean {
  return isDenyPattern(pattern) ? !globMatches(pattern.slice(1), value) : globMatches(pattern, value);
}

/**
 * Argo CD's rule for a list of globs that may hold `!` entries (sourceRepos): refused as
 * soon as a `!` entry excludes the value; otherwise allowed when some entry matches.
 * `['*', '!github.com/evil/*']` allows all but evil's repositories; `['!github.com/evil/*']`
 * alone allows every other one, as in Argo CD.
 */
export function permittedByGlobs(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (globMatchesWithNegation(pattern, value)) matched = true;
    else if (isDenyPattern(pattern)) return false;
  }
  return matched;
}
