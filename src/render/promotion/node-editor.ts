/**
 * Edits of one kustomization's text, addressed by the `yaml` Document's nodes: set a
 * scalar, set or remove a map field, append list items or list entries, add a top-level
 * list. New text copies its neighbours' style: the `- ` prefix of the items beside it, the
 * column of the keys beside it, flow style in a flow list, a blank line before a new
 * top-level key when the file separates its keys so.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { promoteError } from './errors.js';
import {
  afterNode,
  afterPair,
  column,
  itemPrefix,
  lineStart,
  requirePlainNode,
  scalarText,
  TextEdits,
} from './yaml-text.js';

/** A value written by the editor: a scalar, or a list of scalars. */
export type EntryValue = string | number | string[];

export class NodeEditor {
  private readonly edits = new TextEdits();
  private readonly root: YAMLMap;
  /** top-level lists to add at the end, in the order first asked for */
  private readonly newLists = new Map<string, Array<Array<[string, EntryValue]>>>();
  private seqStyle?: { indent: number; gap: string };

  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    readonly file: string,
  ) {
    const root = doc.contents;
    requirePlainNode(root, file, 'the top-level map');
    if (!isMap(root) || root.flow) {
      throw promoteError(
        'PROMOTE_KUSTOMIZATION_UNEDITABLE',
        file,
        'the kustomization is not a block-style map',
      );
    }
    this.root = root;
  }

  /** The value of a top-level key when it is a list. */
  topList(name: string): YAMLSeq | undefined {
    const value = this.topPair(name)?.value;
    return isSeq(value) ? value : undefined;
  }

  resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** Sets (or, with undefined, removes) `key` of `map`; `what` names the entry in messages. */
  setField(map: YAMLMap, key: string, value: EntryValue | undefined, what: string): void {
    requirePlainNode(map, this.file, what);
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (value === undefined) {
      if (pair) this.removePair(map, pair, what);
      return;
    }
    if (pair) {
      const node = pair.value;
      if (Array.isArray(value)) {
        if (!isEmptyScalar(node)) this.refuse(`${what}: ${key} is not a list`);
        this.edits.insert(
          afterPair(this.text, pair),
          this.blockItems(value, column(this.text, keyStart(pair))),
        );
      } else {
        this.setScalar(node, value, `${key} of ${what}`, map.flow);
      }
      return;
    }
    const last = map.items.at(-1);
    if (!last) this.refuse(`${what} is an empty map`);
    if (map.flow) {
      if (Array.isArray(value)) this.refuse(`${what} is a flow-style map; write it in block style`);
      const end = ((last.value as Node | null) ?? (last.key as Node)).range![1];
      this.edits.insert(end, `, ${key}: ${scalarText(value, 'PLAIN', true)}`);
      return;
    }
    const col = column(this.text, keyStart(map.items[0]!));
    this.insertLines(afterPair(this.text, last), ' '.repeat(col) + this.pairText(key, value, col));
  }

  /** Replaces a scalar's value, keeping its quoting style where the value allows. */
  setScalar(node: unknown, value: string | number, what: string, inFlow = false): void {
    requirePlainNode(node, this.file, what);
    if (!isScalar(node)) return this.refuse(`${what} is not a single value`);
    const [start, end] = node.range!;
    if (isEmptyScalar(node)) {
      this.edits.insert(start, ' ' + scalarText(value, 'PLAIN', inFlow));
      return;
    }
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      this.refuse(`${what} is a block scalar (| or >); write it on one line`);
    }
    this.edits.replace(start, end, scalarText(value, node.type, inFlow));
  }

  /** Appends scalar items to a list, after its last item. */
  appendItems(seq: YAMLSeq, items: readonly string[], what: string): void {
    requirePlainNode(seq, this.file, what);
    const last = seq.items.at(-1) as Node | undefined;
    if (!last) return this.refuse(`${what} is an empty flow list ([]); write it in block style`);
    if (seq.flow) {
      this.edits.insert(last.range![1], items.map((i) => `, ${scalarText(i, 'PLAIN', true)}`).join(''));
      return;
    }
    const prefix = this.prefixOf(last, what);
    this.insertLines(afterNode(this.text, last), items.map((i) => prefix + scalarText(i)).join('\n'));
  }

  /** Appends a map entry to the top-level list `name`, creating the list when there is none. */
  appendEntry(name: string, entry: Array<[string, EntryValue]>): void {
    const pair = this.topPair(name);
    if (!pair) {
      this.newLists.set(name, [...(this.newLists.get(name) ?? []), entry]);
      return;
    }
    const value = pair.value;
    if (isEmptyScalar(value)) {
      const col = column(this.text, keyStart(pair));
      this.insertLines(afterPair(this.text, pair), this.entryText(entry, this.newPrefix(col)));
      return;
    }
    if (!isSeq(value) || value.flow || value.items.length === 0) {
      return this.refuse(`${name}: is not a block-style list; write it as one`);
    }
    requirePlainNode(value, this.file, `${name}:`);
    const last = value.items.at(-1) as Node;
    const prefix = this.prefixOf(last, `${name}:`);
    const text = isMap(last) && last.flow ? prefix + this.flowEntry(entry) : this.entryText(entry, prefix);
    this.insertLines(afterNode(this.text, last), text);
  }

  /** The edited text. */
  result(): string {
    if (this.newLists.size > 0) {
      const keyCol = column(this.text, keyStart(this.root.items[0]!));
      const blank = this.root.items.slice(1).some((p) => (p.key as Node).spaceBefore);
      const lists = [...this.newLists].map(
        ([name, entries]) =>
          `${' '.repeat(keyCol)}${name}:\n` +
          entries.map((e) => this.entryText(e, this.newPrefix(keyCol))).join('\n'),
      );
      const sep = blank ? '\n' : '';
      this.insertLines(this.text.length, sep + lists.join('\n' + sep));
    }
    return this.edits.apply(this.text);
  }

  private topPair(name: string): Pair | undefined {
    return this.root.items.find((p) => isScalar(p.key) && p.key.value === name);
  }

  private removePair(map: YAMLMap, pair: Pair, what: string): void {
    const start = keyStart(pair);
    const from = lineStart(this.text, start);
    if (map.flow || this.text.slice(from, start).trim() !== '') {
      this.refuse(
        `${what}: ${String((pair.key as { value?: unknown }).value)} cannot be removed without rewriting its line`,
      );
    }
    this.edits.replace(from, afterPair(this.text, pair), '');
  }

  /** Inserts whole lines at a line start (`lines` without its final newline). */
  private insertLines(at: number, lines: string): void {
    const needsBreak = at === this.text.length && this.text !== '' && !this.text.endsWith('\n');
    this.edits.insert(at, (needsBreak ? '\n' : '') + lines + '\n');
  }

  private prefixOf(item: Node, what: string): string {
    const prefix = itemPrefix(this.text, item);
    if (prefix === undefined) this.refuse(`the items of ${what} do not start their lines with "- "`);
    return prefix;
  }

  /** The `- ` prefix of a new list under a key at column `keyCol`, as the file's other lists indent. */
  private newPrefix(keyCol: number): string {
    this.seqStyle ??= this.detectSeqStyle();
    return ' '.repeat(keyCol + this.seqStyle.indent) + '-' + this.seqStyle.gap;
  }

  /** How the file's block lists sit under their keys: `resources:\n  - a` is indent 2. Default kustomize's own, 0. */
  private detectSeqStyle(): { indent: number; gap: string } {
    for (const pair of this.root.items) {
      const seq = pair.value;
      if (!isSeq(seq) || seq.flow || seq.items.length === 0) continue;
      const prefix = itemPrefix(this.text, seq.items[0] as Node);
      if (prefix === undefined) continue;
      const dash = prefix.indexOf('-');
      return { indent: Math.max(0, dash - column(this.text, keyStart(pair))), gap: prefix.slice(dash + 1) };
    }
    return { indent: 0, gap: ' ' };
  }

  private entryText(entry: Array<[string, EntryValue]>, prefix: string): string {
    const col = prefix.length;
    return entry
      .map(([k, v], i) => (i === 0 ? prefix : ' '.repeat(col)) + this.pairText(k, v, col))
      .join('\n');
  }

  private pairText(key: string, value: EntryValue, col: number): string {
    if (!Array.isArray(value)) return `${key}: ${scalarText(value)}`;
    return `${key}:\n` + this.blockItems(value, col).replace(/\n$/, '');
  }

  private blockItems(items: readonly string[], keyCol: number): string {
    const prefix = this.newPrefix(keyCol);
    return items.map((i) => prefix + scalarText(i) + '\n').join('');
  }

  private flowEntry(entry: Array<[string, EntryValue]>): string {
    const value = (v: EntryValue) =>
      Array.isArray(v)
        ? `[${v.map((x) => scalarText(x, 'PLAIN', true)).join(', ')}]`
        : scalarText(v, 'PLAIN', true);
    return `{${entry.map(([k, v]) => `${k}: ${value(v)}`).join(', ')}}`;
  }

  private refuse(why: string): never {
    throw promoteError('PROMOTE_KUSTOMIZATION_UNEDITABLE', this.file, why);
  }
}

const keyStart = (pair: Pair): number => (pair.key as Node).range![0];

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.source === '';
}
