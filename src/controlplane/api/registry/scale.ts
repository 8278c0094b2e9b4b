/**
 * The scale subresource (autoscaling/v1 Scale), read from and written to the paths the
 * resource type names: `kubectl scale` and HPAs use it.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { ApiError, badRequest } from '../errors.js';
import type { ResourceType } from '../types.js';
import { selectorString } from '../kinds/apps/label-selector.js';
import { copy } from './convert.js';
import { checkResourceVersion } from './resource-version.js';

function read(obj: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur = obj;
  for (const step of path.replace(/^\./, '').split('.')) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

function write(obj: JsonObject, path: string, value: JsonValue): void {
  const steps = path.replace(/^\./, '').split('.');
  let cur: JsonObject = obj;
  for (const step of steps.slice(0, -1)) {
    if (!isJsonObject(cur[step])) cur[step] = {};
    cur = cur[step] as JsonObject;
  }
  cur[steps[steps.length - 1]] = value;
}

function scaleOf(type: ResourceType) {
  if (!type.scale) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return type.scale;
}

/** The Scale view of an object. */
export function toScale(type: ResourceType, obj: JsonObject): JsonObject {
  const s = scaleOf(type);
  const meta = (obj.metadata ?? {}) as JsonObject;
  const status: JsonObject = { replicas: Number(read(obj, s.statusReplicasPath) ?? 0) };
  // the Scale reports the selector as a string (`app=web`), whatever form the object keeps
  const raw = s.labelSelectorPath ? read(obj, s.labelSelectorPath) : undefined;
  const selector = isJsonObject(raw) ? selectorString(raw) : raw;
  if (typeof selector === 'string' && selector !== '') status.selector = selector;
  const scaleMeta: JsonObject = {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    creationTimestamp: meta.creationTimestamp ?? null,
  };
  if (meta.namespace) scaleMeta.namespace = meta.namespace;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: scaleMeta,
    spec: { replicas: Number(read(obj, s.specReplicasPath) ?? 0) },
    status,
  };
}

/** The object with the Scale's spec.replicas written into it (a new value). */
export function fromScale(type: ResourceType, obj: JsonObject, scale: JsonObject, name: string): JsonObject {
  const s = scaleOf(type);
  const replicas = isJsonObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
            field: 'spec.replicas',
          },
        ],
      },
    );
  }
  const rv = isJsonObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  const currentRv = Number((obj.metadata as JsonObject | undefined)?.resourceVersion);
  checkResourceVersion(type, name, rv, currentRv);
  if (!isJsonObject(scale)) throw badRequest('a Scale must be an object');
  const out = copy(obj);
  write(out, s.specReplicasPath, replicas);
  return out;
}
