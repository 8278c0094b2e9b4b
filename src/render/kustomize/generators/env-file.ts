/**
 * Env files (`envs:`), read exactly as kustomize v5.5 does (api/kv/kv.go with Go's
 * bufio.Scanner). What that means, each checked with `kubectl kustomize`:
 *   - lines end at "\n"; one trailing "\r" is dropped (so `C\r\r` gives key `C\r`);
 *   - a UTF-8 BOM is dropped from the first line only;
 *   - leading white space is trimmed (Go's unicode.IsSpace), trailing is kept;
 *   - empty lines and lines starting with `#` are skipped;
 *   - `K=V` splits at the first `=`; quotes and trailing spaces stay in the value;
 *     a bare `K` gives `""`; `=V` (empty key) is skipped; `export K=V` gives the key
 *     `export K` (no key validation in v5);
 *   - a line that is not valid UTF-8 is an error;
 *   - a line of 65536 bytes or more silently ends the file: the scanner stops with
 *     ErrTooLong, which kustomize never checks, so that line and all after it vanish.
 */
import { isUtf8 } from 'node:buffer';

/** One key/value pair and the 1-based line it came from. */
export interface EnvPair {
  key: string;
  value: string;
  line: number;
}

/** A line that is not valid UTF-8 (1-based line number). */
export class EnvFileUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

// bufio.MaxScanTokenSize: a line must fit, without its "\n", in 64 KiB - 1 bytes.
const MAX_LINE = 64 * 1024 - 1;
const NL = 0x0a;
const CR = 0x0d;
const BOM = '\ufeff';
// Go's unicode.IsSpace (JS `\s` differs: it has U+FEFF and lacks U+0085).
const leadingSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Parses an env file's bytes into pairs, in file order; throws EnvFileUtf8Error. */
export function parseEnvFile(content: Buffer): EnvPair[] {
  const pairs: EnvPair[] = [];
  let start = 0;
  for (let lineNo = 1; start < content.length; lineNo++) {
    let end = content.indexOf(NL, start);
    const next = end < 0 ? content.length : end + 1;
    if (end < 0) end = content.length;
    if (end - start > MAX_LINE) break;
    const raw = content.subarray(start, end > start && content[end - 1] === CR ? end - 1 : end);
    start = next;
    if (!isUtf8(raw)) throw new EnvFileUtf8Error(lineNo);
    let line = raw.toString('utf8');
    if (lineNo === 1 && line.startsWith(BOM)) line = line.slice(1);
    line = line.replace(leadingSpace, '');
    if (line === '' || line[0] === '#') continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') continue;
    pairs.push({ key, value: eq < 0 ? '' : line.slice(eq + 1), line: lineNo });
  }
  return pairs;
}
