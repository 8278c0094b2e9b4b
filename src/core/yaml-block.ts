/**
 * A fast path for the block-style YAML that Kubernetes manifests are written in: block
 * mappings and sequences, one-line scalars, `|`/`>` block scalars, one-line flow lists and
 * maps of scalars. Hand-written because js-yaml spends ~125 ms (plus GC) on the 1.5 MB of a
 * 3,000-object render, most of the 0.7 s budget of `capstan render` (issue 11).
 *
 * It gives up (returns undefined) on anything outside that subset or that it is not sure
 * of, and js-yaml then reads the whole text: anchors, aliases, tags, `<<`, directives,
 * multi-line plain or quoted scalars, tabs, `\r`, odd characters, duplicate keys, and every
 * text that would be an error. What it accepts, it reads exactly as js-yaml with our schema
 * does (test/core/yaml-block.test.ts compares the two on every YAML file of the repository):
 * plain scalars go through the schema's own implicit types (resolvePlainScalar).
 */
import type { JsonValue } from './object.js';
import {
  blockScalar,
  flowCollection,
  COLON,
  DQUOTE,
  GIVE_UP,
  giveUp,
  HASH,
  LF,
  quotedScalar,
  SPACE,
  SQUOTE,
  type ScalarEnd,
} from './yaml-block-scalars.js';
import { mergeKeyType, resolvePlainScalar } from './yaml-schema.js';

const DASH = 0x2d;
const DOT = 0x2e;

/** Deeper than this, give up: js-yaml refuses nesting beyond 100 levels with its own error. */
const MAX_DEPTH = 40;

/** Characters that make js-yaml's answer depend on rules we do not copy (or that it rejects). */
const UNSUPPORTED_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;

/**
 * The non-empty documents of a block-style YAML stream as js-yaml (with loadSchema) reads
 * them, or undefined when the text is outside the subset this reader is sure of.
 */
export function parseBlockYaml(text: string): JsonValue[] | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  try {
    // js-yaml reads a text without a final line break as if it had one
    return new BlockReader(text.endsWith('\n') || text === '' ? text : text + '\n').documents();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

const SPACES = / */y;

const isBlank = (c: number) => c === SPACE || c === LF || Number.isNaN(c);

class BlockReader implements ScalarEnd {
  private readonly s: string;
  private readonly n: number;
  /** start of the line to read next */
  private pos = 0;
  /** the current content line: its indentation (-1 at the end of the stream or at a --- / ... marker) */
  private ind = -1;
  /** where the current content line's content starts (for a compact node: inside the line) */
  private cpos = 0;
  /** where the current content line starts, and where it ends (its line break or the end of the text) */
  private lineStart = 0;
  private eol = 0;
  private depth = 0;
  end = 0;

  constructor(text: string) {
    this.s = text;
    this.n = text.length;
  }

  documents(): JsonValue[] {
    const docs: JsonValue[] = [];
    this.nextContentLine();
    for (;;) {
      if (this.ind === -1) {
        if (this.cpos >= this.n) return docs;
        // a document marker at the start of a line
        if (this.s.charCodeAt(this.cpos) === DOT) giveUp();
        this.endOfLine(this.cpos + 3);
        continue;
      }
      docs.push(this.blockNode(this.ind));
      // a document holds one node: what follows must be the end or a marker
      if (this.ind !== -1) giveUp();
    }
  }

  /**
   * Moves to the next line that is neither blank nor a comment, from `pos` (a line start).
   * A `---` or `...` marker in column 0 ends every collection, as the end of the text does.
   */
  private nextContentLine(): void {
    const s = this.s;
    for (;;) {
      const start = this.pos;
      if (start >= this.n) {
        this.ind = -1;
        this.cpos = this.n;
        return;
      }
      // a native scan of the indentation: most of the text is spaces, and cold code is slow per character
      SPACES.lastIndex = start;
      SPACES.test(s);
      const i = SPACES.lastIndex;
      let eol = s.indexOf('\n', i);
      if (eol === -1) eol = this.n;
      const c = s.charCodeAt(i);
      if (i === eol || c === HASH) {
        this.pos = eol + 1;
        continue;
      }
      this.cpos = i;
      this.lineStart = start;
      this.eol = eol;
      if (
        i === start &&
        (c === DASH || c === DOT) &&
        s.charCodeAt(i + 1) === c &&
        s.charCodeAt(i + 2) === c
      ) {
        if (isBlank(s.charCodeAt(i + 3))) {
          this.ind = -1;
          return;
        }
      }
      this.ind = i - start;
      return;
    }
  }

  /** After a value: only spaces and a comment may follow on its line; then the next content line. */
  endOfLine(from: number): void {
    const s = this.s;
    let i = from;
    while (s.charCodeAt(i) === SPACE) i++;
    const c = s.charCodeAt(i);
    if (c === HASH && s.charCodeAt(i - 1) === SPACE) {
      i = s.indexOf('\n', i);
      if (i === -1) i = this.n;
    } else if (c !== LF && i < this.n) {
      giveUp();
    }
    this.pos = i + 1;
    this.nextContentLine();
  }

  /** A block mapping or sequence whose first line is the current one, at column `col`. */
  private blockNode(col: number): JsonValue {
    if (++this.depth > MAX_DEPTH) giveUp();
    const value = this.startsSequenceItem() ? this.blockSequence(col) : this.blockMapping(col);
    this.depth--;
    return value;
  }

  /** Whether the current content line starts with `- ` (or is `-` alone). */
  private startsSequenceItem(): boolean {
    return this.s.charCodeAt(this.cpos) === DASH && isBlank(this.s.charCodeAt(this.cpos + 1));
  }

  private blockSequence(col: number): JsonValue[] {
    const s = this.s;
    const items: JsonValue[] = [];
    while (this.ind === col && this.startsSequenceItem()) {
      let p = this.cpos + 1;
      while (s.charCodeAt(p) === SPACE) p++;
      const c = s.charCodeAt(p);
      if (c === LF || c === HASH || p >= this.n) {
        // `-` alone: the item is a collection on the lines below, or null
        this.endOfLine(p);
        // after an empty item js-yaml reads a less indented `- ` as this sequence's next item
        if (this.ind < col && this.ind !== -1 && this.startsSequenceItem()) giveUp();
        items.push(this.ind > col ? this.blockNode(this.ind) : null);
      } else {
        items.push(this.inlineNode(p, col));
      }
      if (this.ind > col) giveUp();
    }
    return items;
  }

  /**
   * The node that starts inside a line at `p` (after `- `): a compact sequence or mapping
   * whose column is `p`'s, or a scalar.
   */
  private inlineNode(p: number, parentCol: number): JsonValue {
    const s = this.s;
    const c = s.charCodeAt(p);
    const col = p - this.lineStart;
    if ((c === DASH && isBlank(s.charCodeAt(p + 1))) || this.startsMappingEntry(p)) {
      this.ind = col;
      this.cpos = p;
      return this.blockNode(col);
    }
    return this.scalarValue(p, parentCol);
  }

  /** Whether the line from `p` is `key: …` (a plain or quoted key, then `:` and a space or the line end). */
  private startsMappingEntry(p: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      quotedScalar(s, p, this);
      return s.charCodeAt(this.end) === COLON;
    }
    // `- [a: b]` and `- {a: b}` are flow collections (a flow key is js-yaml's business)
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) return false;
    // a bounded scan: an unbounded indexOf would cross lines (quadratic on a long list without `:`)
    for (let i = p; i < this.eol; i++) {
      const d = s.charCodeAt(i);
      if (d === HASH && s.charCodeAt(i - 1) === SPACE) return false;
      if (d === COLON && isBlank(s.charCodeAt(i + 1))) return true;
    }
    return false;
  }

  private blockMapping(col: number): Record<string, JsonValue> {
    const s = this.s;
    const map: Record<string, JsonValue> = {};
    while (this.ind === col) {
      const p = this.cpos;
      const key = this.mappingKey(p);
      // js-yaml refuses duplicates; `__proto__` and other inherited names are its business too
      if (map[key] !== undefined) giveUp();
      let v = this.end + 1;
      while (s.charCodeAt(v) === SPACE) v++;
      const c = s.charCodeAt(v);
      if (c === LF || c === HASH || v >= this.n) {
        this.endOfLine(v);
        if (this.ind > col) {
          map[key] = this.blockNode(this.ind);
        } else if (this.ind === col && this.startsSequenceItem()) {
          // a sequence may sit at its key's own indentation
          if (++this.depth > MAX_DEPTH) giveUp();
          map[key] = this.blockSequence(col);
          this.depth--;
        } else {
          map[key] = null;
        }
      } else {
        map[key] = this.scalarValue(v, col);
      }
      if (this.ind > col) giveUp();
    }
    return map;
  }

  /** The key of the entry at `p`, as js-yaml stores it; `end` is left on the `:`. */
  private mappingKey(p: number): string {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const key = quotedScalar(s, p, this);
      if (s.charCodeAt(this.end) !== COLON || !isBlank(s.charCodeAt(this.end + 1))) giveUp();
      return key;
    }
    if (!startsPlainKey(c)) giveUp();
    // the first `: ` (or `:` at the end of the line) ends a plain key
    let i = s.indexOf(':', p);
    while (i !== -1 && i < this.eol && !isBlank(s.charCodeAt(i + 1))) i = s.indexOf(':', i + 1);
    if (i === -1 || i >= this.eol || s.charCodeAt(i - 1) === SPACE) giveUp();
    this.end = i;
    const raw = s.slice(p, i);
    // ` #` starts a comment: `a #b: c` is no key
    if (raw.includes(' #') || mergeKeyType.resolve(raw)) giveUp();
    // js-yaml resolves a plain key like any plain scalar, then turns it into a string
    const key = resolvePlainScalar(raw);
    return typeof key === 'string' ? key : String(key);
  }

  /** A scalar or one-line flow collection starting at `p` inside a line; then the next content line. */
  private scalarValue(p: number, parentCol: number): JsonValue {
    const s = this.s;
    const c = s.charCodeAt(p);
    switch (c) {
      case DQUOTE:
      case SQUOTE: {
        const value = quotedScalar(s, p, this);
        this.endOfLine(this.end);
        return value;
      }
      case 0x5b /* [ */:
      case 0x7b /* { */: {
        const value = flowCollection(s, p, this);
        this.endOfLine(this.end);
        return value;
      }
      case 0x7c /* | */:
      case 0x3e /* > */: {
        const value = blockScalar(s, p, parentCol, this);
        this.pos = this.end;
        this.nextContentLine();
        return value;
      }
    }
    if (!startsPlainValue(c, s.charCodeAt(p + 1))) giveUp();
    const eol = this.eol;
    let raw = s.slice(p, eol);
    const comment = raw.indexOf(' #');
    if (comment !== -1) raw = raw.slice(0, comment);
    // `a: b: c` and `a: b:` are errors for js-yaml
    if (raw.includes(': ')) giveUp();
    let last = raw.length;
    while (raw.charCodeAt(last - 1) === SPACE) last--;
    if (raw.charCodeAt(last - 1) === COLON) giveUp();
    this.pos = eol + 1;
    this.nextContentLine();
    // a more indented line would continue the scalar (or be an error): the callers give up
    return resolvePlainScalar(last === raw.length ? raw : raw.slice(0, last)) as JsonValue;
  }
}

/** Characters that cannot start a plain scalar, or that start something this reader leaves to js-yaml. */
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@` \n') NOT_PLAIN_START[c.charCodeAt(0)] = 1;

function startsPlainKey(c: number): boolean {
  return !Number.isNaN(c) && NOT_PLAIN_START[c] !== 1;
}

/** `-`, `?` and `:` may start a plain value when a non-space follows (`-1`, `-foo`). */
function startsPlainValue(c: number, next: number): boolean {
  if (c === DASH || c === 0x3f /* ? */ || c === COLON) return !isBlank(next);
  return startsPlainKey(c);
}
