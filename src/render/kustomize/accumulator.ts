/**
 * What a kustomization accumulates while it is built (kustomize's ResAccumulator): the
 * resources in order, the transformer configuration (defaults, `configurations:`,
 * `crds:` and whatever the bases brought), and the vars declared so far.
 */
import { CapstanError } from '../../core/errors.js';
import {
  emptyTransformerConfig,
  mergeTransformerConfig,
  type TransformerConfig,
} from './builtin-config/index.js';
import { absorbGenerated } from './generators/index.js';
import { currentKey, describeId } from './ids.js';
import type { Resource, Var } from './types.js';

export class Accumulator {
  private list: Resource[] = [];
  /** current ids → resource; dropped whenever a transformer may have renamed things */
  private index: Map<string, Resource> | null = null;
  config: TransformerConfig = emptyTransformerConfig();
  vars: Array<{ v: Var; source: string }> = [];

  /** Appends resources, refusing an id that is already present (kustomize's AppendAll). */
  append(incoming: readonly Resource[], source: string): void {
    const seen = (this.index ??= new Map(this.list.map((r) => [currentKey(r.obj), r])));
    for (const r of incoming) {
      const key = currentKey(r.obj);
      const other = seen.get(key);
      if (other) {
        throw new CapstanError(
          'RENDER_DUPLICATE_ID',
          `${r.source}: ${describeId(r.obj)} is already in the build (declared in ${other.source}, built by ${source}); duplicate objects are not allowed`,
          { file: r.source, other: other.source },
        );
      }
      seen.set(key, r);
      this.list.push(r);
    }
  }

  get resources(): Resource[] {
    return this.list;
  }

  /** Replaces the list (after a transformer); ids may have changed. */
  set resources(list: Resource[]) {
    this.list = list;
    this.index = null;
  }

  /** Adds generated objects: create appends, merge/replace folds into an existing one. */
  addGenerated(made: readonly Resource[], source: string): void {
    let list = this.list;
    for (const res of made) list = absorbGenerated(list, res, source);
    this.resources = list;
  }

  /** Says that objects were changed in place (a transformer ran): ids must be read anew. */
  changed(): void {
    this.index = null;
  }

  mergeConfig(config: Partial<TransformerConfig>): void {
    this.config = mergeTransformerConfig(this.config, config);
  }

  addVars(vars: readonly Var[], source: string): void {
    for (const v of vars) {
      const clash = this.vars.find((x) => x.v.name === v.name);
      if (clash) {
        throw new CapstanError(
          'RENDER_VAR_DUPLICATE',
          `${source}: var '${v.name}' is already declared in ${clash.source}`,
          { name: v.name },
        );
      }
      this.vars.push({ v, source });
    }
  }

  /** Takes in everything a base accumulated (kustomize's MergeAccumulator). */
  absorb(other: Accumulator, source: string): void {
    this.append(other.resources, source);
    this.mergeConfig(other.config);
    for (const x of other.vars) this.addVars([x.v], x.source);
  }
}
