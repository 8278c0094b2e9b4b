/**
 * Text-level helpers for the kustomization edit. The `yaml` Document API finds the nodes
 * and their source ranges; the edit then splices only the changed bytes into the original
 * text. (Re-serialising the Document — `doc.toString()` — would rewrite every line:
 * re-indent sequences, fold long strings, respace `key:   value`.)
 */
import { isAlias, isMap, isScalar, isSeq, stringify, type Node, type Pair, type Scalar } from 'yaml';
import { parseYamlDocument } from '../../core/yaml.js';
import { promoteError } from './errors.js';

/** Replacements and insertions on one text, applied together (offsets are the original's). */
export class TextEdits {
  private readonly edits: Array<{ start: number; end: number; text: string; order: number }> = [];

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text, order: this.edits.length });
  }

  insert(at: number, text: string): void {
    this.replace(at, at, text);
  }

  get size(): number {
    return this.edits.length;
  }

  /**
   * Insertions at one offset keep the order they were made in. New text is written with
   * `\n`; a file whose lines end in `\r\n` gets those instead.
   */
  apply(text: string): string {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || a.order - b.order);
    let out = '';
    let at = 0;
    for (const e of sorted) {
      out += text.slice(at, e.start) + (eol === '\n' ? e.text : e.text.replaceAll('\n', eol));
      at = Math.max(at, e.end);
    }
    return out + text.slice(at);
  }
}

export const lineStart = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;
export const column = (text: string, pos: number): number => pos - lineStart(text, pos);

/** The start of the line after the one `pos` is on (or just after a newline ending at `pos`). */
export function nextLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Where a new line goes after `node` (its trailing comment and newline included). */
export const afterNode = (text: string, node: Node): number => nextLine(text, node.range![2]);

/** Where a new line goes after a map entry (its value may be empty). */
export const afterPair = (text: string, pair: Pair): number =>
  afterNode(text, ((pair.value as Node | null) ?? (pair.key as Node)) as Node);

/**
 * How a scalar is written: as plain text when it reads back as the same string (in the
 * renderer's reader and in YAML 1.2) and stays plain in its context, else quoted.
 * `type` is the style of the scalar it replaces, kept when it can hold the value.
 */
export function scalarText(value: string | number, type: Scalar['type'] = 'PLAIN', inFlow = false): string {
  if (typeof value === 'number') {
    return type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? quoted(String(value), type) : String(value);
  }
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') return quoted(value, type);
  return plainSafe(value, inFlow) ? value : quoted(value, 'QUOTE_DOUBLE');
}

function quoted(value: string, type: 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'): string {
  return stringify(value, { defaultStringType: type, lineWidth: 0 }).trimEnd();
}

function plainSafe(value: string, inFlow: boolean): boolean {
  if (value === '' || value !== value.trim() || /[\n\r]/.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  if (stringify(value, { lineWidth: 0 }).trimEnd() !== value) return false;
  try {
    return parseYamlDocument(value, 'value') === value;
  } catch {
    return false;
  }
}

/**
 * Refuses to edit through an alias or a node with an anchor: an anchored node is shared
 * with its aliases, so changing it changes them too.
 */
export function requirePlainNode(node: unknown, file: string, what: string): void {
  if (isAlias(node)) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      file,
      `${what} is an alias (*${node.source}); write it out to promote it`,
    );
  }
  if ((isMap(node) || isSeq(node) || isScalar(node)) && node.anchor) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      file,
      `${what} carries the anchor &${node.anchor}, so its aliases would change too; write it out to promote it`,
    );
  }
  if (isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === '<<')) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      file,
      `${what} has a merge key (<<); write it out to promote it`,
    );
  }
}

/**
 * The text before a block sequence item's content (`  - `), or undefined when the item
 * does not start its line that way.
 */
export function itemPrefix(text: string, item: Node): string | undefined {
  const start = item.range![0];
  const prefix = text.slice(lineStart(text, start), start);
  return /^ *- +$/.test(prefix) ? prefix : undefined;
}
