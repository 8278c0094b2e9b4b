/**
 * The built-in transformers a kustomization's own fields configure, in kustomize's order
 * (configureBuiltinTransformers): strategic-merge patches, patches, namespace, prefix,
 * suffix, labels, annotations, JSON 6902 patches, replicas, images, replacements.
 */
import { CapstanError } from '../../core/errors.js';
import { isJsonObject } from '../../core/object.js';
import { parseYamlDocuments } from '../../core/yaml.js';
import type { Accumulator } from './accumulator.js';
import { labelFieldSpecs } from './builtin-config/index.js';
import { applyReplacements } from './replacements.js';
import { builtinOrigin, type Target } from './target-model.js';
import { setImages } from './transformers/images.js';
import { setMapEntries } from './transformers/labels.js';
import { setNamespace } from './transformers/namespace.js';
import {
  applyJson6902Entry,
  applyPatchEntry,
  applyStrategicMergePatches,
  type PatchContext,
} from './transformers/patches.js';
import { addNameAffix } from './transformers/prefix-suffix.js';
import { setReplicas } from './transformers/replicas.js';
import type { Replacement } from './types.js';
import { patchSchemaFor } from './openapi.js';

export function patchContext(t: Target): PatchContext {
  return {
    source: t.file,
    readFile: (p) => t.loader.readFile(p),
    display: (p) => t.loader.display(p),
    schema: patchSchemaFor(t),
  };
}

export function runBuiltinTransformers(t: Target, acc: Accumulator): void {
  const { k, file } = t;
  const config = acc.config;
  const ctx = patchContext(t);
  // kustomize records each configured transformer on every object (buildMetadata: transformerAnnotations)
  const done = (kind: string) => {
    if (!t.loader.ctx.trackOrigins) return;
    const origin = builtinOrigin(t, kind);
    for (const r of acc.resources) {
      if (!r.origin) r.origin = origin;
      else (r.transformations ??= []).push(origin);
    }
  };
  if (k.patchesStrategicMerge?.length) {
    acc.resources = applyStrategicMergePatches(acc.resources, k.patchesStrategicMerge, ctx);
    done('PatchStrategicMergeTransformer');
  }
  for (const p of k.patches ?? []) {
    acc.resources = applyPatchEntry(acc.resources, p, ctx);
    done('PatchTransformer');
  }
  if (k.namespace) {
    setNamespace(acc.resources, k.namespace, config.namespace);
    done('NamespaceTransformer');
  }
  if (k.namePrefix) {
    addNameAffix(acc.resources, k.namePrefix, 'prefix', config.namePrefix);
    done('PrefixTransformer');
  }
  if (k.nameSuffix) {
    addNameAffix(acc.resources, k.nameSuffix, 'suffix', config.nameSuffix);
    done('SuffixTransformer');
  }
  if (k.labels?.length || (k.commonLabels && Object.keys(k.commonLabels).length)) {
    for (const label of k.labels ?? []) {
      setMapEntries(acc.resources, label.pairs ?? {}, labelFieldSpecs(config, label), 'labels');
      done('LabelTransformer');
    }
    setMapEntries(acc.resources, k.commonLabels ?? {}, config.commonLabels, 'labels');
    done('LabelTransformer');
  }
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length) {
    setMapEntries(acc.resources, k.commonAnnotations, config.commonAnnotations, 'annotations');
    done('AnnotationsTransformer');
  }
  for (const p of k.patchesJson6902 ?? []) {
    acc.resources = applyJson6902Entry(acc.resources, p, ctx);
    done('PatchJson6902Transformer');
  }
  for (const r of k.replicas ?? []) {
    setReplicas(acc.resources, r, config.replicas, file);
    done('ReplicaCountTransformer');
  }
  for (const image of k.images ?? []) {
    setImages(acc.resources, [image], config.images);
    done('ImageTagTransformer');
  }
  if (k.replacements?.length) {
    applyReplacements(acc.resources, loadReplacements(t, k.replacements), { source: file });
    done('ReplacementTransformer');
  }
  acc.changed(); // names may have changed: rebuild the id index on next use
}

/** Inlines `replacements` entries given by `path` (a file with one replacement or a list). */
export function loadReplacements(t: Target, entries: readonly Replacement[]): Replacement[] {
  const out: Replacement[] = [];
  for (const entry of entries) {
    if (!entry.path) {
      out.push(entry);
      continue;
    }
    if (entry.source || entry.targets) {
      throw new CapstanError(
        'RENDER_REPLACEMENT_INVALID',
        `${t.file}: a replacements entry may have 'path' or inline source/targets, not both`,
        { file: t.file },
      );
    }
    const shown = t.loader.display(entry.path);
    for (const doc of parseYamlDocuments(t.loader.readFile(entry.path), shown)) {
      const list = Array.isArray(doc) ? doc : [doc];
      for (const r of list) {
        if (!isJsonObject(r)) {
          throw new CapstanError('RENDER_REPLACEMENT_INVALID', `${shown}: a replacement must be a map`, {
            file: shown,
          });
        }
        out.push(r as Replacement);
      }
    }
  }
  return out;
}
