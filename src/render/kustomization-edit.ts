/**
 * The minimal edit of a target overlay's kustomization for a promotion (issue 12, step 3):
 * each change touches only its own scalars, and a missing entry or key is added in the
 * style of its neighbours (sequence indentation, block or flow, blank lines between
 * top-level keys). Every other byte of the file is kept: comments, key order, quoting,
 * indentation. The `yaml` library's Document API locates the nodes; the new bytes are
 * spliced into the original text (see promotion/yaml-text.ts for why not `toString()`).
 */
import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { parseKustomization } from './kustomize/kustomization.js';
import { parseLiteral } from './kustomize/generators/sources.js';
import { promoteError } from './promotion/errors.js';
import { imageSetters } from './promotion/image-setters.js';
import { entryAfterChange, settingOfRule } from './promotion/image-settings.js';
import type { ImageSetting, PromotionChange } from './promotion/types.js';
import { NodeEditor, type EntryValue } from './promotion/node-editor.js';
import { requirePlainNode } from './promotion/yaml-text.js';

const IMAGE_FIELDS = ['newName', 'newTag', 'digest', 'tagSuffix'] as const;

/**
 * `text` (the kustomization file `file`, a display path for messages) with `changes`
 * applied. Throws RENDER_* when it is not a valid kustomization, PROMOTE_* when it cannot
 * be edited safely: several documents, an anchor or alias on a changed node, two entries
 * of one name, a replacement or plugin that sets images (see promotion/errors.ts).
 */
export function editKustomization(
  text: string,
  changes: readonly PromotionChange[],
  file = 'kustomization.yaml',
): string {
  if (changes.length === 0) return text;
  refuseRepeats(changes, file);
  const doc = singleDocument(text, file);
  const k = parseKustomization(text, file);
  if (changes.some((c) => c.kind === 'image')) {
    const opaque = imageSetters(k, file).find((s) => s.kind !== 'patch');
    if (opaque) {
      throw promoteError(
        'PROMOTE_IMAGE_SET_ELSEWHERE',
        file,
        `${opaque.where} sets container images after images: does, so editing images: would not promote them`,
      );
    }
  }
  const editor = new NodeEditor(text, doc, file);
  for (const change of changes) {
    if (change.kind === 'image') editImage(editor, change.name, change.from, change.to);
    else if (change.kind === 'replicas') editReplicas(editor, change.name, change.to);
  }
  const literals = new Map<string, Array<{ key: string; value: string }>>();
  for (const c of changes) {
    if (c.kind !== 'configMapLiteral') continue;
    literals.set(c.generator, [...(literals.get(c.generator) ?? []), { key: c.key, value: c.to }]);
  }
  for (const [generator, pairs] of literals) editLiterals(editor, generator, pairs);
  return editor.result();
}

/** Two changes of one value would be spliced into the same bytes twice. */
function refuseRepeats(changes: readonly PromotionChange[], file: string): void {
  const seen = new Set<string>();
  for (const c of changes) {
    const id = c.kind === 'configMapLiteral' ? `literal ${c.key} of ${c.generator}` : `${c.kind} ${c.name}`;
    if (seen.has(id)) {
      throw promoteError('PROMOTE_INVALID_ARGUMENT', file, `two changes of ${id}; give one change per value`);
    }
    seen.add(id);
  }
}

function singleDocument(text: string, file: string): Document.Parsed {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) {
    throw promoteError('PROMOTE_KUSTOMIZATION_UNEDITABLE', file, 'the file is empty');
  }
  if (docs.length > 1) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      file,
      `the file holds ${docs.length} YAML documents; a kustomization is one`,
    );
  }
  const doc = docs[0]!;
  if (doc.errors.length > 0) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      file,
      `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`,
    );
  }
  return doc;
}

/** The entries of a top-level list named `name` (`images`, `replicas`, …) whose `name:` is `name`. */
function entriesNamed(
  editor: NodeEditor,
  lists: readonly string[],
  name: string,
): Array<{ seq: YAMLSeq; entry: YAMLMap }> {
  const found: Array<{ seq: YAMLSeq; entry: YAMLMap }> = [];
  for (const list of lists) {
    const seq = editor.topList(list);
    if (!seq) continue;
    for (const item of seq.items) {
      const node = editor.resolve(item);
      if (!isMap(node) || String(node.get('name')) !== name) continue;
      requirePlainNode(seq, editor.file, `${list}:`);
      requirePlainNode(item, editor.file, `the ${list}: entry ${name}`);
      found.push({ seq, entry: node });
    }
  }
  if (found.length > 1) {
    throw promoteError(
      'PROMOTE_KUSTOMIZATION_UNEDITABLE',
      editor.file,
      `${lists.join('/')}: has ${found.length} entries named ${name}; keep one`,
    );
  }
  return found;
}

function editImage(editor: NodeEditor, name: string, from: ImageSetting, to: ImageSetting): void {
  // legacy `imageTags:` entries are images: entries too (kustomization.ts folds them in)
  const [found] = entriesNamed(editor, ['images', 'imageTags'], name);
  const current = found ? currentSetting(found.entry) : undefined;
  const wanted = entryAfterChange(current, from, to);
  if (!found) {
    const entry: Array<[string, EntryValue]> = [['name', name]];
    for (const f of IMAGE_FIELDS) if (wanted[f] !== undefined) entry.push([f, wanted[f]]);
    editor.appendEntry('images', entry);
    return;
  }
  for (const f of IMAGE_FIELDS) {
    if (current?.[f] !== wanted[f]) editor.setField(found.entry, f, wanted[f], `image ${name}`);
  }
}

function currentSetting(entry: YAMLMap): ImageSetting {
  const value = (key: string) => {
    const v = entry.get(key);
    return typeof v === 'string' || typeof v === 'number' ? v : undefined;
  };
  return settingOfRule({
    name: '',
    newName: value('newName') as string | undefined,
    newTag: value('newTag') as string | undefined,
    digest: value('digest') as string | undefined,
    tagSuffix: value('tagSuffix') as string | undefined,
  });
}

function editReplicas(editor: NodeEditor, name: string, count: number): void {
  const [found] = entriesNamed(editor, ['replicas'], name);
  if (found) editor.setField(found.entry, 'count', count, `replicas ${name}`);
  else
    editor.appendEntry('replicas', [
      ['name', name],
      ['count', count],
    ]);
}

/** `key=value` as parseLiteral reads it back: a value in matching quotes gets one more pair. */
function literalText(key: string, value: string): string {
  const quotedAlready =
    value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
  return `${key}=${quotedAlready ? `"${value}"` : value}`;
}

function editLiterals(
  editor: NodeEditor,
  generator: string,
  pairs: Array<{ key: string; value: string }>,
): void {
  const [found] = entriesNamed(editor, ['configMapGenerator'], generator);
  const texts = pairs.map((p) => literalText(p.key, p.value));
  if (!found) {
    // the target's bases generate it (promotionChanges checks): merge the changed keys in
    editor.appendEntry('configMapGenerator', [
      ['name', generator],
      ['behavior', 'merge'],
      ['literals', texts],
    ]);
    return;
  }
  const literalsPair = found.entry.items.find((p: Pair) => isScalar(p.key) && p.key.value === 'literals');
  if (!literalsPair || !isSeq(literalsPair.value)) {
    if (literalsPair) requirePlainNode(literalsPair.value, editor.file, `the literals of ${generator}`);
    editor.setField(found.entry, 'literals', texts, `configMapGenerator ${generator}`);
    return;
  }
  const seq = literalsPair.value;
  requirePlainNode(seq, editor.file, `the literals of ${generator}`);
  const added: string[] = [];
  pairs.forEach((p, i) => {
    const items = seq.items.filter((item) => {
      const parsed = isScalar(item) ? parseLiteral(String(item.value)) : undefined;
      return parsed !== undefined && !('error' in parsed) && parsed.key === p.key;
    });
    if (items.length > 1) {
      throw promoteError(
        'PROMOTE_KUSTOMIZATION_UNEDITABLE',
        editor.file,
        `configMapGenerator ${generator} lists the literal ${p.key} ${items.length} times`,
      );
    }
    if (items.length === 1) editor.setScalar(items[0]!, texts[i]!, `literal ${p.key} of ${generator}`);
    else added.push(texts[i]!);
  });
  if (added.length > 0) editor.appendItems(seq, added, `the literals of ${generator}`);
}
