/**
 * The scalars of the block-style fast path (yaml-block.ts): one-line quoted scalars, one-line
 * flow collections of scalars, and `|`/`>` block scalars. Each reads from a position in the
 * text, leaves where it stopped in `out.end`, and gives up (see giveUp) on anything it does
 * not read exactly as js-yaml does.
 */
import type { JsonValue } from './object.js';
import { mergeKeyType, resolvePlainScalar } from './yaml-schema.js';

/** The signal to give up, thrown only off the common path and caught by parseBlockYaml. */
export const GIVE_UP: unique symbol = Symbol('give up');

export function giveUp(): never {
  throw GIVE_UP;
}

/** Where a reader stopped. */
export interface ScalarEnd {
  end: number;
}

/** Character codes both readers look for. */
export const SPACE = 0x20;
export const LF = 0x0a;
export const HASH = 0x23;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const COLON = 0x3a;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** js-yaml's one-character escapes in double-quoted scalars (a tab after `\` cannot occur here). */
const ESCAPES = new Map<number, string>(
  Object.entries({
    '0': '\x00',
    a: '\x07',
    b: '\x08',
    t: '\x09',
    n: '\x0A',
    v: '\x0B',
    f: '\x0C',
    r: '\x0D',
    e: '\x1B',
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    N: '\x85',
    _: '\xA0',
    L: '\u2028',
    P: '\u2029',
  }).map(([k, v]) => [k.charCodeAt(0), v]),
);
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A single- or double-quoted scalar that closes on its line; `out.end` is after the closing quote. */
export function quotedScalar(s: string, p: number, out: ScalarEnd): string {
  const quote = s.charCodeAt(p);
  let result = '';
  let start = p + 1;
  for (let i = start; ;) {
    const c = s.charCodeAt(i);
    if (c === quote) {
      if (quote === SQUOTE && s.charCodeAt(i + 1) === SQUOTE) {
        // '' is one quote
        result += s.slice(start, i + 1);
        i += 2;
        start = i;
        continue;
      }
      out.end = i + 1;
      return result + s.slice(start, i);
    }
    // a scalar that goes on to the next line folds its lines: js-yaml's business
    if (c === LF || Number.isNaN(c)) giveUp();
    if (c === BACKSLASH && quote === DQUOTE) {
      result += s.slice(start, i);
      const e = s.charCodeAt(i + 1);
      const simple = ESCAPES.get(e);
      if (simple !== undefined) {
        result += simple;
        i += 2;
      } else {
        const digits = HEX_DIGITS[String.fromCharCode(e)] ?? giveUp();
        const hex = s.slice(i + 2, i + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) giveUp();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) giveUp();
        result += String.fromCodePoint(code);
        i += 2 + digits;
      }
      start = i;
      continue;
    }
    i++;
  }
}

const isFlowStop = (c: number) => c === COMMA || c === 0x5d /* ] */ || c === 0x7d; /* } */

/**
 * A scalar inside a one-line flow collection: quoted, or plain up to `,`, `]` or `}` (or `:`
 * for a key). Gives up on anything else there: nested collections, comments, `a:b` pairs.
 * `out.end` is past the spaces that follow it.
 */
function flowScalar(s: string, p: number, out: ScalarEnd, isKey: boolean): unknown {
  const c = s.charCodeAt(p);
  let value: unknown;
  let i: number;
  if (c === DQUOTE || c === SQUOTE) {
    value = quotedScalar(s, p, out);
    i = out.end;
  } else {
    if ('-?:'.includes(s[p]) && (isFlowStop(s.charCodeAt(p + 1)) || s.charCodeAt(p + 1) === SPACE)) giveUp();
    if ('[]{},#&*!|>%@`'.includes(s[p]) || c === SPACE || c === LF) giveUp();
    i = p;
    let d = c;
    while (
      !isFlowStop(d) &&
      d !== COLON &&
      d !== HASH &&
      d !== LF &&
      d !== 0x5b &&
      d !== 0x7b &&
      !Number.isNaN(d)
    ) {
      d = s.charCodeAt(++i);
    }
    if (d === COLON ? !isKey || s.charCodeAt(i + 1) !== SPACE : !isFlowStop(d)) giveUp();
    let last = i;
    while (s.charCodeAt(last - 1) === SPACE) last--;
    const raw = s.slice(p, last);
    if (isKey && mergeKeyType.resolve(raw)) giveUp();
    value = resolvePlainScalar(raw);
  }
  while (s.charCodeAt(i) === SPACE) i++;
  out.end = i;
  return value;
}

/** `[a, "b", 1]`, `{a: 1, b: "x"}`, `[]` or `{}` on one line; `out.end` is after the bracket. */
export function flowCollection(s: string, p: number, out: ScalarEnd): JsonValue {
  const isMap = s.charCodeAt(p) === 0x7b; /* { */
  const close = isMap ? 0x7d : 0x5d;
  const list: JsonValue[] = [];
  const map: Record<string, JsonValue> = {};
  let i = p + 1;
  while (s.charCodeAt(i) === SPACE) i++;
  if (s.charCodeAt(i) !== close) {
    for (;;) {
      if (isMap) {
        const k = flowScalar(s, i, out, true);
        const key = typeof k === 'string' ? k : String(k);
        i = out.end;
        if (s.charCodeAt(i) !== COLON || s.charCodeAt(i + 1) !== SPACE || map[key] !== undefined) giveUp();
        i += 2;
        while (s.charCodeAt(i) === SPACE) i++;
        map[key] = flowScalar(s, i, out, false) as JsonValue;
      } else {
        list.push(flowScalar(s, i, out, false) as JsonValue);
      }
      i = out.end;
      const c = s.charCodeAt(i);
      if (c === close) break;
      if (c !== COMMA) giveUp();
      i++;
      while (s.charCodeAt(i) === SPACE) i++;
      // a trailing comma: js-yaml takes it, we leave it to js-yaml
      if (s.charCodeAt(i) === close) giveUp();
    }
  }
  out.end = i + 1;
  return isMap ? map : list;
}

/**
 * A `|` (literal) or `>` (folded) block scalar whose header is at `p`, in a node at column
 * `parentCol`. Its text is the lines below indented deeper than the node, at the
 * indentation of the first; literal keeps their breaks, folded turns a single break into a
 * space and keeps the breaks of empty lines. The header's chomping decides the end: `-`
 * no final break, `+` every trailing one, none a single one. Gives up on what it leaves to
 * js-yaml: an indentation indicator, an empty scalar, empty lines before the text or
 * holding more spaces than it, and folded lines indented deeper than the text.
 * `out.end` is the start of the first line after the scalar.
 */
export function blockScalar(s: string, p: number, parentCol: number, out: ScalarEnd): string {
  const folded = s.charCodeAt(p) === 0x3e; /* > */
  let i = p + 1;
  const chomping = s[i] === '+' ? 'keep' : s[i] === '-' ? 'strip' : 'clip';
  if (chomping !== 'clip') i++;
  const afterHeader = i;
  while (s.charCodeAt(i) === SPACE) i++;
  if (s.charCodeAt(i) === HASH && i > afterHeader) i = s.indexOf('\n', i);
  if (s.charCodeAt(i) !== LF) giveUp();

  let indent = -1;
  const lines: string[] = [];
  let lineStart = i + 1;
  while (lineStart < s.length) {
    let eol = s.indexOf('\n', lineStart);
    if (eol === -1) eol = s.length;
    let text = lineStart;
    while (s.charCodeAt(text) === SPACE) text++;
    const spaces = text - lineStart;
    if (text === eol) {
      if (indent === -1 || spaces > indent) giveUp();
      lines.push('');
    } else {
      if (indent === -1) {
        if (spaces <= parentCol) giveUp();
        indent = spaces;
      } else if (spaces < indent) {
        break;
      } else if (folded && spaces > indent) {
        giveUp();
      }
      lines.push(s.slice(lineStart + indent, eol));
    }
    lineStart = eol + 1;
  }
  if (indent === -1) giveUp();
  out.end = lineStart;

  let end = lines.length;
  while (lines[end - 1] === '') end--;
  const trailingBreaks = lines.length - end;
  let result = lines[0];
  let empty = 0;
  for (let k = 1; k < end; k++) {
    const line = lines[k];
    if (line === '') {
      empty++;
      continue;
    }
    result += folded ? (empty === 0 ? ' ' : '\n'.repeat(empty)) : '\n'.repeat(empty + 1);
    result += line;
    empty = 0;
  }
  if (chomping === 'clip') result += '\n';
  else if (chomping === 'keep') result += '\n'.repeat(1 + trailingBreaks);
  return result;
}
