/**
 * Turns the rendered objects into the objects to apply: namespace defaulted for namespaced
 * kinds, the application label and tracking annotation added. The input is not modified:
 * each result is a new object down to `metadata.labels`/`metadata.annotations`, and shares
 * everything else (`spec`, `data`, …) with its input — copying those would cost most of a
 * 10,000-object resync for nothing, so both sides are to be treated as read-only.
 */
import { CapstanError, isJsonObject, parseApiVersion, type KubeObject } from '../../core/index.js';
import { APP_LABEL, TRACKING_ANNOTATION, trackingId } from '../annotations.js';
import { describeRef, keyOf, refOf } from './refs.js';
import type { ObjectRef } from './types.js';

export interface PreparedObject {
  object: KubeObject;
  ref: ObjectRef;
  key: string;
  /** Position in the desired list (and in `plan.prepared`). */
  index: number;
  /** How errors name it: `Deployment shop/web (object #3)`. */
  what: string;
}

export interface PrepareOptions {
  app: string;
  defaultNamespace: string;
  isClusterScoped: (group: string, kind: string) => boolean;
}

function invalid(index: number, reason: string, obj: unknown): never {
  throw new CapstanError('SYNC_INVALID_OBJECT', `object #${index + 1} of the desired objects ${reason}`, {
    index,
    object: obj,
  });
}

/** Checks the fields the planner relies on, so that a later step never reads `undefined`. */
function checkShape(obj: KubeObject, index: number): void {
  if (!isJsonObject(obj)) invalid(index, 'is not an object', obj);
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') invalid(index, 'has no apiVersion', obj);
  if (typeof obj.kind !== 'string' || obj.kind === '') invalid(index, 'has no kind', obj);
  if (!isJsonObject(obj.metadata)) invalid(index, `(${obj.kind}) has no metadata`, obj);
  const { name, generateName } = obj.metadata;
  if (
    (typeof name !== 'string' || name === '') &&
    (typeof generateName !== 'string' || generateName === '')
  ) {
    invalid(index, `(${obj.kind}) has no metadata.name`, obj);
  }
}

/** The desired object as it will be applied. */
function prepareOne(obj: KubeObject, opts: PrepareOptions): KubeObject {
  const { group } = parseApiVersion(obj.apiVersion);
  const metadata = { ...obj.metadata };
  if (opts.isClusterScoped(group, obj.kind)) {
    // The API server ignores a namespace on a cluster-scoped object and the live object has
    // none: drop it, so that identity, tracking id and diff match the live object.
    delete metadata.namespace;
  } else if (!metadata.namespace) {
    metadata.namespace = opts.defaultNamespace;
  }
  metadata.labels = { ...metadata.labels, [APP_LABEL]: opts.app };
  const prepared: KubeObject = { ...obj, metadata };
  metadata.annotations = { ...metadata.annotations, [TRACKING_ANNOTATION]: trackingId(opts.app, prepared) };
  return prepared;
}

/**
 * Prepares every desired object, in order. Refuses objects without apiVersion, kind or
 * name (`SYNC_INVALID_OBJECT`) and two objects with one identity (`SYNC_DUPLICATE_OBJECT`).
 */
export function prepareObjects(desired: readonly KubeObject[], opts: PrepareOptions): PreparedObject[] {
  const byKey = new Map<string, PreparedObject>();
  return desired.map((input, index) => {
    checkShape(input, index);
    const object = prepareOne(input, opts);
    const ref = refOf(object);
    const key = keyOf(ref);
    const prepared: PreparedObject = {
      object,
      ref,
      key,
      index,
      what: `${describeRef(ref)} (object #${index + 1})`,
    };
    // generateName objects get a fresh name from the server each time: never duplicates.
    if (object.metadata.name) {
      const first = byKey.get(key);
      if (first) {
        throw new CapstanError(
          'SYNC_DUPLICATE_OBJECT',
          `${describeRef(ref)} is in the desired objects twice: object #${first.index + 1} ` +
            `(${first.ref.apiVersion}) and object #${index + 1} (${ref.apiVersion}); keep one of them`,
          {
            key,
            first: { index: first.index, apiVersion: first.ref.apiVersion },
            second: { index, apiVersion: ref.apiVersion },
          },
        );
      }
      byKey.set(key, prepared);
    }
    return prepared;
  });
}

/**
 * The default scope test: the kinds of CustomResourceDefinitions among the desired
 * objects by their `spec.scope`, then `fallback` (the built-in kinds, or the caller's).
 */
export function scopeFromDesired(
  desired: readonly KubeObject[],
  fallback: (group: string, kind: string) => boolean,
): (group: string, kind: string) => boolean {
  const declared = new Map<string, boolean>();
  for (const obj of desired) {
    if (obj?.kind !== 'CustomResourceDefinition' || !isJsonObject(obj.spec)) continue;
    const { group, names, scope } = obj.spec;
    if (typeof group !== 'string' || !isJsonObject(names) || typeof names.kind !== 'string') continue;
    declared.set(`${group}/${names.kind}`, scope === 'Cluster');
  }
  return (group, kind) => declared.get(`${group}/${kind}`) ?? fallback(group, kind);
}
