/**
 * Turns the text of a manifest file into build resources, as kustomize's resource factory:
 * `...List` kinds with `items` are expanded (their items after the file's other
 * documents), every object needs a kind and a metadata.name.
 */
import { CapstanError } from '../../core/errors.js';
import { isJsonObject, type JsonValue, type KubeObject } from '../../core/object.js';
import { parseYamlDocuments } from '../../core/yaml.js';
import { newResource } from './ids.js';
import type { Resource } from './types.js';

/** Parses manifests; `file` is the display path used in messages and as the resources' source. */
export function resourcesFromText(text: string, file: string): Resource[] {
  const docs = parseYamlDocuments(text, file);
  const plain: Resource[] = [];
  const listItems: Resource[] = [];
  docs.forEach((doc, index) => {
    const where = docs.length > 1 ? `${file} (document ${index + 1})` : file;
    if (!isJsonObject(doc)) {
      throw new CapstanError('RENDER_INVALID_OBJECT', `${where}: expected a Kubernetes object (a YAML map)`, {
        file,
      });
    }
    if (isList(doc)) {
      for (const item of doc.items as JsonValue[]) listItems.push(toResource(item, where, file));
    } else {
      plain.push(toResource(doc, where, file));
    }
  });
  return plain.concat(listItems);
}

function isList(doc: Record<string, JsonValue>): boolean {
  return typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items);
}

function toResource(doc: JsonValue, where: string, file: string): Resource {
  if (!isJsonObject(doc)) {
    throw new CapstanError('RENDER_INVALID_OBJECT', `${where}: expected a Kubernetes object (a YAML map)`, {
      file,
    });
  }
  if (typeof doc.kind !== 'string' || doc.kind === '') {
    throw new CapstanError('RENDER_INVALID_OBJECT', `${where}: object has no kind`, { file });
  }
  const meta = doc.metadata;
  if (!isJsonObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    throw new CapstanError('RENDER_INVALID_OBJECT', `${where}: ${doc.kind} has no metadata.name`, { file });
  }
  return newResource(doc as unknown as KubeObject, file);
}
