/**
 * Where a kustomization sets container images other than through `images:` — the places a
 * promotion that edits `images:` cannot see or would not change: patches that write an
 * `image`, replacements whose target field is an `image`, and ImageTagTransformer plugins
 * under `transformers:`. (Patches run before `images:`, so an `images:` entry of the same
 * name still wins over them; replacements run after it and win over it.)
 */
import { isJsonObject, type JsonValue } from '../../core/object.js';
import { parseYamlDocuments } from '../../core/yaml.js';
import type { Kustomization, Replacement } from '../kustomize/types.js';

export interface ImageSetter {
  /** `overlays/prod/kustomization.yaml patches[0] (deployment-patch.yaml)` */
  where: string;
  kind: 'patch' | 'replacement' | 'plugin';
  /** the images a patch writes; a replacement's or plugin's value is known only when built */
  images: string[];
}

/** Reads a file named in the kustomization (relative to it), through the renderer's loader. */
export type ReadFile = (relPath: string) => string;

const looksInline = (entry: string) =>
  entry.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/.test(entry);
const isImageField = (fieldPath: unknown) => typeof fieldPath === 'string' && /(^|\.)image$/.test(fieldPath);

/**
 * The image setters of `k` (display path `file`). Without `read`, only inline patches,
 * replacements and plugin configs are looked at (the text of the kustomization alone).
 */
export function imageSetters(k: Kustomization, file: string, read?: ReadFile): ImageSetter[] {
  const out: ImageSetter[] = [];
  const docs = (text: string, where: string): JsonValue[] => {
    try {
      return parseYamlDocuments(text, where);
    } catch {
      return []; // the build reports a patch that does not parse, with its own code
    }
  };
  const source = (entry: { path?: string; patch?: string }, label: string) => {
    if (typeof entry.patch === 'string' && entry.patch.trim() !== '')
      return { text: entry.patch, where: `${file} ${label}` };
    if (typeof entry.path === 'string' && read)
      return { text: read(entry.path), where: `${file} ${label} (${entry.path})` };
    return undefined;
  };
  const patch = (text: string, where: string) => {
    const images = docs(text, where).flatMap(imagesWritten);
    if (images.length > 0) out.push({ where, kind: 'patch', images });
  };

  (k.patches ?? []).forEach((p, i) => {
    const s = source(p, `patches[${i}]`);
    if (s) patch(s.text, s.where);
  });
  (k.patchesJson6902 ?? []).forEach((p, i) => {
    const s = source(p, `patchesJson6902[${i}]`);
    if (s) patch(s.text, s.where);
  });
  (k.patchesStrategicMerge ?? []).forEach((entry, i) => {
    const s = looksInline(entry) ? { patch: entry } : { path: entry };
    const found = source(s, `patchesStrategicMerge[${i}]`);
    if (found) patch(found.text, found.where);
  });
  (k.replacements ?? []).forEach((r, i) => {
    const where = `${file} replacements[${i}]${r.path ? ` (${r.path})` : ''}`;
    const list: JsonValue[] = r.path
      ? read
        ? docs(read(r.path), where).flat()
        : []
      : [r as unknown as JsonValue];
    if (list.some((x) => isJsonObject(x) && targetsImage(x as Replacement))) {
      out.push({ where, kind: 'replacement', images: [] });
    }
  });
  (k.transformers ?? []).forEach((entry, i) => {
    const where = `${file} transformers[${i}]${looksInline(entry) ? '' : ` (${entry})`}`;
    let text: string | undefined = looksInline(entry) ? entry : undefined;
    if (text === undefined && read) {
      try {
        text = read(entry);
      } catch {
        text = undefined; // a directory of plugin configs: the build reads it
      }
    }
    for (const c of text === undefined ? [] : docs(text, where)) {
      if (!isJsonObject(c)) continue;
      const replacements = Array.isArray(c.replacements) ? c.replacements : [];
      if (
        c.kind === 'ImageTagTransformer' ||
        (c.kind === 'ReplacementTransformer' &&
          replacements.some((r) => isJsonObject(r) && targetsImage(r as Replacement)))
      ) {
        out.push({ where, kind: 'plugin', images: [] });
      }
    }
  });
  return out;
}

function targetsImage(r: Replacement): boolean {
  return (r.targets ?? []).some((t) => (t.fieldPaths ?? []).some(isImageField));
}

/** Every image a patch document writes: `image:` fields, and JSON 6902 ops on an `/image` path. */
function imagesWritten(doc: JsonValue): string[] {
  const found: string[] = [];
  const walk = (v: JsonValue): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!isJsonObject(v)) return;
    if (typeof v.path === 'string' && /\/image$/.test(v.path) && typeof v.value === 'string')
      found.push(v.value);
    for (const [key, x] of Object.entries(v)) {
      if (key === 'image' && typeof x === 'string') found.push(x);
      else walk(x);
    }
  };
  walk(doc);
  return found;
}
