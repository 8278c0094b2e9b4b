/**
 * The `transformers:` and `generators:` fields, for kustomize's built-in plugins only
 * (`apiVersion: builtin`): each entry is inline YAML, a file of plugin configs, or a
 * kustomization directory whose output is plugin configs. Exec and container plugins
 * are refused: Capstan never runs programs named by a repository.
 */
import { CapstanError } from '../../core/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/object.js';
import { parseYamlDocuments } from '../../core/yaml.js';
import { Accumulator } from './accumulator.js';
import type { Target } from './target-model.js';

/** Builds `resources:`-style entries into an accumulator (target.ts's, passed in to avoid a cycle). */
export type ResourceLoader = (t: Target, acc: Accumulator, entries: readonly string[]) => void;
import { addContentHashes } from './hash-names.js';
import { makeConfigMap, makeSecret } from './generators/index.js';
import { setImages } from './transformers/images.js';
import { setMapEntries } from './transformers/labels.js';
import { setNamespace } from './transformers/namespace.js';
import { applyJson6902Entry, applyPatchEntry, applyStrategicMergePatches } from './transformers/patches.js';
import { addNameAffix } from './transformers/prefix-suffix.js';
import { setReplicas } from './transformers/replicas.js';
import { applyReplacements } from './replacements.js';
import { loadReplacements, patchContext } from './run-transformers.js';
import type { FieldSpec, GeneratorArgs, Image, Patch, Replica, Replacement, SecretArgs } from './types.js';

interface PluginConfig {
  config: JsonObject;
  where: string;
}

/** Reads the plugin configs an entry list names (inline YAML, files or directories). */
function loadConfigs(
  t: Target,
  entries: readonly string[],
  field: string,
  load: ResourceLoader,
): PluginConfig[] {
  const out: PluginConfig[] = [];
  const paths: string[] = [];
  for (const entry of entries) {
    const inline = entry.includes('\n') || /^\s*(apiVersion|kind)\s*:/.test(entry);
    if (!inline) {
      paths.push(entry);
      continue;
    }
    const where = `${t.file} (inline ${field})`;
    for (const doc of parseYamlDocuments(entry, where)) {
      if (!isJsonObject(doc)) throw invalid(where, 'a plugin config must be a map');
      out.push({ config: doc, where });
    }
  }
  if (paths.length > 0) {
    const acc = new Accumulator();
    load(t, acc, paths);
    for (const res of acc.resources)
      out.push({ config: res.obj as unknown as JsonObject, where: res.source });
  }
  for (const { config, where } of out) {
    if (config.apiVersion !== 'builtin') {
      throw new CapstanError(
        'RENDER_UNSUPPORTED_FEATURE',
        `${where}: ${field} plugin ${String(config.kind)} (apiVersion ${String(config.apiVersion)}) is not a built-in; exec and container plugins are not supported by Capstan's renderer`,
        { file: where },
      );
    }
  }
  return out;
}

function invalid(where: string, why: string): CapstanError {
  return new CapstanError('RENDER_PLUGIN_INVALID', `${where}: ${why}`, { file: where });
}

const specsOf = (c: JsonObject, where: string, required: boolean): FieldSpec[] => {
  const fs = c.fieldSpecs;
  if (fs === undefined || fs === null) {
    if (required) throw invalid(where, `${String(c.kind)} needs fieldSpecs`);
    return [];
  }
  if (!Array.isArray(fs)) throw invalid(where, `${String(c.kind)}: fieldSpecs must be a list`);
  return fs as unknown as FieldSpec[];
};

const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : '');

/** Runs the `generators:` entries of a kustomization. */
export function runPluginGenerators(t: Target, acc: Accumulator, load: ResourceLoader): void {
  if (!t.k.generators?.length) return;
  for (const { config, where } of loadConfigs(t, t.k.generators, 'generators', load)) {
    const meta = isJsonObject(config.metadata) ? config.metadata : {};
    const args = { ...config } as unknown as GeneratorArgs & SecretArgs;
    if (!args.name) args.name = str(meta.name);
    if (!args.namespace && meta.namespace) args.namespace = str(meta.namespace);
    let made;
    if (config.kind === 'ConfigMapGenerator') made = makeConfigMap(args, undefined, t.loader, where);
    else if (config.kind === 'SecretGenerator') made = makeSecret(args, undefined, t.loader, where);
    else throw invalid(where, `unknown built-in generator ${String(config.kind)}`);
    t.loader.ctx.budget.countObjects([made.obj], where);
    acc.addGenerated([made], where);
  }
}

/** Runs the `transformers:` entries of a kustomization, after its built-in fields. */
export function runPluginTransformers(t: Target, acc: Accumulator, load: ResourceLoader): void {
  if (!t.k.transformers?.length) return;
  const ctx = patchContext(t);
  for (const { config: c, where } of loadConfigs(t, t.k.transformers, 'transformers', load)) {
    const res = () => acc.resources;
    switch (c.kind) {
      case 'PrefixSuffixTransformer':
      case 'PrefixTransformer':
      case 'SuffixTransformer': {
        const specs = specsOf(c, where, true);
        if (c.kind !== 'SuffixTransformer' && str(c.prefix))
          addNameAffix(res(), str(c.prefix), 'prefix', specs);
        if (c.kind !== 'PrefixTransformer' && str(c.suffix))
          addNameAffix(res(), str(c.suffix), 'suffix', specs);
        break;
      }
      case 'LabelTransformer':
        setMapEntries(res(), (c.labels ?? {}) as Record<string, string>, specsOf(c, where, false), 'labels');
        break;
      case 'AnnotationsTransformer':
        setMapEntries(
          res(),
          (c.annotations ?? {}) as Record<string, string>,
          specsOf(c, where, false),
          'annotations',
        );
        break;
      case 'NamespaceTransformer': {
        const meta = isJsonObject(c.metadata) ? c.metadata : {};
        setNamespace(res(), str(meta.namespace), specsOf(c, where, false), {
          unsetOnly: c.unsetOnly === true,
          roleBindingSubjects: str(c.setRoleBindingSubjects),
          source: where,
        });
        break;
      }
      case 'ImageTagTransformer':
        if (!isJsonObject(c.imageTag)) throw invalid(where, 'ImageTagTransformer needs imageTag');
        setImages(res(), [c.imageTag as unknown as Image], specsOf(c, where, false));
        break;
      case 'ReplicaCountTransformer':
        if (!isJsonObject(c.replica)) throw invalid(where, 'ReplicaCountTransformer needs replica');
        setReplicas(res(), c.replica as unknown as Replica, specsOf(c, where, false), where);
        break;
      case 'PatchTransformer':
        acc.resources = applyPatchEntry(res(), c as unknown as Patch, ctx);
        break;
      case 'PatchJson6902Transformer':
        acc.resources = applyJson6902Entry(
          res(),
          {
            target: c.target as Patch['target'],
            path: str(c.path) || undefined,
            patch: str(c.jsonOp) || undefined,
          },
          ctx,
        );
        break;
      case 'PatchStrategicMergeTransformer': {
        const paths = Array.isArray(c.paths) ? (c.paths as string[]) : [];
        const inline = str(c.patches);
        acc.resources = applyStrategicMergePatches(res(), inline ? [...paths, inline] : paths, ctx);
        break;
      }
      case 'ReplacementTransformer':
        applyReplacements(res(), loadReplacements(t, (c.replacements ?? []) as unknown as Replacement[]), {
          source: where,
        });
        break;
      case 'HashTransformer':
        addContentHashes(res());
        break;
      default:
        throw invalid(where, `unknown or unsupported built-in transformer ${String(c.kind)}`);
    }
    acc.changed();
  }
}
