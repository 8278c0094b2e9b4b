/**
 * namePrefix / nameSuffix (kustomize's PrefixTransformer and SuffixTransformer). The
 * resource remembers its old id and the affix, so that name references can be fixed
 * at the end of the build and told apart between diamond bases.
 */
import { compileFieldSpecs, walkFieldSpecs } from '../field-spec.js';
import { originalId, storePreviousId } from '../ids.js';
import type { FieldSpec, Resource } from '../types.js';

/** Kinds whose names kustomize never prefixes or suffixes. */
const SKIPPED_KINDS = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

/** Adds `affix` before (prefix) or after (suffix) the names the field specs select. */
export function addNameAffix(
  resources: readonly Resource[],
  affix: string,
  where: 'prefix' | 'suffix',
  specs: readonly FieldSpec[],
): void {
  const compiled = compileFieldSpecs(specs);
  for (const res of resources) {
    const org = originalId(res);
    if (SKIPPED_KINDS.has(org.kind)) continue;
    let renamedHere = false;
    walkFieldSpecs(compiled, res.obj, (_container, _key, value, spec) => {
      if (spec.path === 'metadata/name' && !renamedHere) {
        renamedHere = true;
        if (affix !== '') {
          if (where === 'prefix') res.prefixes.push(affix);
          else res.suffixes.push(affix);
          storePreviousId(res);
        }
      }
      if (typeof value !== 'string') return undefined;
      return where === 'prefix' ? affix + value : value + affix;
    });
  }
}
