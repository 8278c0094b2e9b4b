/**
 * The metadata rules of kube-apiserver's generic registry (rest.BeforeCreate /
 * BeforeUpdate): uid, creationTimestamp, generation, generateName, and the fields a
 * client can never change.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import type { ResourceType } from '../types.js';

/** RFC 3339 with seconds, as Kubernetes writes metav1.Time. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function metaOf(obj: JsonObject): Record<string, JsonValue> {
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as Record<string, JsonValue>;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName plus five random characters, as the API server's name generator. */
export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return `${base.slice(0, 63 - 5)}${suffix}`;
}

/** What changes metadata.generation: by default everything outside metadata and status. */
export function specOf(type: ResourceType, obj: JsonObject): JsonValue {
  if (type.specFields) return type.specFields(obj);
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  }
  return rest;
}

/** Sets the server-owned metadata of a new object. */
export function prepareCreateMeta(type: ResourceType, obj: JsonObject, now: Date): void {
  const meta = metaOf(obj);
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  if (type.generation === false) delete meta.generation;
  else meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (isJsonObject(meta.labels) && Object.keys(meta.labels).length === 0) delete meta.labels;
  if (isJsonObject(meta.annotations) && Object.keys(meta.annotations).length === 0) delete meta.annotations;
}

/**
 * Copies onto an updated object what a client may not change, and bumps generation
 * when the spec changed (a worked example: generation 3, a PUT that changes only labels
 * keeps 3; one that changes spec.replicas makes it 4).
 */
export function prepareUpdateMeta(type: ResourceType, obj: JsonObject, old: JsonObject): void {
  const meta = metaOf(obj);
  const oldMeta = metaOf(old);
  for (const k of [
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ]) {
    if (oldMeta[k] === undefined) delete meta[k];
    else meta[k] = oldMeta[k];
  }
  delete meta.selfLink;
  if (type.generation === false) return;
  if (!isDeepStrictEqual(specOf(type, obj), specOf(type, old))) {
    meta.generation = (typeof oldMeta.generation === 'number' ? oldMeta.generation : 0) + 1;
  }
}
