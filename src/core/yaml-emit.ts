/**
 * A block-style YAML writer for JSON values that prints what `kubectl kustomize` prints,
 * byte for byte: kustomize writes through go-yaml v3 (the copy in sigs.k8s.io/yaml that
 * kubectl v1.32 builds in), whose rules are followed here —
 * - keys in go-yaml's natural order (`x9` before `x10`, `_a` before `A`);
 * - a string that would read back as something else (`"0644"`, `"yes"`, `"1.0"`,
 *   `"2024-01-15"`, `""`) double-quoted; else plain where the YAML grammar allows it,
 *   else single-quoted; characters YAML cannot print as they are, double-quoted with
 *   go-yaml's escapes;
 * - lines longer than 80 columns folded at a space, as go-yaml's emitter folds them;
 * - multi-line strings as literal blocks (`|`, `|-`, `|+`) where they can be;
 * - numbers as Go prints them (`1e-05`, `1.2345675e+06`).
 * Written by hand because js-yaml's general `dump` took ~130 ms of the renderer's 1 s
 * budget for 6,000 objects; this does the same output in a fraction.
 */
import { readsAsString } from './yaml-schema.js';

/** go-yaml's emitter folds plain and quoted scalars at a space past this column. */
const BEST_WIDTH = 80;

/** YAML 1.1 booleans: go-yaml quotes them so that YAML 1.1 readers keep them strings. */
const OLD_BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
]);
/** YAML 1.1 base-60 numbers (`1:20`), quoted for the same reason. */
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** True when go-yaml would quote `s` whatever it holds: read plain, it would not be this string. */
function readsAsOther(s: string): boolean {
  return s === '' || OLD_BOOLS.has(s) || !readsAsString(s) || BASE60_FLOAT.test(s);
}

/** Characters libyaml prints as they are; everything else is escaped in double quotes. */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
/** A blank or a break or the end of the string (libyaml's is_blankz). */
const isBlankZ = (c: number) => c === 0x20 || c === 0x09 || isBreak(c) || Number.isNaN(c);

type Style = 'plain' | 'single' | 'double';

/**
 * The style libyaml's emitter settles on for a one-line string it was asked to write
 * plain (or quoted, `quoted`), in block context: its analyze_scalar and
 * select_scalar_style, for what a string without `\n` can hold.
 */
function styleOf(s: string, quoted: boolean): Style {
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  let breaks = false;
  let spaceBreak = false;
  let breakSpace = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const last = s.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    const followedByWhitespace = isBlankZ(next);
    if (i === 0) {
      // # , [ ] { } & * ! | > ' " % @ `
      if ('#,[]{}&*!|>\'"%@`'.includes(s[0])) blockIndicators = true;
      else if ((c === 0x3f /* ? */ || c === 0x3a /* : */ || c === 0x2d) /* - */ && followedByWhitespace)
        blockIndicators = true;
    } else if ((c === 0x3a && followedByWhitespace) || (c === 0x23 /* # */ && precededByWhitespace)) {
      blockIndicators = true;
    }
    const code = s.codePointAt(i)!;
    if (!isPrintable(code)) special = true;
    if (code > 0xffff) i++; // the low half of a surrogate pair
    if (isBreak(c)) breaks = true;
    if (c === 0x20) {
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
  }
  if (special || spaceBreak) return 'double';
  if (quoted) return 'double';
  const edges =
    s.charCodeAt(0) === 0x20 ||
    s.charCodeAt(last) === 0x20 ||
    isBreak(s.charCodeAt(0)) ||
    isBreak(s.charCodeAt(last));
  if (blockIndicators || edges || breaks) return breakSpace ? 'double' : 'single';
  return 'plain';
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** The words starting with a letter that read as null or a boolean (in YAML 1.2, or 1.1 for go-yaml). */
const LETTER_WORDS_READ_AS_OTHER = new Set([
  ...OLD_BOOLS,
  ...['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'],
]);

/**
 * The common case decided in one pass: a string without spaces that starts with a letter,
 * `/` or a digit and holds only letters, digits and `-./_:=@+` (names, images, paths,
 * quantities, URLs) is written plain, unless it ends with `:`, is one of the words above,
 * or starts with a digit without a letter that rules out a number or a date.
 */
function isPlainWord(s: string): boolean {
  const first = s.charCodeAt(0);
  const digitFirst = first >= 48 && first <= 57;
  if (!isLetter(first) && first !== 47 /* / */ && !digitFirst) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 43 +, 45 -, 46 ., 47 /, 58 :, 61 =, 64 @, 95 _
    if (!(isLetter(c) || (c >= 45 && c <= 58) || c === 95 || c === 61 || c === 64 || c === 43)) return false;
  }
  if (s.charCodeAt(s.length - 1) === 58) return false;
  // `128Mi`, `10m`: a letter no number or date holds (not a hex digit, x, o, t or z)
  if (digitFirst) return NOT_IN_NUMBERS.test(s);
  return !LETTER_WORDS_READ_AS_OTHER.has(s);
}

const NOT_IN_NUMBERS = /[g-np-suvwyG-NP-SUVWY]/;

/** go-yaml's escapes in double quotes. */
const ESCAPES: Record<number, string> = {
  0x00: '\\0',
  0x07: '\\a',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
  0x1b: '\\e',
  0x22: '\\"',
  0x5c: '\\\\',
  0x85: '\\N',
  0xa0: '\\_',
  0x2028: '\\L',
  0x2029: '\\P',
};

function escaped(code: number): string {
  const named = ESCAPES[code];
  if (named !== undefined) return named;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * `s` written in `style` from `column`, folded as go-yaml folds: at a single space past
 * column 80, the line breaks and goes on at `indent` (never within a key: `fold` false).
 */
function writeScalar(s: string, style: Style, column: number, indent: string, fold: boolean): string {
  let out = style === 'plain' ? '' : style === 'single' ? "'" : '"';
  let col = column + out.length;
  let spaces = false;
  const last = s.length - 1;
  // go-yaml tests for a byte order mark at the start of the string, not at each character:
  // after one, it escapes everything
  const escapeAll = style === 'double' && s.charCodeAt(0) === 0xfeff;
  for (let i = 0; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (style === 'double') {
      const code = s.codePointAt(i)!;
      if (escapeAll || !isPrintable(code) || isBreak(code) || c === 0x22 || c === 0x5c) {
        const e = escaped(code);
        out += e;
        col += e.length;
        if (code > 0xffff) i++;
        spaces = false;
        continue;
      }
    }
    if (c === 0x20) {
      const breakable =
        fold &&
        !spaces &&
        col > BEST_WIDTH &&
        (style === 'plain' ? s.charCodeAt(i + 1) !== 0x20 : i !== 0 && i !== last) &&
        (style !== 'single' || s.charCodeAt(i + 1) !== 0x20);
      if (breakable) {
        out += `\n${indent}`;
        col = indent.length;
        // a space starting the next line would be lost in double quotes: escape it
        if (style === 'double' && s.charCodeAt(i + 1) === 0x20) {
          out += '\\';
          col++;
        }
      } else {
        out += ' ';
        col++;
      }
      spaces = true;
      continue;
    }
    if (style === 'single' && c === 0x27) {
      out += "''";
      col += 2;
    } else {
      const code = s.codePointAt(i)!;
      out += String.fromCodePoint(code);
      if (code > 0xffff) i++;
      col++;
    }
    spaces = false;
  }
  if (style === 'single') out += "'";
  else if (style === 'double') out += '"';
  return out;
}

/**
 * A one-line string as a value starting at `column` (continuing at `indent` when folded),
 * or as a key (`fold` false).
 */
function stringScalar(s: string, column: number, indent: string, fold: boolean): string {
  // a word without spaces is never folded
  if (isPlainWord(s)) return s;
  const style = styleOf(s, readsAsOther(s));
  if (style === 'plain' && (!fold || column + s.length <= BEST_WIDTH || !s.includes(' '))) return s;
  return writeScalar(s, style, column, indent, fold);
}

/** A scalar string in flow position (a key, or a value that fits on its line), unfolded. */
export function scalarString(s: string): string {
  return stringScalar(s, 0, '', false);
}

/**
 * What a literal block cannot hold: characters libyaml does not print as they are (astral
 * ones included: their surrogates), line breaks other than \n, a space before a break.
 */
const NOT_LITERAL = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]| \n/;

/**
 * A literal block for a multi-line string, or undefined where libyaml would not write one:
 * characters it cannot print, a space before a line break or at the very end. A first
 * line starting with a space gets an indentation indicator (`|2`).
 */
function literalBlock(s: string, indent: string): string | undefined {
  if (NOT_LITERAL.test(s) || s.endsWith(' ')) return undefined;
  const body = s.replace(/\n+$/, '');
  if (body === '') return undefined;
  const trailing = s.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (trailing > 1 ? s.slice(0, -1) : body).split('\n');
  let out = `|${s.charCodeAt(0) === 0x20 || s.charCodeAt(0) === 0x0a ? '2' : ''}${chomp}`;
  for (const line of lines) out += line === '' ? '\n' : `\n${indent}${line}`;
  return out + '\n';
}

/** A number as Go's strconv prints it: integers in int64/uint64 range in full, others in %g form. */
export function goNumber(v: number): string {
  // Go keeps integers up to uint64 whole (past 2^53, JavaScript has lost their last digits already)
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) return Object.is(v, -0) ? '0' : String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  // the shortest digits that read back as v (JavaScript and Go agree on them), and where the point goes
  const [mantissa, exp] = v.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const exponent = Number(exp);
  // %e below 1e-4, or at or above 1e21 and whenever it is shorter than %f (Go's 'g' with shortest precision)
  let eprec = 6;
  if (eprec > digits.length && digits.length >= exponent + 1) eprec = digits.length;
  let text: string;
  if (exponent < -4 || exponent >= eprec) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent).toString().padStart(2, '0');
    text = `${m}e${exponent < 0 ? '-' : '+'}${e}`;
  } else if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length > exponent + 1) {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = digits + '0'.repeat(exponent + 1 - digits.length);
  }
  return negative ? `-${text}` : text;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumber(v);
  return scalarString(String(v));
}

/**
 * Keys repeat in every object (`apiVersion`, `metadata`, `name` …): their written form is
 * worked out once. Bounded, so a stream of unique keys cannot grow it without end.
 */
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 4096;

function keyString(k: string): string {
  let written = keyCache.get(k);
  if (written === undefined) {
    // `<<` as a key would merge on reading back: the one place kubectl's writer is not followed
    written = k === '<<' ? '"<<"' : scalarString(k);
    if (keyCache.size < KEY_CACHE_MAX) keyCache.set(k, written);
  }
  return written;
}

/**
 * go-yaml's order of map keys: rune by rune; at the first difference two letters compare
 * as code points, a letter comes after anything else, and two non-letters compare as the
 * numbers their digit runs spell (so `x9` < `x10`, and `1.0` < `0644`); a prefix first.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ac = a.charCodeAt(i);
    const bc = b.charCodeAt(i);
    if (ac === bc) continue;
    const al = isLetterAt(a, i);
    const bl = isLetterAt(b, i);
    if (al && bl) return a.codePointAt(i)! - b.codePointAt(i)!;
    if (al) return 1;
    if (bl) return -1;
    // a run starting with 0 after other digits continues a number: count from 1 so its zeros weigh
    let an = 0;
    let bn = 0;
    if (ac === 48 || bc === 48) {
      for (let j = i - 1; j >= 0 && isDigitAt(a, j); j--) {
        if (a.charCodeAt(j) !== 48) {
          an = bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < a.length && isDigitAt(a, ai); ai++) an = an * 10 + (a.charCodeAt(ai) - 48);
    for (; bi < b.length && isDigitAt(b, bi); bi++) bn = bn * 10 + (b.charCodeAt(bi) - 48);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return ac - bc;
  }
  return a.length - b.length;
}

/** Digits, `[\\]^_\`` and `{|}~` (after `Z` or `z` in ASCII, before letters for go-yaml), non-ASCII. */
const NATURAL_ORDER_MATTERS = /[0-9[\\\]^_`{|}~\u007f-\uffff]/;
const needsNaturalOrder = (key: string) => NATURAL_ORDER_MATTERS.test(key);

const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

const LETTER = /\p{L}/u;
function isLetterAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return isLetter(c);
  return LETTER.test(String.fromCodePoint(s.codePointAt(i)!));
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects the pieces of one document (cheaper than appending to a string, measured). */
class Writer {
  readonly parts: string[] = [];

  /**
   * `value` as the body of a map entry or list item whose key/dash is already written and
   * ends at `column`; `indent` is the entry's indentation.
   */
  value(value: unknown, indent: string, column: number): void {
    if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value)) {
        if (value.length === 0) this.parts.push(' []\n');
        else {
          this.parts.push('\n');
          this.list(value, indent);
        }
        return;
      }
      const keys = Object.keys(value);
      if (keys.length === 0) this.parts.push(' {}\n');
      else {
        this.parts.push('\n');
        this.map(value as Record<string, unknown>, keys, indent + '  ', indent + '  ');
      }
      return;
    }
    if (typeof value === 'string') {
      if (value.includes('\n')) {
        // a multi-line string is a literal block, or else double-quoted
        const block = literalBlock(value, indent + '  ');
        this.parts.push(' ', block ?? writeScalar(value, 'double', column + 1, indent + '  ', true) + '\n');
        return;
      }
      // a folded line goes on one step deeper than the entry
      this.parts.push(' ', stringScalar(value, column + 1, indent + '  ', true), '\n');
      return;
    }
    this.parts.push(' ', scalar(value), '\n');
  }

  /** Entries in key order; the first written one starts with `firstPrefix` (`- ` of a list item). */
  map(map: Record<string, unknown>, keys: string[], indent: string, firstPrefix: string): void {
    // go-yaml's order is the plain code-unit order unless a key holds a digit or a character
    // that sorts apart from letters: sort natively then (comparing in JavaScript costs more)
    keys.sort(keys.some(needsNaturalOrder) ? compareKeys : undefined);
    let prefix = firstPrefix;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = map[k];
      if (v === undefined) continue;
      const key = keyString(k);
      this.parts.push(prefix, key, ':');
      this.value(v, indent, prefix.length + key.length + 1);
      prefix = indent;
    }
  }

  /** Lists are written at their key's indentation (`- ` under `key:`), as kubectl does. */
  list(list: unknown[], indent: string): void {
    for (const item of list) {
      if (isMap(item)) {
        const keys = Object.keys(item);
        if (keys.length === 0) this.parts.push(indent, '- {}\n');
        else this.map(item, keys, indent + '  ', indent + '- ');
      } else if (Array.isArray(item)) {
        if (item.length === 0) this.parts.push(indent, '- []\n');
        else {
          this.parts.push(indent, '-');
          this.value(item, indent + '  ', indent.length + 1);
        }
      } else {
        this.parts.push(indent, '-');
        this.value(item, indent, indent.length + 1);
      }
    }
  }

  document(value: unknown): void {
    if (isMap(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) this.parts.push('{}\n');
      else this.map(value, keys, '', '');
    } else if (Array.isArray(value)) {
      if (value.length === 0) this.parts.push('[]\n');
      else this.list(value, '');
    } else if (typeof value === 'string' && value.includes('\n')) {
      this.parts.push(literalBlock(value, '  ') ?? writeScalar(value, 'double', 0, '', true) + '\n');
    } else if (typeof value === 'string') {
      this.parts.push(stringScalar(value, 0, '', true), '\n');
    } else {
      this.parts.push(scalar(value), '\n');
    }
  }
}

/** One YAML document for a JSON value. */
export function emitYaml(value: unknown): string {
  const w = new Writer();
  w.document(value);
  return w.parts.join('');
}

/**
 * A stream of YAML documents separated by `---`, as `kubectl kustomize` prints them. Each
 * document is joined on its own: one array of every piece of thousands of objects was
 * slower to grow and join than many small ones.
 */
export function emitYamlDocuments(values: readonly unknown[]): string {
  const docs: string[] = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) docs[i] = emitYaml(values[i]);
  return docs.join('---\n');
}
