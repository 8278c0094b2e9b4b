/**
 * `images` (kustomize's ImageTagTransformer): rewrites container images by name. Like
 * kustomize it makes two passes — every `containers`/`initContainers` list at any depth
 * (except in CRDs), then the configured field specs.
 */
import { CapstanError } from '../../../core/errors.js';
import { isJsonObject, type JsonValue } from '../../../core/object.js';
import { compileFieldSpecs, walkFieldSpecs } from '../field-spec.js';
import { describeId } from '../ids.js';
import type { FieldSpec, Image, Resource } from '../types.js';

/** Splits `registry:5000/app:1.0@sha256:…` into name, tag and digest as kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const search = image.slice(offset);
  let at = search.indexOf('@');
  let colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += offset;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += offset;
    colon += offset;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += offset;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** Returns the new image string, or undefined when `image` is not the one `rule` names. */
export function updateImage(value: string, rule: Image, matcher: RegExp): string | undefined {
  if (!matcher.test(value)) return undefined;
  let { name, tag, digest } = splitImage(value);
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) {
    tag = rule.newTag;
    digest = rule.digest;
  } else if (rule.newTag) {
    tag = rule.newTag;
    digest = '';
  } else if (rule.digest) {
    tag = '';
    digest = rule.digest;
  } else if (rule.tagSuffix) {
    tag += rule.tagSuffix;
    digest = '';
  }
  return name + (tag ? ':' + tag : '') + (digest ? '@' + digest : '');
}

export function setImages(
  resources: readonly Resource[],
  rules: readonly Image[],
  specs: readonly FieldSpec[],
): void {
  if (rules.length === 0) return;
  const compiled = compileFieldSpecs(specs);
  for (const rule of rules) {
    // kustomize builds this regex from the name unescaped, so a name is itself a pattern
    const matcher = new RegExp('^' + rule.name + '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$');
    for (const res of resources) {
      if (res.obj.kind === 'CustomResourceDefinition') continue;
      const setValue = (value: JsonValue | undefined, path: string): JsonValue | undefined => {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== 'string') {
          throw new CapstanError(
            'RENDER_TRANSFORM_FAILED',
            `${res.source}: image at '${path}' of ${describeId(res.obj)} is not a string`,
            { path },
          );
        }
        return updateImage(value, rule, matcher);
      };
      visitContainerLists(res.obj as unknown as JsonValue, (container) => {
        if (!('image' in container)) return;
        const next = setValue(container.image, 'containers/image');
        if (next !== undefined) container.image = next;
      });
      walkFieldSpecs(compiled, res.obj, (_c, _k, value, spec) => setValue(value, spec.path));
    }
  }
}

/** Calls `fn` on each element of every `containers`/`initContainers` list, at any depth. */
function visitContainerLists(node: JsonValue, fn: (container: { [k: string]: JsonValue }) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) visitContainerLists(x, fn);
    return;
  }
  if (!isJsonObject(node)) return;
  for (const key in node) {
    const value = node[key];
    // only objects and lists can hold containers: skip the scalars without a call
    if (typeof value !== 'object' || value === null) continue;
    visitContainerLists(value, fn);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const c of value) if (isJsonObject(c)) fn(c);
    }
  }
}
